"""The dashboard: an HTTP API and a live web page on top of the orchestrator."""

from orchestrator._web._app import STATIC, Health, create_app
from orchestrator._web._events import Snapshot, changes, node_view
from orchestrator._web._server import Dashboard

__all__ = [
    "STATIC",
    "Dashboard",
    "Health",
    "Snapshot",
    "changes",
    "create_app",
    "node_view",
]
