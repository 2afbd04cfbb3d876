"""The replay clock: walks the twins through the data's days at a chosen pace."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from nats.aio.msg import Msg

from thread import (
    Channel,
    ConfigurationError,
    Envelope,
    SubjectError,
    Thread,
    TwinsAbsentError,
    new_id,
)
from twins._messages import ClockDay, ref_of

log = logging.getLogger(__name__)


def replay_days(
    window: tuple[dt.date, dt.date],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[dt.date]:
    """Every day from ``start`` to ``end`` (both kept), defaulting to the window.

    Raises:
        ConfigurationError: a date is outside the window, or ``start`` is after
            ``end``.
    """
    first, last = window
    start = start or first
    end = end or last
    for name, day in (("start", start), ("end", end)):
        if not first <= day <= last:
            raise ConfigurationError(
                name, f"{day} is outside the data window {first}..{last}"
            )
    if start > end:
        raise ConfigurationError("start", f"{start} is after the end {end}")
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


async def wait_for_twins(thread: Thread, count: int, *, timeout: float) -> set[str]:
    """Wait until ``count`` different twins have sent a heartbeat.

    Returns the ids seen.

    Raises:
        TwinsAbsentError: fewer showed up within ``timeout`` seconds.
    """
    seen: set[str] = set()
    enough = asyncio.Event()

    async def on_beat(msg: Msg) -> None:
        try:
            seen.add(thread.subjects.parse(msg.subject).twin_id)
        except SubjectError:
            return
        if len(seen) >= count:
            enough.set()

    subscription = await thread.subscribe_raw(
        thread.subjects.pattern(Channel.HEARTBEAT), on_beat
    )
    try:
        async with asyncio.timeout(timeout):
            await enough.wait()
    except TimeoutError:
        raise TwinsAbsentError(count, list(seen), timeout) from None
    finally:
        await subscription.unsubscribe()
    return seen


class ReplayClock:
    """Publishes :class:`ClockDay` on the clock subject, one day after another.

    ``await clock.run()`` returns once every day was published and its share
    of wall-clock time has passed; :meth:`stop` ends the run before the next
    day, and cancelling the task running it is safe too.

    Args:
        thread: a connected thread.
        days: the simulated days to publish, in order (see :func:`replay_days`).
        speed: simulated days per wall-clock second.

    Raises:
        ConfigurationError: no days, or a speed that is not positive.
    """

    def __init__(self, thread: Thread, days: list[dt.date], *, speed: float = 1.0):
        if not days:
            raise ConfigurationError("days", "the clock needs at least one day")
        if not speed > 0:
            raise ConfigurationError("speed", f"{speed} is not a positive pace")
        self.thread = thread
        self.days = list(days)
        self.speed = speed
        self.published = 0
        # A run of its own as source: twins order clock days per source, and
        # the numbering of a new run starts again from 1.
        self.source = f"/clock/replay/{new_id()[:12]}"
        self._stopping = asyncio.Event()

    @property
    def seconds_per_day(self) -> float:
        """Wall-clock seconds between two simulated days."""
        return 1.0 / self.speed

    def stop(self) -> None:
        """End the run before the next day."""
        self._stopping.set()

    async def run(self, *, wait_for: int = 0, wait_timeout: float = 30.0) -> int:
        """Publish the days; return how many were published.

        Args:
            wait_for: first wait until this many twins have sent a heartbeat.
            wait_timeout: how long to wait for them, in seconds.

        Raises:
            TwinsAbsentError: fewer than ``wait_for`` twins showed up in time.
        """
        if wait_for:
            await wait_for_twins(self.thread, wait_for, timeout=wait_timeout)
        log.info(
            "replaying %s..%s at %g days/s", self.days[0], self.days[-1], self.speed
        )
        loop = asyncio.get_running_loop()
        begin = loop.time()
        for index, day in enumerate(self.days):
            await self._publish(day, index)
            if await self._rest_until(begin + (index + 1) * self.seconds_per_day):
                break
        log.info("replay clock stopped after %d days", self.published)
        return self.published

    async def _publish(self, day: dt.date, index: int) -> None:
        ref = ref_of("common", "clock.day")
        envelope = Envelope(
            source=self.source,
            type=ref.event_type,
            dataschema=ref.urn,
            sequence=index + 1,
        )
        tick = ClockDay(
            day=day,
            index=index,
            total=len(self.days),
            seconds_per_day=self.seconds_per_day,
        )
        await self.thread.publish(self.thread.subjects.clock, envelope, tick)
        self.published += 1
        log.debug("clock day %s (%d/%d)", day, index + 1, len(self.days))

    async def _rest_until(self, deadline: float) -> bool:
        """Wait until ``deadline`` (loop time); True if stopped meanwhile."""
        delay = deadline - asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(max(delay, 0.0)):
                await self._stopping.wait()
        except TimeoutError:
            return False
        return True
