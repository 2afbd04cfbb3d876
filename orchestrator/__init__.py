"""The orchestrator: a live dependency graph of the network, impact, and views.

It reads the thread, never a twin's code: the registry says who exists and how
they relate, the streams and KV say what state they are in.
"""

from orchestrator._client import OrchestratorClient, send_command, twin_kind
from orchestrator._export import (
    GraphFormat,
    export_graph,
    from_node_link,
    to_dot,
    to_graphml,
    to_json,
    to_node_link,
)
from orchestrator._impact import ImpactReport, NodeHit, Shortage, impact
from orchestrator._model import EXTERNAL, NetworkModel, days_of_cover
from orchestrator._protocol import QUERIES, SERVICE, query_subject
from orchestrator._service import Orchestrator
from orchestrator._summary import twin_summary
from orchestrator._views import render_command_result, render_impact, render_status

__all__ = [
    "EXTERNAL",
    "QUERIES",
    "SERVICE",
    "GraphFormat",
    "ImpactReport",
    "NetworkModel",
    "NodeHit",
    "Orchestrator",
    "OrchestratorClient",
    "Shortage",
    "days_of_cover",
    "export_graph",
    "from_node_link",
    "impact",
    "query_subject",
    "render_command_result",
    "render_impact",
    "render_status",
    "send_command",
    "to_dot",
    "to_graphml",
    "to_json",
    "to_node_link",
    "twin_kind",
    "twin_summary",
]
