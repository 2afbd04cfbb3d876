"""The read side of the HTTP API: status, graph, one node, impact, events, health.

Every handler is a coroutine, so that it reads the model on the event loop that
the orchestrator changes it on, never from a worker thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse

from orchestrator._export import to_node_link
from orchestrator._model import EXTERNAL
from orchestrator._service import Orchestrator
from orchestrator._web._events import EVENT_STREAM, feed
from orchestrator._web._problems import JsonResponse
from thread import UnknownTwinError


@dataclass(frozen=True, slots=True)
class Context:
    """What the handlers share: the orchestrator and how the feed behaves."""

    orchestrator: Orchestrator
    closing: asyncio.Event
    interval: float


def context(request: Request) -> Context:
    """The dashboard's context, kept on the application's state."""
    found: Context = request.app.state.dashboard
    return found


Ctx = Annotated[Context, Depends(context)]
Days = Annotated[
    int, Query(ge=1, le=365, description="days the stop lasts (day 0 is its first)")
]
NODE_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no node has that id"},
}

router = APIRouter(prefix="/api", default_response_class=JsonResponse)


@router.get("/status", summary="Every twin and the message counters")
async def status(ctx: Ctx) -> JsonResponse:
    """Each twin's summary (kind, phase, online, day, key figures) and counters."""
    return JsonResponse(ctx.orchestrator.status())


@router.get("/graph", summary="The dependency graph as node-link JSON")
async def graph(ctx: Ctx) -> JsonResponse:
    """The whole graph, as networkx node-link data (``nodes`` and ``edges``)."""
    return JsonResponse(to_node_link(ctx.orchestrator.model.graph))


@router.get(
    "/nodes/{node_id}",
    summary="One node and its downstream impact",
    responses=NODE_ERRORS,
)
async def node(
    ctx: Ctx, node_id: Annotated[str, Path(description="a node id")], days: Days = 7
) -> JsonResponse:
    """A node's figures, stock and neighbours, and what stopping it for ``days`` does.

    ``impact`` is null for a node that is not a twin (an external node such as
    ``distributors`` cannot be stopped).
    """
    model = ctx.orchestrator.model
    if node_id not in model.graph:
        raise UnknownTwinError(node_id, list(model.graph.nodes))
    attributes = model.node(node_id)
    twin = attributes["kind"] != EXTERNAL
    report = ctx.orchestrator.impact([node_id], days).as_dict() if twin else None
    return JsonResponse(
        {
            "node": {"id": node_id, **attributes},
            "upstream": sorted(model.graph.predecessors(node_id)),
            "downstream": sorted(model.graph.successors(node_id)),
            "days": days,
            "impact": report,
        }
    )


@router.get(
    "/impact", summary="What happens downstream if twins stop", responses=NODE_ERRORS
)
async def impact(
    ctx: Ctx,
    twins: Annotated[
        list[str],
        Query(
            min_length=1,
            description="ids of the twins that stop (repeat it, or comma-separated)",
        ),
    ],
    days: Days,
) -> JsonResponse:
    """Which nodes run short, on which day, and the volume at risk."""
    stopped = [twin for given in twins for twin in given.split(",") if twin]
    return JsonResponse(ctx.orchestrator.impact(stopped, days).as_dict())


@router.get(
    "/events",
    summary="Graph and state changes as server-sent events",
    response_class=StreamingResponse,
    responses={200: {"content": {EVENT_STREAM: {}}}},
)
async def events(ctx: Ctx, request: Request) -> StreamingResponse:
    """``hello`` first, then ``graph`` and ``nodes`` events, a few a second at most."""
    stream = feed(
        lambda: ctx.orchestrator.model.graph,
        interval=ctx.interval,
        closing=ctx.closing,
        disconnected=request.is_disconnected,
    )
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type=EVENT_STREAM, headers=headers)
