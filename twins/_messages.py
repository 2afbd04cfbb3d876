"""The messages twins exchange, as pydantic models (``schemas/`` has them as JSON).

Every model here is one contract: :data:`CONTRACTS` maps each to its schema
reference (kind, message name, semantic version). ``twins.export_schemas()``
writes them to ``schemas/``, and a test fails if the two drift apart.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from thread import ModelContract, SchemaRef

TwinId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Quantity = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Lines = dict[str, Quantity]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Phase(enum.StrEnum):
    """Lifecycle phase of the asset a twin stands for."""

    DESIGNED = "designed"
    COMMISSIONED = "commissioned"
    OPERATING = "operating"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED = "degraded"
    DECOMMISSIONED = "decommissioned"


class RelationKind(enum.StrEnum):
    """How a twin relates to the one downstream of it."""

    SUPPLIES = "supplies"
    STORES = "stores"
    DELIVERS = "delivers"


class Relation(_Message):
    """An edge of the network, declared by the upstream twin."""

    target: TwinId = Field(description="id of the downstream twin or node")
    kind: RelationKind
    products: list[str] = Field(default_factory=list)
    lead_time_days: Annotated[float, Field(ge=0)] = 1.0


class Manifest(_Message):
    """Who a twin is: kept in the registry bucket under its id."""

    twin_id: TwinId
    kind: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,32}$")]
    display_name: str
    location: str | None = None
    relations: list[Relation] = Field(default_factory=list)
    contracts: list[str] = Field(
        default_factory=list, description="URNs of the contracts it publishes"
    )
    time_to_recover_days: Annotated[float, Field(ge=0)] | None = None


class HeartbeatV1(_Message):
    """I am alive, in this phase."""

    # Version 1.0.0, still readable; its published document must not change.
    model_config = ConfigDict(title="Heartbeat")

    twin_id: TwinId
    phase: Phase
    uptime_s: Annotated[float, Field(ge=0)]
    leaving: bool = Field(
        default=False, description="true on the last beat of a graceful shutdown"
    )


class Heartbeat(HeartbeatV1):
    """I am alive, in this phase, and beat this often.

    With ``interval_s`` (version 1.1.0), a consumer judges a twin's silence by
    the twin's own beat, not by a setting of its own that may differ.
    """

    interval_s: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] | None = (
        Field(default=None, description="seconds between this twin's heartbeats")
    )


class LifecycleChange(_Message):
    """A twin moved from one lifecycle phase to another."""

    twin_id: TwinId
    previous: Phase | None
    phase: Phase
    reason: str = ""


class ClockDay(_Message):
    """The replay clock reached a simulated day."""

    day: dt.date
    index: Annotated[int, Field(ge=0)]
    total: Annotated[int, Field(ge=1)]
    seconds_per_day: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = Field(
        default=None, description="wall-clock seconds between simulated days"
    )


class StopCommand(_Message):
    """Stop producing (or releasing) for a number of simulated days."""

    days: Annotated[int, Field(ge=1, le=365)]
    reason: str = "planner command"


class ResumeCommand(_Message):
    """Lift a stop at once."""

    reason: str = "planner command"


class ReleaseCommand(_Message):
    """Ask a warehouse to hand over stock for delivery on a day."""

    day: dt.date
    lines: Lines


class CommandReply(_Message):
    """The answer to any command."""

    ok: bool
    result: dict[str, object] = Field(default_factory=dict)
    error: str | None = None


class FlowEvent(_Message):
    """Goods moved from one node to another on a simulated day."""

    day: dt.date
    origin: TwinId
    destination: TwinId
    lines: Lines


class NodeState(_Message):
    """What every twin's state carries, so that any consumer can read it.

    ``figures`` are the key figures a status view shows; ``stock`` and
    ``daily_outflow`` (per product) let the orchestrator work out days of cover.
    """

    day: dt.date | None = None
    figures: dict[str, float] = Field(default_factory=dict)
    stock: Lines = Field(default_factory=dict)
    daily_outflow: Lines = Field(default_factory=dict)


class FactoryState(NodeState):
    """A plant: what it produced and issued to storage on the day."""

    production_today: Lines = Field(default_factory=dict)
    issued_today: Lines = Field(default_factory=dict)
    stopped_until: dt.date | None = None


class WarehouseState(NodeState):
    """A storage location: inventory (derived from flows) and its cover."""

    received_today: Lines = Field(default_factory=dict)
    released_today: Lines = Field(default_factory=dict)
    short_today: Lines = Field(default_factory=dict)
    days_of_cover: float | None = None


class FleetState(NodeState):
    """The delivery fleet: what is on the road and what arrived."""

    in_transit: Lines = Field(default_factory=dict)
    dispatched_today: Lines = Field(default_factory=dict)
    delivered_today: Lines = Field(default_factory=dict)
    short_today: Lines = Field(default_factory=dict)


class ShipmentState(NodeState):
    """Deliveries by one shipment mode: what fell due on the day, and how late.

    A clock day replays a period of the history (``history_from`` to
    ``history_to``, scheduled dates); the totals count from the first period.
    """

    history_from: dt.date
    history_to: dt.date
    delivered_today: Annotated[int, Field(ge=0)]
    late_today: Annotated[int, Field(ge=0)]
    delivered_total: Annotated[int, Field(ge=0)]
    late_total: Annotated[int, Field(ge=0)]
    late_share: Annotated[float, Field(ge=0, le=1)] = Field(
        description="late deliveries over all deliveries, so far"
    )
    mean_delay_days: Annotated[float, Field(ge=0)] = Field(
        description="mean days late of the late deliveries, so far"
    )
    late_today_by_destination: dict[str, int] = Field(default_factory=dict)


def _ref(kind: str, message: str) -> SchemaRef:
    return SchemaRef(kind, message, "1.0.0")


CONTRACTS: dict[SchemaRef, type[BaseModel]] = {
    _ref("common", "manifest"): Manifest,
    _ref("common", "heartbeat"): HeartbeatV1,
    SchemaRef("common", "heartbeat", "1.1.0"): Heartbeat,
    _ref("common", "lifecycle"): LifecycleChange,
    _ref("common", "clock.day"): ClockDay,
    _ref("common", "command.stop"): StopCommand,
    _ref("common", "command.resume"): ResumeCommand,
    _ref("common", "command.reply"): CommandReply,
    _ref("factory", "state"): FactoryState,
    _ref("factory", "event.issued"): FlowEvent,
    _ref("warehouse", "state"): WarehouseState,
    _ref("warehouse", "command.release"): ReleaseCommand,
    _ref("fleet", "state"): FleetState,
    _ref("fleet", "event.dispatched"): FlowEvent,
    _ref("fleet", "event.delivered"): FlowEvent,
    _ref("shipment", "state"): ShipmentState,
}


def ref_of(kind: str, message: str) -> SchemaRef:
    """The registered schema reference of a message (latest version)."""
    matches = [r for r in CONTRACTS if r.kind == kind and r.message == message]
    if not matches:
        raise KeyError(f"{kind}:{message}")
    return max(matches, key=lambda ref: ref.semver)


def model_contracts() -> list[ModelContract[BaseModel]]:
    """Every built-in contract, backed by its pydantic model."""
    return [ModelContract(ref, model) for ref, model in CONTRACTS.items()]
