"""The planning side of the HTTP API: exposure, saved scenarios, and what-if runs.

The analyses run on a copy of the state in a worker thread, so that the
orchestrator keeps following the thread (and the event streams keep flowing)
while a large network is worked out. Every open page asks for the exposure
whenever states change, so one report is worked out at a time and reused for
a few seconds.
"""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, HTTPException, Path, Query, Request

from orchestrator._exposure import exposure
from orchestrator._fork import fork_live
from orchestrator._scenario import Scenario
from orchestrator._scenario_store import ScenarioStore
from orchestrator._web._api import Ctx
from orchestrator._web._problems import JsonResponse
from orchestrator._whatif import what_if_on
from thread import UnknownTwinError

router = APIRouter(prefix="/api", default_response_class=JsonResponse)

ScenarioName = Annotated[str, Path(description="the name it was saved under")]
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "the scenario is not valid, or names an unknown node"},
}


class RecentExposure:
    """The last exposure report, reused while younger than ``max_age`` seconds."""

    def __init__(self, max_age: float = 5.0) -> None:
        self.max_age = max_age
        self._lock = asyncio.Lock()
        self._kept: tuple[float, float | None, dict[str, Any]] | None = None

    async def report(
        self, graph: nx.DiGraph, ttr_default: float | None
    ) -> dict[str, Any]:
        """The report on ``graph``, worked out again only if the kept one is old."""
        async with self._lock:
            if self._kept is not None:
                at, default, kept = self._kept
                if default == ttr_default and time.monotonic() - at < self.max_age:
                    return kept
            # Copied on the event loop, where the model changes, then read
            # by the worker alone.
            copied = copy.deepcopy(graph)
            found = await asyncio.to_thread(exposure, copied, ttr_default=ttr_default)
            self._kept = (time.monotonic(), ttr_default, found.as_dict())
            return self._kept[2]


def scenario_store(request: Request) -> ScenarioStore:
    """Where the dashboard keeps saved scenarios."""
    store: ScenarioStore = request.app.state.scenarios
    return store


@router.get("/exposure", summary="Risk exposure of every node")
async def exposure_report(
    ctx: Ctx,
    request: Request,
    ttr_default: Annotated[
        float | None,
        Query(ge=0, description="time to recover of a node that declares none"),
    ] = None,
) -> JsonResponse:
    """Each node's time to recover and to survive, exposed if TTS < TTR, ranked.

    The report may be a few seconds old.
    """
    recent: RecentExposure = request.app.state.exposure
    graph = ctx.orchestrator.model.graph
    return JsonResponse(await recent.report(graph, ttr_default))


@router.get("/scenarios", summary="The saved scenarios")
async def saved_scenarios(request: Request) -> JsonResponse:
    """The names of the saved scenarios, sorted."""
    names = scenario_store(request).names()
    return JsonResponse({"scenarios": [{"name": name} for name in names]})


@router.get(
    "/scenarios/{name}",
    summary="One saved scenario",
    responses={404: {"description": "no scenario is saved under that name"}},
)
async def saved_scenario(request: Request, name: ScenarioName) -> JsonResponse:
    """The scenario document saved as ``name``."""
    store = scenario_store(request)
    if name not in store.names():
        raise HTTPException(404, f"no scenario is saved as {name!r}")
    return JsonResponse(store.load(name).model_dump(mode="json"))


@router.post(
    "/scenarios", summary="Save a scenario", status_code=201, responses=INVALID
)
async def save_scenario(request: Request, scenario: Scenario) -> JsonResponse:
    """Keep ``scenario`` under its name, replacing one saved under the same name."""
    scenario_store(request).save(scenario)
    return JsonResponse({"name": scenario.name}, status_code=201)


@router.post(
    "/scenarios/run",
    summary="Run a what-if beside its baseline",
    responses={
        **INVALID,
        503: {"description": "the thread's buckets cannot be read"},
    },
)
async def run_scenario(
    ctx: Ctx,
    scenario: Scenario,
    days: Annotated[
        int | None,
        Query(ge=1, le=3650, description="days to run [default: to the horizon]"),
    ] = None,
) -> JsonResponse:
    """Fork the live state, run the scenario and a baseline, compare node by node.

    Nothing is published on the live thread and no twin is touched.
    """
    orchestrator = ctx.orchestrator
    fork = await fork_live(orchestrator.thread, orchestrator.contracts)
    try:
        result = await asyncio.to_thread(what_if_on, fork, scenario, days=days)
    except UnknownTwinError as exc:
        field = _field_naming(scenario, exc.twin_id)
        body = {"error": f"{field}: {exc}", "code": "unknown_twin", "field": field}
        return JsonResponse({**body, "twin_id": exc.twin_id}, status_code=422)
    return JsonResponse(result.as_dict())


def _field_naming(scenario: Scenario, node: str) -> str:
    """The first field of ``scenario`` that names ``node``."""
    for index, disruption in enumerate(scenario.disruptions):
        for field in ("node", "origin", "destination"):
            if getattr(disruption, field, None) == node:
                return f"disruptions.{index}.{field}"
    return "time_to_recover_days"
