"""Helpers for the twin tests: running twins, ticking the clock, watching subjects."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from pydantic import BaseModel

from thread import Channel, Contracts, Envelope, Message, Thread
from twins import (
    CommandReply,
    NodeState,
    ReplayClock,
    Twin,
    model_contracts,
    ref_of,
)

WAIT = 5.0

T = TypeVar("T", bound=Twin)


@asynccontextmanager
async def running(twin: T) -> AsyncIterator[T]:
    """Run ``twin`` while the block runs; it has joined when the block starts."""
    joined = asyncio.Event()
    async with asyncio.TaskGroup() as tasks:
        task = tasks.create_task(twin.run(joined), name=f"test-{twin.twin_id}")
        async with asyncio.timeout(WAIT):
            await joined.wait()
        try:
            yield twin
        finally:
            twin.stop()
            async with asyncio.timeout(WAIT):
                await task


async def tick(thread: Thread, *days: dt.date) -> None:
    """Publish ``days`` on the clock subject, as the replay clock does, at once."""
    await ReplayClock(thread, list(days), speed=1000).run()


class Watch:
    """Every message on one subject pattern, and a way to wait for one."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._arrived = asyncio.Condition()

    async def __call__(self, message: Message) -> None:
        async with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()

    @property
    def data(self) -> list[Any]:
        """The data of every message so far."""
        return [m.data for m in self.messages]

    async def until(self, check: Callable[[Any], bool], timeout: float = WAIT) -> Any:
        """The first message data satisfying ``check``, waiting for it if need be."""
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: any(check(d) for d in self.data))
        return next(d for d in self.data if check(d))

    async def nth(self, n: int, timeout: float = WAIT) -> Message:
        """Message number ``n`` (from 0), waiting for it if need be."""
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.messages) > n)
        return self.messages[n]


async def watch(thread: Thread, channel: Channel, **parts: str) -> Watch:
    """Start watching one channel of the twins ``parts`` select (kind, id, name)."""
    watcher = Watch()
    await thread.subscribe(
        thread.subjects.pattern(channel, **parts),
        watcher,
        Contracts(model_contracts()),
    )
    return watcher


def on(day: dt.date) -> Callable[[NodeState], bool]:
    """A check that a state is of ``day``."""
    return lambda state: state.day == day


async def send(thread: Thread, twin: Twin, name: str, data: BaseModel) -> CommandReply:
    """Send command ``name`` to ``twin`` as a planner would; return the reply."""
    try:
        ref = ref_of("common", f"command.{name}")
    except KeyError:
        ref = ref_of(twin.kind, f"command.{name}")
    envelope = Envelope(
        source="/tests/planner", type=ref.event_type, dataschema=ref.urn
    )
    subject = thread.subjects.twin(twin.kind, twin.twin_id, Channel.COMMAND, name)
    msg = await thread.request(subject, envelope, data)
    return CommandReply.model_validate_json(msg.data)
