"""The fleet twin on a real server: releases collected, shortfalls, deliveries."""

from __future__ import annotations

import datetime as dt
import math

from tests.twins.support import on, running, tick, watch
from thread import Channel, Thread
from twins import FleetTwin, SupplyNetwork, WarehouseTwin

JAN_2, JAN_3 = dt.date(2023, 1, 2), dt.date(2023, 1, 3)


async def test_fleet_dispatches_what_the_warehouse_released(
    thread: Thread, network: SupplyNetwork
) -> None:
    fleet_states = await watch(thread, Channel.STATE, kind="fleet")
    stored = await watch(thread, Channel.STATE, twin_id="storage-330")
    async with (
        running(WarehouseTwin(thread, network, "330")),
        running(FleetTwin(thread, network)),
    ):
        await tick(thread, JAN_2)
        fleet = await fleet_states.until(on(JAN_2))
        warehouse = await stored.until(lambda s: s.released_today)

    assert fleet.dispatched_today == warehouse.released_today


async def test_fleet_counts_a_silent_warehouse_as_short(
    thread: Thread, network: SupplyNetwork
) -> None:
    fleet_states = await watch(thread, Channel.STATE, kind="fleet")
    async with running(FleetTwin(thread, network)):
        await tick(thread, JAN_2)
        fleet = await fleet_states.until(on(JAN_2))

    asked = math.fsum(network.totals(JAN_2).delivery.values())
    assert (fleet.figures["short_today"], fleet.dispatched_today) == (
        round(asked, 3),
        {},
    )


async def test_fleet_delivers_yesterdays_loads_to_the_distributors(
    thread: Thread, network: SupplyNetwork
) -> None:
    fleet_states = await watch(thread, Channel.STATE, kind="fleet")
    delivered = await watch(thread, Channel.EVENT, kind="fleet", name="delivered")
    async with (
        running(WarehouseTwin(thread, network, "330")),
        running(FleetTwin(thread, network)),
    ):
        await tick(thread, JAN_2, JAN_3)
        first = await fleet_states.until(on(JAN_2))
        event = await delivered.until(lambda e: e.day == JAN_3)
        await fleet_states.until(on(JAN_3))

    assert (event.destination, event.lines) == ("distributors", first.in_transit)
