"""The factory twin on a real server: issues reach the warehouse; stops hold them."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.twins.support import on, running, send, tick, watch
from thread import Channel, Subjects, Thread
from twins import FactoryTwin, Phase, StopCommand, SupplyNetwork, WarehouseTwin

JAN_2, JAN_3, JAN_4 = (dt.date(2023, 1, d) for d in (2, 3, 4))


async def test_factory_issue_raises_the_warehouse_inventory(
    thread: Thread, network: SupplyNetwork
) -> None:
    factory = FactoryTwin(thread, network, "2103")
    warehouse = WarehouseTwin(thread, network, "330")
    states = await watch(thread, Channel.STATE, twin_id="storage-330")
    factory_states = await watch(thread, Channel.STATE, twin_id="plant-2103")
    async with running(warehouse), running(factory):
        opening = dict(warehouse.stock)
        await tick(thread, JAN_2)
        state = await states.until(lambda s: s.received_today)
        await factory_states.until(on(JAN_2))

    issued = network.issues("2103", JAN_2)["330"]
    assert state.received_today == issued
    assert state.stock["SOS001L12P"] == round(
        opening["SOS001L12P"] + issued["SOS001L12P"], 3
    )


async def test_factory_manifest_supplies_the_storage_it_issues_to(
    network: SupplyNetwork, thread: Thread
) -> None:
    relation = FactoryTwin(thread, network, "1920").manifest.relations[0]
    assert (relation.target, relation.kind) == ("storage-1130", "supplies")


async def test_stopped_factory_issues_nothing_for_two_clock_days(
    thread: Thread, network: SupplyNetwork
) -> None:
    factory = FactoryTwin(thread, network, "2103")
    states = await watch(thread, Channel.STATE, twin_id="plant-2103")
    issued = await watch(thread, Channel.EVENT, twin_id="plant-2103", name="issued")
    async with running(factory):
        await send(thread, factory, "stop", StopCommand(days=2))
        phase_when_stopped = factory.phase
        await tick(thread, JAN_2, JAN_3, JAN_4)
        await states.until(on(JAN_4))

    assert phase_when_stopped is Phase.UNDER_MAINTENANCE
    by_day = {s.day: s.figures["production_today"] for s in states.data}
    assert by_day[JAN_2] == by_day[JAN_3] == 0 < by_day[JAN_4]
    assert {event.day for event in issued.data} == {JAN_4}


async def test_factory_is_operating_again_when_the_stop_ends(
    thread: Thread, network: SupplyNetwork
) -> None:
    factory = FactoryTwin(thread, network, "2103")
    states = await watch(thread, Channel.STATE, twin_id="plant-2103")
    changes = await watch(thread, Channel.LIFECYCLE, twin_id="plant-2103")
    async with running(factory):
        await send(thread, factory, "stop", StopCommand(days=1))
        await tick(thread, JAN_2)
        stopped = await states.until(on(JAN_2))
        change = await changes.until(lambda c: c.reason == "stop ended")

    assert (stopped.stopped_until, change.phase) == (JAN_2, Phase.OPERATING)


@pytest.mark.usefixtures("registered")
async def test_restarted_factory_stays_stopped_for_the_days_left(
    nats_url: str, subjects: Subjects, network: SupplyNetwork
) -> None:
    first = Thread(nats_url, subjects=subjects, name="first")
    async with first, running(FactoryTwin(first, network, "2103")) as factory:
        states = await watch(first, Channel.STATE, twin_id="plant-2103")
        await tick(first, JAN_2)
        await states.until(on(JAN_2))
        await send(first, factory, "stop", StopCommand(days=2))

    second = Thread(nats_url, subjects=subjects, name="second")
    async with second, running(FactoryTwin(second, network, "2103")) as factory:
        resumed = (factory.phase, factory.stopped_until)

    assert resumed == (Phase.UNDER_MAINTENANCE, JAN_4)
