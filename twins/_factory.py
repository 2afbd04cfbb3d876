"""The factory twin: one plant, producing and issuing its share of each day."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, ClassVar, Self

import pydantic

from thread import Envelope, Thread
from twins._ids import plant_code, plant_id, storage_id
from twins._lines import clean, combine, total
from twins._messages import (
    ClockDay,
    FactoryState,
    FlowEvent,
    Manifest,
    Phase,
    Relation,
    RelationKind,
    ResumeCommand,
    StopCommand,
    ref_of,
)
from twins._network import SupplyNetwork, load_network
from twins._settings import TwinSettings
from twins._twin import Twin

log = logging.getLogger(__name__)


def factory_manifest(network: SupplyNetwork, plant: str) -> Manifest:
    """The manifest of plant ``plant``: it supplies the storage it issues to."""
    return Manifest(
        twin_id=plant_id(plant),
        kind=FactoryTwin.kind,
        display_name=f"Plant {plant}",
        relations=[
            Relation(target=storage_id(s), kind=RelationKind.SUPPLIES, products=p)
            for s, p in network.supplies(plant).items()
        ],
        contracts=[ref_of("factory", m).urn for m in ("state", "event.issued")],
    )


class FactoryTwin(Twin):
    """A plant: on each clock day, issues its share of the data to storage.

    Commands: ``stop`` (no production and no issues for the next N clock days,
    phase ``under_maintenance`` meanwhile) and ``resume``.

    Args:
        thread: a connected thread.
        network: the supply network the plant's figures come from.
        plant: the plant code, e.g. ``"2103"``.
        heartbeat_interval: seconds between heartbeats.
    """

    kind: ClassVar[str] = "factory"

    def __init__(
        self,
        thread: Thread,
        network: SupplyNetwork,
        plant: str,
        *,
        heartbeat_interval: float = 1.0,
    ) -> None:
        super().__init__(
            thread,
            factory_manifest(network, plant),
            heartbeat_interval=heartbeat_interval,
        )
        self.network = network
        self.plant = plant
        self.day: dt.date | None = None
        self.stock: dict[str, float] = {}
        self.production_today: dict[str, float] = {}
        self.issued_today: dict[str, float] = {}
        self.stopped_until: dt.date | None = None
        self._stopped_days_left = 0
        self._outflow = network.mean_issue(plant)
        self.on_command("stop", self._stop)
        self.on_command("resume", self._resume)

    @classmethod
    def create(cls, thread: Thread, twin_id: str, settings: TwinSettings) -> Self:
        network = load_network(settings.data_dir)
        return cls(
            thread,
            network,
            plant_code(twin_id),
            heartbeat_interval=settings.heartbeat_interval,
        )

    @classmethod
    def twin_ids(cls, settings: TwinSettings) -> list[str]:
        return load_network(settings.data_dir).twin_ids(cls.kind)

    def restore(self, state: dict[str, Any]) -> None:
        try:
            kept = FactoryState.model_validate(state)
        except pydantic.ValidationError:
            log.warning("%s ignored a kept state it cannot read", self.twin_id)
            return
        self.day = kept.day
        self.stock = dict(kept.stock)
        self.production_today = dict(kept.production_today)
        self.issued_today = dict(kept.issued_today)
        if kept.day is not None and kept.stopped_until is not None:
            self._stopped_days_left = max(0, (kept.stopped_until - kept.day).days)
            self.stopped_until = kept.stopped_until if self._stopped_days_left else None

    async def start(self) -> None:
        if self._stopped_days_left:
            await self.set_phase(Phase.UNDER_MAINTENANCE, "stopped before a restart")

    async def on_day(self, day: ClockDay) -> None:
        self.day = day.day
        if self._stopped_days_left:
            await self._stand_still(day.day)
            return

        issues = self.network.issues(self.plant, day.day)
        for storage, lines in issues.items():
            event = FlowEvent(
                day=day.day,
                origin=self.twin_id,
                destination=storage_id(storage),
                lines=lines,
            )
            await self.publish_event("issued", event)

        self.production_today = self.network.production(self.plant, day.day)
        self.issued_today = combine(issues.values())
        products = self.stock.keys() | self.production_today.keys()
        self.stock = clean(
            {
                p: max(
                    0.0,
                    self.stock.get(p, 0.0)
                    + self.production_today.get(p, 0.0)
                    - self.issued_today.get(p, 0.0),
                )
                for p in products
            }
        )
        await self.publish_state(self.state())

    async def _stand_still(self, day: dt.date) -> None:
        self._stopped_days_left -= 1
        self.stopped_until = day + dt.timedelta(days=self._stopped_days_left)
        self.production_today = {}
        self.issued_today = {}
        await self.publish_state(self.state())
        if not self._stopped_days_left:
            self.stopped_until = None
            await self.set_phase(Phase.OPERATING, "stop ended")

    def state(self) -> FactoryState:
        """What the plant publishes as its state now."""
        return FactoryState(
            day=self.day,
            figures={
                "production_today": total(self.production_today),
                "issued_today": total(self.issued_today),
                "stock": total(self.stock),
            },
            stock=clean(self.stock),
            daily_outflow=self._outflow,
            production_today=clean(self.production_today),
            issued_today=clean(self.issued_today),
            stopped_until=self.stopped_until,
        )

    async def _stop(
        self, command: StopCommand, envelope: Envelope
    ) -> dict[str, object]:
        # The stop counts from the next clock day, so a planner can stop a plant
        # between two days without knowing where the replay is.
        self._stopped_days_left = command.days
        self.stopped_until = (
            None if self.day is None else self.day + dt.timedelta(days=command.days)
        )
        if self.phase is not Phase.UNDER_MAINTENANCE:
            await self.set_phase(Phase.UNDER_MAINTENANCE, command.reason)
        if self.day is not None:
            # Kept in KV, so that a restarted plant stays stopped.
            await self.publish_state(self.state())
        until = None if self.stopped_until is None else self.stopped_until.isoformat()
        return {"stopped_days": command.days, "stopped_until": until}

    async def _resume(
        self, command: ResumeCommand, envelope: Envelope
    ) -> dict[str, object]:
        self._stopped_days_left = 0
        self.stopped_until = None
        if self.phase is Phase.UNDER_MAINTENANCE:
            await self.set_phase(Phase.OPERATING, command.reason)
        if self.day is not None:
            await self.publish_state(self.state())
        return {"resumed": True}
