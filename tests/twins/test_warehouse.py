"""The warehouse twin on a real server: releases, shortfalls and restarts."""

from __future__ import annotations

import datetime as dt

from tests.twins.support import on, running, send, tick, watch
from thread import Channel, Subjects, Thread
from twins import FactoryTwin, ReleaseCommand, SupplyNetwork, WarehouseTwin

JAN_2 = dt.date(2023, 1, 2)


async def test_release_larger_than_stock_is_partly_short(
    thread: Thread, network: SupplyNetwork
) -> None:
    warehouse = WarehouseTwin(thread, network, "330", opening_cover_days=1)
    async with running(warehouse):
        held = warehouse.stock["SOS001L12P"]
        asked = ReleaseCommand(day=JAN_2, lines={"SOS001L12P": held + 100})
        reply = await send(thread, warehouse, "release", asked)

    assert reply.result == {
        "released": {"SOS001L12P": held},
        "short": {"SOS001L12P": 100.0},
    }
    assert "SOS001L12P" not in warehouse.stock


async def test_release_reports_the_shortfall_in_the_warehouse_state(
    thread: Thread, network: SupplyNetwork
) -> None:
    warehouse = WarehouseTwin(thread, network, "330", opening_cover_days=0)
    states = await watch(thread, Channel.STATE, twin_id="storage-330")
    async with running(warehouse):
        asked = ReleaseCommand(day=JAN_2, lines={"SOS001L12P": 5})
        await send(thread, warehouse, "release", asked)
        state = await states.until(lambda s: s.short_today)

    assert (state.figures["short_today"], state.days_of_cover) == (5.0, 0.0)


async def test_restarted_warehouse_resumes_its_stock_and_sequence(
    nats_url: str, subjects: Subjects, thread: Thread, network: SupplyNetwork
) -> None:
    states = await watch(thread, Channel.STATE, twin_id="storage-330")
    factory_states = await watch(thread, Channel.STATE, twin_id="plant-2103")
    async with Thread(nats_url, subjects=subjects, name="first") as first:
        factory = FactoryTwin(thread, network, "2103")
        async with running(WarehouseTwin(first, network, "330")), running(factory):
            await tick(thread, JAN_2)
            await states.until(lambda s: s.received_today)
            await factory_states.until(on(JAN_2))
    kept = len(states.messages)

    second = Thread(nats_url, subjects=subjects, name="second")
    async with second, running(WarehouseTwin(second, network, "330")):
        resumed = await states.nth(kept)

    last = states.messages[kept - 1]
    assert resumed.data.stock == last.data.stock
    assert (resumed.envelope.sequence or 0) > (last.envelope.sequence or 0)
