"""The shipment twins on the USAID SCMS delivery history: one per mode, on the clock."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from typer.testing import CliRunner

from tests.twins.support import on, running, tick, watch
from thread import Channel, Subjects, Thread, TwinRefusedError
from twins import (
    ClockDay,
    Delivery,
    ShipmentHistory,
    ShipmentTwin,
    country_id,
    load_shipments,
)
from twins.cli import app

JAN_1, JAN_2, JAN_3 = (dt.date(2023, 1, d) for d in (1, 2, 3))
WINDOW = 151


@pytest.fixture(scope="module")
def history() -> ShipmentHistory:
    """The delivery history shipped in ``data/usaid-scms``."""
    return load_shipments()


def test_history_has_one_shipment_twin_per_mode(history: ShipmentHistory) -> None:
    assert history.twin_ids() == [
        "shipment-air",
        "shipment-air-charter",
        "shipment-ocean",
        "shipment-truck",
    ]


def test_every_delivery_falls_on_the_clock_day_whose_period_holds_it(
    history: ShipmentHistory,
) -> None:
    periods = [history.period(day, WINDOW) for day in range(WINDOW)]

    def held(delivery: Delivery) -> bool:
        first, last = periods[history.part_of(delivery, WINDOW)]
        return first <= delivery.scheduled <= last

    assert all(held(delivery) for delivery in history.deliveries)
    assert (periods[0][0], periods[-1][1]) == (history.first, history.last)


def test_state_counts_the_late_deliveries_due_on_the_day(
    history: ShipmentHistory,
) -> None:
    twin = ShipmentTwin(Thread("nats://127.0.0.1:1"), history, "Ocean")
    day = ClockDay(day=JAN_2, index=1, total=3)
    due = [d for d in history.of_mode("Ocean") if history.part_of(d, 3) == 1 and d.late]

    state = twin.state_of(day)

    assert (state.late_today, state.figures["late_today"]) == (len(due), len(due))
    assert sum(state.late_today_by_destination.values()) == len(due)


def test_shipment_manifest_delivers_to_every_country_of_its_mode(
    history: ShipmentHistory,
) -> None:
    twin = ShipmentTwin(Thread("nats://127.0.0.1:1"), history, "Air Charter")
    targets = {r.target for r in twin.manifest.relations}

    assert targets == {country_id(d.country) for d in history.of_mode("Air Charter")}
    assert {r.kind for r in twin.manifest.relations} == {"delivers"}


async def test_shipment_twin_publishes_late_deliveries_on_each_clock_day(
    thread: Thread, history: ShipmentHistory
) -> None:
    states = await watch(thread, Channel.STATE, twin_id="shipment-truck")
    async with running(ShipmentTwin(thread, history, "Truck")):
        await tick(thread, JAN_1, JAN_2, JAN_3)
        last = await states.until(on(JAN_3))

    trucks = history.of_mode("Truck")
    assert (last.delivered_total, last.late_total) == (
        len(trucks),
        sum(d.late for d in trucks),
    )
    assert last.late_share == round(last.late_total / last.delivered_total, 4)


async def test_shipment_twin_is_refused_while_its_contract_is_not_registered(
    nats_url: str, subjects: Subjects, history: ShipmentHistory
) -> None:
    async with Thread(nats_url, subjects=subjects) as bare:
        with pytest.raises(
            TwinRefusedError,
            match=re.escape(
                "twinweave schema register schemas/shipment/state.1.0.0.json"
            ),
        ):
            await ShipmentTwin(bare, history, "Air").run()


def test_twin_list_prints_the_shipment_twins_of_kind_shipment() -> None:
    result = CliRunner().invoke(app, ["list", "--kind", "shipment"])

    assert result.stdout.splitlines() == [
        "shipment shipment-air",
        "shipment shipment-air-charter",
        "shipment shipment-ocean",
        "shipment shipment-truck",
    ]


def test_twin_list_all_adds_the_shipment_twins_to_the_network() -> None:
    lines = CliRunner().invoke(app, ["list", "--all"]).stdout.splitlines()

    assert (len(lines), lines[0], lines[-1]) == (
        43,
        "factory plant-1901",
        "shipment shipment-truck",
    )
