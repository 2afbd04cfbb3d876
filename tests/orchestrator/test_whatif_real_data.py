"""A what-if on the state real twins reach by replaying the real data to March.

The fork is built the faster documented way (``docs/exposure.md``): the real
factory, warehouse and fleet twins run in-process on a real server, and each
replay day is handed to them in the order the clock's day has in production
(plants issue, warehouses take the issues, the fleet collects), by calling their
``on_day`` directly instead of waiting on the clock subject. The states they
publish to KV are the fork.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable

import pytest

from orchestrator import Scenario, WhatIfResult, what_if
from thread import Subjects, Thread
from twins import (
    ClockDay,
    FactoryTwin,
    FleetTwin,
    SupplyNetwork,
    Twin,
    WarehouseTwin,
    load_network,
    replay_days,
)

FORK_DAY = dt.date(2023, 3, 14)
BUSIEST = "plant-2103"  # the largest mean daily issue of the data


async def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    # A durable consumer tells no one when it has caught up; its counters do.
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.001)


@contextlib.asynccontextmanager
async def real_twins(
    nats_url: str, subjects: Subjects, network: SupplyNetwork
) -> AsyncIterator[tuple[list[FactoryTwin], list[WarehouseTwin], FleetTwin]]:
    async with contextlib.AsyncExitStack() as stack:

        async def thread(name: str) -> Thread:
            return await stack.enter_async_context(
                Thread(nats_url, subjects=subjects, name=name)
            )

        plants = [FactoryTwin(await thread(p), network, p) for p in network.plants]
        stores = [WarehouseTwin(await thread(s), network, s) for s in network.storages]
        fleet = FleetTwin(await thread("fleet"), network)
        tasks = await stack.enter_async_context(asyncio.TaskGroup())
        everyone: list[Twin] = [*plants, *stores, fleet]
        for twin in everyone:
            joined = asyncio.Event()
            tasks.create_task(twin.run(joined), name=f"test-{twin.twin_id}")
            async with asyncio.timeout(10):
                await joined.wait()
        try:
            yield plants, stores, fleet
        finally:
            for twin in everyone:
                twin.stop()


async def replay_to(
    day: dt.date,
    network: SupplyNetwork,
    twins: tuple[list[FactoryTwin], list[WarehouseTwin], FleetTwin],
) -> None:
    plants, stores, fleet = twins
    days = replay_days(network.window, end=day)
    issued = 0
    for index, date in enumerate(days):
        tick = ClockDay(day=date, index=index, total=len(days))
        for plant in plants:
            await plant.on_day(tick)
            issued += len(network.issues(plant.plant, date))
        await until(lambda: all(s.receiver.stats.accepted >= issued for s in stores))  # noqa: B023
        for store in stores:
            await store.on_day(tick)
        await fleet.on_day(tick)


@pytest.fixture(scope="module")
def network() -> SupplyNetwork:
    """The network of the SupplyGraph data shipped in ``data/``."""
    return load_network()


@pytest.fixture
async def march_result(
    registered: None,
    nats_url: str,
    subjects: Subjects,
    thread: Thread,
    network: SupplyNetwork,
) -> WhatIfResult:
    async with real_twins(nats_url, subjects, network) as twins:
        await replay_to(FORK_DAY, network, twins)
    scenario = Scenario.from_data(
        {
            "name": "busiest-plant-stops",
            "start": "2023-03-15",
            "horizon_days": 21,
            "disruptions": [{"type": "node_down", "node": BUSIEST, "duration_days": 7}],
        }
    )
    return await what_if(thread, scenario)


@pytest.mark.slow
async def test_stopping_the_busiest_plant_a_week_in_march_is_pinned(
    march_result: WhatIfResult, network: SupplyNetwork
) -> None:
    busiest = max(network.plants, key=lambda p: sum(network.mean_issue(p).values()))
    plant = march_result.node(BUSIEST)
    store = march_result.node("storage-330")  # the only storage it supplies
    assert plant is not None and store is not None
    assert f"plant-{busiest}" == BUSIEST

    # A week of its mean daily issue is lost, and all of it would have gone to
    # storage-330; by mid-March that store holds enough to ship all it is asked.
    assert plant.scenario.volume_short == 35696.087
    assert plant.scenario.stockout_date == "2023-03-15"
    assert store.scenario.stockout_day is None
    drawn = store.baseline.stock_end - store.scenario.stock_end
    assert drawn == pytest.approx(35696.087, abs=0.01)
    assert march_result.ends.extra_short == 0.0
