"""The fleet twin: takes each day's deliveries from the warehouses to distributors."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, ClassVar, Self

import pydantic

from thread import (
    Channel,
    CommandRejectedError,
    CommandTimeoutError,
    ContractError,
    Envelope,
    EnvelopeError,
    NoResponderError,
    Thread,
)
from twins._ids import DISTRIBUTORS, FLEET_ID, storage_id
from twins._lines import clean, combine, total
from twins._messages import (
    ClockDay,
    CommandReply,
    FleetState,
    FlowEvent,
    Lines,
    Manifest,
    Relation,
    RelationKind,
    ReleaseCommand,
    ref_of,
)
from twins._network import SupplyNetwork, load_network
from twins._settings import TwinSettings
from twins._twin import Twin

log = logging.getLogger(__name__)

_LINES = pydantic.TypeAdapter(Lines)


def fleet_manifest() -> Manifest:
    """The manifest of the national fleet: it delivers to the distributors."""
    return Manifest(
        twin_id=FLEET_ID,
        kind=FleetTwin.kind,
        display_name="National delivery fleet",
        relations=[Relation(target=DISTRIBUTORS, kind=RelationKind.DELIVERS)],
        contracts=[
            ref_of("fleet", m).urn
            for m in ("state", "event.dispatched", "event.delivered")
        ],
    )


class FleetTwin(Twin):
    """The national fleet: each day, delivers yesterday's loads and collects today's.

    On a clock day it first delivers what was in transit (event ``delivered``),
    waits a moment for the day's factory issues to reach the warehouses, then
    asks every warehouse to release the day's allocated deliveries. What a
    warehouse hands over is dispatched (event ``dispatched``) and in transit
    until the next day; what it cannot, or a warehouse that does not answer,
    counts as short.

    Args:
        thread: a connected thread.
        network: the supply network the day's deliveries come from.
        request_timeout: seconds to wait for a warehouse's reply.
        settle: fraction of the clock's day interval to wait before asking.
        max_settle: the longest wait before asking, in seconds.
        heartbeat_interval: seconds between heartbeats.
    """

    kind: ClassVar[str] = "fleet"

    def __init__(
        self,
        thread: Thread,
        network: SupplyNetwork,
        *,
        request_timeout: float = 2.0,
        settle: float = 0.25,
        max_settle: float = 2.0,
        heartbeat_interval: float = 1.0,
    ) -> None:
        super().__init__(
            thread, fleet_manifest(), heartbeat_interval=heartbeat_interval
        )
        self.network = network
        self.request_timeout = request_timeout
        self.settle = settle
        self.max_settle = max_settle
        self.day: dt.date | None = None
        self.in_transit: dict[str, float] = {}
        self.dispatched_today: dict[str, float] = {}
        self.delivered_today: dict[str, float] = {}
        self.short_today: dict[str, float] = {}

    @classmethod
    def create(cls, thread: Thread, twin_id: str, settings: TwinSettings) -> Self:
        return cls(
            thread,
            load_network(settings.data_dir),
            request_timeout=settings.request_timeout,
            heartbeat_interval=settings.heartbeat_interval,
        )

    @classmethod
    def twin_ids(cls, settings: TwinSettings) -> list[str]:
        return load_network(settings.data_dir).twin_ids(cls.kind)

    def restore(self, state: dict[str, Any]) -> None:
        try:
            kept = FleetState.model_validate(state)
        except pydantic.ValidationError:
            log.warning("%s ignored a kept state it cannot read", self.twin_id)
            return
        self.day = kept.day
        self.in_transit = dict(kept.in_transit)
        self.dispatched_today = dict(kept.dispatched_today)
        self.delivered_today = dict(kept.delivered_today)
        self.short_today = dict(kept.short_today)

    async def on_day(self, day: ClockDay) -> None:
        self.day = day.day
        self.delivered_today, self.in_transit = self.in_transit, {}
        if self.delivered_today:
            delivered = FlowEvent(
                day=day.day,
                origin=self.twin_id,
                destination=DISTRIBUTORS,
                lines=self.delivered_today,
            )
            await self.publish_event("delivered", delivered)

        # Factory issues of the same day travel through the event stream; give
        # them part of the day to reach the warehouses before collecting.
        if day.seconds_per_day is not None:
            await asyncio.sleep(min(day.seconds_per_day * self.settle, self.max_settle))

        async with asyncio.TaskGroup() as tasks:
            asks = {
                storage: tasks.create_task(
                    self._collect(storage, day.day), name=f"{self.twin_id}-{storage}"
                )
                for storage in self.network.storages
            }
        outcomes = {storage: task.result() for storage, task in asks.items()}

        for storage, (released, _) in outcomes.items():
            if released:
                dispatched = FlowEvent(
                    day=day.day,
                    origin=storage_id(storage),
                    destination=self.twin_id,
                    lines=released,
                )
                await self.publish_event("dispatched", dispatched)
        self.dispatched_today = combine(r for r, _ in outcomes.values())
        self.short_today = combine(s for _, s in outcomes.values())
        self.in_transit = dict(self.dispatched_today)
        await self.publish_state(self.state())

    async def _collect(self, storage: str, day: dt.date) -> tuple[Lines, Lines]:
        """Ask one warehouse for the day's deliveries: (released, short)."""
        asked = self.network.deliveries(storage, day)
        if not asked:
            return {}, {}
        warehouse = storage_id(storage)
        try:
            released = await self._release(
                warehouse, ReleaseCommand(day=day, lines=asked)
            )
        except (
            NoResponderError,
            CommandTimeoutError,
            CommandRejectedError,
            EnvelopeError,
            ContractError,
        ) as exc:
            log.warning("%s counts %s as short: %s", self.twin_id, warehouse, exc)
            return {}, clean(asked)
        short = {p: asked[p] - released.get(p, 0.0) for p in asked}
        return clean(released), clean(short)

    async def _release(self, warehouse: str, command: ReleaseCommand) -> Lines:
        subject = self.thread.subjects.twin(
            "warehouse", warehouse, Channel.COMMAND, "release"
        )
        msg = await self.thread.request(
            subject,
            self.envelope(ref_of("warehouse", "command.release")),
            command,
            timeout=self.request_timeout,
            twin_id=warehouse,
        )
        envelope = Envelope.from_headers(msg.headers, subject=msg.subject)
        reply = self.contracts.validate(envelope.dataschema, msg.data)
        if not isinstance(reply, CommandReply):
            raise ContractError(envelope.dataschema or "(none)", "not a command reply")
        if not reply.ok:
            raise CommandRejectedError(warehouse, "release", reply.error or "refused")
        try:
            return _LINES.validate_python(reply.result.get("released", {}))
        except pydantic.ValidationError as exc:
            raise ContractError(
                envelope.dataschema or "(none)", "result.released is not product lines"
            ) from exc

    def state(self) -> FleetState:
        """What the fleet publishes as its state now."""
        return FleetState(
            day=self.day,
            figures={
                "in_transit": total(self.in_transit),
                "dispatched_today": total(self.dispatched_today),
                "delivered_today": total(self.delivered_today),
                "short_today": total(self.short_today),
            },
            stock=clean(self.in_transit),
            in_transit=clean(self.in_transit),
            dispatched_today=clean(self.dispatched_today),
            delivered_today=clean(self.delivered_today),
            short_today=clean(self.short_today),
        )
