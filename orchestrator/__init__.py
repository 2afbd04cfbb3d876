"""The orchestrator: a live dependency graph of the network, impact, and views.

It reads the thread, never a twin's code: the registry says who exists and how
they relate, the streams and KV say what state they are in.
"""

from orchestrator._analysis_views import (
    render_exposure,
    render_propagation,
    render_scenario,
    render_whatif,
)
from orchestrator._client import OrchestratorClient, send_command, twin_kind
from orchestrator._export import (
    GraphFormat,
    export_graph,
    from_node_link,
    to_dot,
    to_graphml,
    to_json,
    to_mermaid,
    to_node_link,
)
from orchestrator._exposure import (
    DEFAULT_TTR_DAYS,
    ExposureReport,
    NodeExposure,
    exposure,
)
from orchestrator._flownet import Role, role_of
from orchestrator._fork import Fork, fork_live
from orchestrator._impact import ImpactReport, NodeHit, Shortage, impact
from orchestrator._model import EXTERNAL, NetworkModel, days_of_cover
from orchestrator._propagation import NodeEffect, PropagationReport, propagate
from orchestrator._protocol import QUERIES, SERVICE, query_subject
from orchestrator._scenario import (
    CapacityCut,
    DemandChange,
    Disruption,
    LinkBlocked,
    NodeDown,
    Scenario,
)
from orchestrator._scenario_store import ScenarioStore, default_scenario_dir
from orchestrator._service import Orchestrator
from orchestrator._summary import twin_summary
from orchestrator._views import render_command_result, render_impact, render_status
from orchestrator._web import Dashboard, create_app
from orchestrator._whatif import (
    NodeOutcome,
    RunFigures,
    WhatIfResult,
    what_if,
    what_if_on,
)

__all__ = [
    "DEFAULT_TTR_DAYS",
    "EXTERNAL",
    "QUERIES",
    "SERVICE",
    "CapacityCut",
    "Dashboard",
    "DemandChange",
    "Disruption",
    "ExposureReport",
    "Fork",
    "GraphFormat",
    "ImpactReport",
    "LinkBlocked",
    "NetworkModel",
    "NodeDown",
    "NodeEffect",
    "NodeExposure",
    "NodeHit",
    "NodeOutcome",
    "Orchestrator",
    "OrchestratorClient",
    "PropagationReport",
    "Role",
    "RunFigures",
    "Scenario",
    "ScenarioStore",
    "Shortage",
    "WhatIfResult",
    "create_app",
    "days_of_cover",
    "default_scenario_dir",
    "export_graph",
    "exposure",
    "fork_live",
    "from_node_link",
    "impact",
    "propagate",
    "query_subject",
    "render_command_result",
    "render_exposure",
    "render_impact",
    "render_propagation",
    "render_scenario",
    "render_status",
    "render_whatif",
    "role_of",
    "send_command",
    "to_dot",
    "to_graphml",
    "to_json",
    "to_mermaid",
    "to_node_link",
    "twin_kind",
    "twin_summary",
    "what_if",
    "what_if_on",
]
