"""Twins: the SDK every twin builds on, and the built-in kinds on real data.

The built-in network comes from the SupplyGraph data (``docs/data.md``): a
:class:`FactoryTwin` per plant, a :class:`WarehouseTwin` per storage location
and one :class:`FleetTwin`, walked through the data's days by a
:class:`ReplayClock`. A :class:`ShipmentTwin` per shipment mode replays the
USAID SCMS delivery history on the same clock. Installed packages add kinds
through the ``twinweave.twins`` entry points (see ``docs/adding-a-twin.md``).
"""

from twins._clock import ReplayClock, replay_days, wait_for_twins
from twins._export import export_schemas
from twins._factory import FactoryTwin, factory_manifest
from twins._fleet import FleetTwin, fleet_manifest
from twins._ids import (
    DISTRIBUTORS,
    FLEET_ID,
    KINDS,
    TwinSpec,
    plant_code,
    plant_id,
    storage_code,
    storage_id,
)
from twins._kinds import BUILTIN_KINDS, ENTRY_POINT_GROUP, kind_names, twin_kind
from twins._messages import (
    CONTRACTS,
    ClockDay,
    CommandReply,
    FactoryState,
    FleetState,
    FlowEvent,
    Heartbeat,
    HeartbeatV1,
    LifecycleChange,
    Manifest,
    NodeState,
    Phase,
    Relation,
    RelationKind,
    ReleaseCommand,
    ResumeCommand,
    ShipmentState,
    StopCommand,
    WarehouseState,
    model_contracts,
    ref_of,
)
from twins._network import DayTotals, SupplyNetwork, load_network, split
from twins._process import (
    build_twin,
    every_kind,
    kind_specs,
    resolve_spec,
    run_twin,
    twin_specs,
)
from twins._scms import (
    Delivery,
    ShipmentHistory,
    country_id,
    load_shipments,
    shipment_id,
)
from twins._settings import TwinSettings
from twins._shipment import ShipmentTwin, shipment_manifest
from twins._supplygraph import Flow, SupplyGraph, default_data_dir, load_supplygraph
from twins._twin import CommandFailed, Twin
from twins._warehouse import WarehouseTwin, warehouse_manifest

__all__ = [
    "BUILTIN_KINDS",
    "CONTRACTS",
    "DISTRIBUTORS",
    "ENTRY_POINT_GROUP",
    "FLEET_ID",
    "KINDS",
    "ClockDay",
    "CommandFailed",
    "CommandReply",
    "DayTotals",
    "Delivery",
    "FactoryState",
    "FactoryTwin",
    "FleetState",
    "FleetTwin",
    "Flow",
    "FlowEvent",
    "Heartbeat",
    "HeartbeatV1",
    "LifecycleChange",
    "Manifest",
    "NodeState",
    "Phase",
    "Relation",
    "RelationKind",
    "ReleaseCommand",
    "ReplayClock",
    "ResumeCommand",
    "ShipmentHistory",
    "ShipmentState",
    "ShipmentTwin",
    "StopCommand",
    "SupplyGraph",
    "SupplyNetwork",
    "Twin",
    "TwinSettings",
    "TwinSpec",
    "WarehouseState",
    "WarehouseTwin",
    "build_twin",
    "country_id",
    "default_data_dir",
    "every_kind",
    "export_schemas",
    "factory_manifest",
    "fleet_manifest",
    "kind_names",
    "kind_specs",
    "load_network",
    "load_shipments",
    "load_supplygraph",
    "model_contracts",
    "plant_code",
    "plant_id",
    "ref_of",
    "replay_days",
    "resolve_spec",
    "run_twin",
    "shipment_id",
    "shipment_manifest",
    "split",
    "storage_code",
    "storage_id",
    "twin_kind",
    "twin_specs",
    "wait_for_twins",
    "warehouse_manifest",
]
