"""Real twins of two small test kinds, and an orchestrator with a thread of its own.

The kinds reuse the built-in contracts (factory and warehouse state, the
factory's ``issued`` event, the common stop and resume commands), so the tests
need nothing from the built-in twin kinds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

import schemas
from orchestrator import Orchestrator
from thread import Envelope, SchemaRegistry, Subjects, Thread, ThreadSettings
from twins import (
    FactoryState,
    FlowEvent,
    Manifest,
    Relation,
    ResumeCommand,
    StopCommand,
    Twin,
    WarehouseState,
)

HEARTBEAT = 0.2

Connect = Callable[[str], Awaitable[Thread]]


class Plant(Twin):
    """A factory that issues and reports when told, and takes stop and resume."""

    kind = "factory"

    def __init__(self, thread: Thread, manifest: Manifest) -> None:
        super().__init__(thread, manifest, heartbeat_interval=HEARTBEAT)
        self.stopped_days: int | None = None
        self.on_command("stop", self._stop)
        self.on_command("resume", self._resume)

    async def issue(self, day: str, destination: str, **lines: float) -> None:
        flow = {"day": day, "origin": self.twin_id, "destination": destination}
        await self.publish_event(
            "issued", FlowEvent.model_validate({**flow, "lines": lines})
        )

    async def report(self, day: str, produced: float) -> None:
        figures = {"production_today": produced}
        await self.publish_state(
            FactoryState.model_validate({"day": day, "figures": figures})
        )

    async def _stop(self, command: StopCommand, envelope: Envelope) -> dict[str, Any]:
        self.stopped_days = command.days
        return {"stopped_days": command.days}

    async def _resume(
        self, command: ResumeCommand, envelope: Envelope
    ) -> dict[str, Any]:
        self.stopped_days = None
        return {"resumed": True}


class Store(Twin):
    """A warehouse that reports its stock when told."""

    kind = "warehouse"

    def __init__(self, thread: Thread, manifest: Manifest) -> None:
        super().__init__(thread, manifest, heartbeat_interval=HEARTBEAT)

    async def report(
        self, day: str, stock: dict[str, float], outflow: dict[str, float]
    ) -> None:
        state = WarehouseState.model_validate(
            {"day": day, "stock": stock, "daily_outflow": outflow}
        )
        await self.publish_state(state)


def plant_manifest(twin_id: str = "plant-1", *targets: str) -> Manifest:
    relations = [Relation(target=t, kind="supplies", products=["p1"]) for t in targets]
    return Manifest(
        twin_id=twin_id, kind="factory", display_name=twin_id, relations=relations
    )


def store_manifest(twin_id: str = "storage-1") -> Manifest:
    relations = [Relation(target="distributors", kind="stores")]
    return Manifest(
        twin_id=twin_id, kind="warehouse", display_name=twin_id, relations=relations
    )


@contextlib.asynccontextmanager
async def running(twin: Twin) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``twin`` until the block ends; the block may cancel it, as a crash."""
    joined = asyncio.Event()
    async with asyncio.TaskGroup() as tasks:
        task = tasks.create_task(twin.run(joined), name=f"{twin.twin_id}-run")
        await asyncio.wait_for(joined.wait(), 5)
        try:
            yield task
        finally:
            twin.stop()


@pytest.fixture
def settings(nats_url: str, subjects: Subjects) -> ThreadSettings:
    """Settings on this test's server and prefix, with fast heartbeats."""
    return ThreadSettings(
        nats_url=nats_url,
        prefix=subjects.prefix,
        heartbeat_interval=HEARTBEAT,
        offline_after=2,
        request_timeout=2,
    )


@pytest.fixture
async def registered(nats_url: str, subjects: Subjects) -> None:
    """The contracts of ``schemas/`` registered on the test's server and prefix,
    as a running orchestrator registers them: twins join only then."""
    async with Thread(nats_url, subjects=subjects, name="registrar") as thread:
        await SchemaRegistry(thread).seed_from_files(schemas.SCHEMA_DIR)


@pytest.fixture
async def connect(
    registered: None, nats_url: str, subjects: Subjects
) -> AsyncIterator[Connect]:
    """Opens more threads (one per twin, as separate processes would have), on
    a thread whose contracts are registered."""
    async with contextlib.AsyncExitStack() as stack:

        async def open_thread(name: str) -> Thread:
            thread = Thread(nats_url, subjects=subjects, name=name)
            return await stack.enter_async_context(thread)

        yield open_thread


@pytest.fixture
async def orchestrator(
    connect: Connect, settings: ThreadSettings
) -> AsyncIterator[Orchestrator]:
    """A running orchestrator on a thread of its own."""
    async with Orchestrator(await connect("orchestrator"), settings) as running:
        yield running
