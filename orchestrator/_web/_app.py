"""The dashboard's FastAPI application: the API, the page, its assets and the docs.

Everything the page needs is served from ``static/``, the graph library and the
API explorer included, so that the dashboard works on a network with no way out.
"""

from __future__ import annotations

import asyncio
from importlib.metadata import version
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from orchestrator._scenario_store import ScenarioStore
from orchestrator._service import Orchestrator
from orchestrator._web._api import Context, Ctx
from orchestrator._web._api import router as api_router
from orchestrator._web._planning import RecentExposure
from orchestrator._web._planning import router as planning_router
from orchestrator._web._problems import JsonResponse, install_handlers

STATIC = Path(__file__).parent / "static"


class Health(BaseModel):
    """What ``/healthz`` tells an operator."""

    status: Literal["ok", "unavailable"]
    thread: Literal["connected", "disconnected"]
    twins: int
    online: int


pages = APIRouter()


@pages.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC / "index.html")


@pages.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="twinweave API",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )


@pages.get(
    "/healthz",
    summary="Whether the thread is connected and how many twins are known",
    responses={200: {"model": Health}, 503: {"model": Health}},
)
async def healthz(ctx: Ctx) -> JsonResponse:
    """200 while the orchestrator's thread is connected, 503 while it is not."""
    model = ctx.orchestrator.model
    twins = model.twin_ids()
    connected = ctx.orchestrator.thread.is_connected
    health = Health(
        status="ok" if connected else "unavailable",
        thread="connected" if connected else "disconnected",
        twins=len(twins),
        online=sum(1 for twin in twins if model.node(twin)["online"]),
    )
    return JsonResponse(health.model_dump(), status_code=200 if connected else 503)


def create_app(
    orchestrator: Orchestrator,
    *,
    scenarios: ScenarioStore | None = None,
    closing: asyncio.Event | None = None,
    interval: float = 0.5,
) -> FastAPI:
    """The dashboard and its API on a running orchestrator.

    Args:
        orchestrator: the orchestrator whose model the API reads.
        scenarios: where scenarios are saved; the default folder if None.
        closing: set it to end the open event streams (the server is stopping).
        interval: seconds between two batches of changes on an event stream.
    """
    app = FastAPI(
        title="twinweave",
        summary="The live supply-chain network, impact and what-if",
        version=version("twinweave"),
        docs_url=None,
        redoc_url=None,
    )
    app.state.dashboard = Context(orchestrator, closing or asyncio.Event(), interval)
    app.state.scenarios = scenarios or ScenarioStore()
    app.state.exposure = RecentExposure()
    install_handlers(app)
    app.include_router(api_router)
    app.include_router(planning_router)
    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
