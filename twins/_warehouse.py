"""The warehouse twin: one storage location, filled by factory issues."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, ClassVar, Self

import pydantic

from thread import Channel, Envelope, Message, Receiver, Thread
from twins._ids import FLEET_ID, storage_code, storage_id
from twins._lines import clean, combine, quantity, total
from twins._messages import (
    ClockDay,
    FlowEvent,
    Manifest,
    Relation,
    RelationKind,
    ReleaseCommand,
    WarehouseState,
    ref_of,
)
from twins._network import SupplyNetwork, load_network
from twins._settings import TwinSettings
from twins._twin import Twin

log = logging.getLogger(__name__)


def warehouse_manifest(network: SupplyNetwork, storage: str) -> Manifest:
    """The manifest of storage location ``storage``: it stores for the fleet."""
    return Manifest(
        twin_id=storage_id(storage),
        kind=WarehouseTwin.kind,
        display_name=f"Storage location {storage}",
        relations=[
            Relation(
                target=FLEET_ID,
                kind=RelationKind.STORES,
                products=network.stored_at(storage),
            )
        ],
        contracts=[ref_of("warehouse", "state").urn],
    )


class WarehouseTwin(Twin):
    """A storage location: stock rises with factory issues, falls with releases.

    The opening stock is derived (the data has none): ``opening_cover_days``
    times the mean daily delivery allocated to this storage location. After
    that, only ``issued`` events addressed to it add stock, read from the event
    stream through a durable consumer so that a restarted warehouse misses none.

    Command ``release`` hands over what it has of the lines asked and replies
    ``{"released": lines, "short": lines}``.

    Args:
        thread: a connected thread.
        network: the supply network the derived figures come from.
        storage: the storage location code, e.g. ``"1430"``.
        opening_cover_days: days of mean delivery held at the start.
        heartbeat_interval: seconds between heartbeats.
    """

    kind: ClassVar[str] = "warehouse"

    def __init__(
        self,
        thread: Thread,
        network: SupplyNetwork,
        storage: str,
        *,
        opening_cover_days: float = 7.0,
        heartbeat_interval: float = 1.0,
    ) -> None:
        super().__init__(
            thread,
            warehouse_manifest(network, storage),
            heartbeat_interval=heartbeat_interval,
        )
        self.storage = storage
        self.day: dt.date | None = None
        self.stock = network.opening_stock(storage, opening_cover_days)
        self.daily_outflow = network.mean_delivery(storage)
        self.received_today: dict[str, float] = {}
        self.released_today: dict[str, float] = {}
        self.short_today: dict[str, float] = {}
        self.receiver: Receiver | None = None
        # Issues, releases and clock days arrive on separate subscriptions.
        self._lock = asyncio.Lock()
        self.on_command("release", self._release, kind="warehouse")

    @classmethod
    def create(cls, thread: Thread, twin_id: str, settings: TwinSettings) -> Self:
        return cls(
            thread,
            load_network(settings.data_dir),
            storage_code(twin_id),
            opening_cover_days=settings.opening_cover_days,
            heartbeat_interval=settings.heartbeat_interval,
        )

    @classmethod
    def twin_ids(cls, settings: TwinSettings) -> list[str]:
        return load_network(settings.data_dir).twin_ids(cls.kind)

    @property
    def durable_name(self) -> str:
        """The event-stream consumer of this warehouse, kept across restarts."""
        return f"{self.twin_id}-issued"

    def restore(self, state: dict[str, Any]) -> None:
        try:
            kept = WarehouseState.model_validate(state)
        except pydantic.ValidationError:
            log.warning("%s ignored a kept state it cannot read", self.twin_id)
            return
        self.day = kept.day
        self.stock = dict(kept.stock)
        self.received_today = dict(kept.received_today)
        self.released_today = dict(kept.released_today)
        self.short_today = dict(kept.short_today)

    async def start(self) -> None:
        async with self._lock:
            await self.publish_state(self.state())
        self.receiver = await self.thread.subscribe_durable(
            self.thread.subjects.pattern(Channel.EVENT, kind="factory", name="issued"),
            self._on_issued,
            self.contracts,
            durable=self.durable_name,
        )

    async def on_day(self, day: ClockDay) -> None:
        async with self._lock:
            if self._roll(day.day):
                await self.publish_state(self.state())

    async def _on_issued(self, message: Message) -> None:
        event: FlowEvent = message.data
        if event.destination != self.twin_id:
            return
        async with self._lock:
            self._roll(event.day)
            self.stock = combine([self.stock, event.lines])
            if event.day == self.day:
                self.received_today = combine([self.received_today, event.lines])
            await self.publish_state(self.state())

    async def _release(
        self, command: ReleaseCommand, envelope: Envelope
    ) -> dict[str, object]:
        async with self._lock:
            self._roll(command.day)
            released: dict[str, float] = {}
            short: dict[str, float] = {}
            for product, asked in command.lines.items():
                held = self.stock.get(product, 0.0)
                released[product] = min(held, asked)
                short[product] = asked - released[product]
                self.stock[product] = quantity(held - released[product])
            self.stock = clean(self.stock)
            if command.day == self.day:
                self.released_today = combine([self.released_today, released])
                self.short_today = combine([self.short_today, short])
            await self.publish_state(self.state())
        return {"released": clean(released), "short": clean(short)}

    def _roll(self, day: dt.date) -> bool:
        """Move to ``day`` if it is a new one; the day's counters start again."""
        if self.day is not None and day <= self.day:
            return False
        self.day = day
        self.received_today = {}
        self.released_today = {}
        self.short_today = {}
        return True

    def state(self) -> WarehouseState:
        """What the warehouse publishes as its state now."""
        stock, outflow = total(self.stock), total(self.daily_outflow)
        cover = quantity(stock / outflow) if outflow else None
        figures = {
            "stock": stock,
            "received_today": total(self.received_today),
            "released_today": total(self.released_today),
            "short_today": total(self.short_today),
        }
        if cover is not None:
            figures["days_of_cover"] = cover
        return WarehouseState(
            day=self.day,
            figures=figures,
            stock=clean(self.stock),
            daily_outflow=clean(self.daily_outflow),
            received_today=clean(self.received_today),
            released_today=clean(self.released_today),
            short_today=clean(self.short_today),
            days_of_cover=cover,
        )
