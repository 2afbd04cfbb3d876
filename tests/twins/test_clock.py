"""The replay clock: the days of a window, at a pace, stoppable."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.twins.support import running
from thread import ConfigurationError, Contracts, Message, Thread, TwinsAbsentError
from twins import (
    ClockDay,
    ReplayClock,
    SupplyNetwork,
    WarehouseTwin,
    model_contracts,
    replay_days,
)

WINDOW = (dt.date(2023, 1, 1), dt.date(2023, 5, 31))


async def test_clock_publishes_every_day_of_its_window_in_order(
    thread: Thread,
) -> None:
    days: list[ClockDay] = []
    all_in = asyncio.Event()

    async def collect(message: Message) -> None:
        days.append(message.data)
        if len(days) == 3:
            all_in.set()

    await thread.subscribe(thread.subjects.clock, collect, Contracts(model_contracts()))
    window = replay_days(WINDOW, dt.date(2023, 4, 21), dt.date(2023, 4, 23))
    published = await ReplayClock(thread, window, speed=100).run()
    async with asyncio.timeout(5):
        await all_in.wait()

    assert published == 3
    assert [(d.day.day, d.index, d.total) for d in days] == [
        (21, 0, 3),
        (22, 1, 3),
        (23, 2, 3),
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2022, 12, 31), None),
        (None, dt.date(2023, 6, 1)),
        (dt.date(2023, 3, 2), dt.date(2023, 3, 1)),
    ],
    ids=["start-before-window", "end-after-window", "start-after-end"],
)
def test_clock_refuses_days_outside_the_data_window(
    start: dt.date | None, end: dt.date | None
) -> None:
    with pytest.raises(ConfigurationError):
        replay_days(WINDOW, start, end)


async def test_stopped_clock_publishes_no_more_days(thread: Thread) -> None:
    clock = ReplayClock(thread, replay_days(WINDOW), speed=2)
    running_clock = asyncio.create_task(clock.run(), name="test-clock")
    clock.stop()
    async with asyncio.timeout(5):
        published = await running_clock

    assert published == 1


async def test_clock_waits_for_the_twins_it_was_told_to(
    thread: Thread, network: SupplyNetwork
) -> None:
    clock = ReplayClock(thread, [dt.date(2023, 1, 2)], speed=100)
    async with running(WarehouseTwin(thread, network, "330")):
        assert await clock.run(wait_for=1, wait_timeout=5) == 1


async def test_clock_gives_up_when_the_twins_do_not_show_up(thread: Thread) -> None:
    clock = ReplayClock(thread, [dt.date(2023, 1, 2)])
    with pytest.raises(TwinsAbsentError):
        await clock.run(wait_for=1, wait_timeout=0.2)
