"""The page's live feed: what changed in the graph, as throttled server-sent events.

Each connection compares the graph with what it last sent, once per
``interval``, so a page gets at most one batch of changes per interval however
busy the thread is. The events:

* ``hello``: sent first, ``{"interval": seconds}``; the page (re)loads the graph.
* ``graph``: nodes or edges came or went; the page reloads the graph.
* ``nodes``: ``{"nodes": [view, ...]}``, the new view of every node that changed
  (see :func:`node_view`).

A comment line keeps an idle connection open through proxies.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import orjson

EVENT_STREAM = "text/event-stream"
KEEPALIVE_S = 15.0

# What the page draws of a node: its colour and label depend on these alone.
_VIEWED = ("kind", "display_name", "registered", "online", "phase", "day")


def node_view(node_id: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """What the page needs to draw one node, as plain JSON-ready data."""
    view = {key: attributes.get(key) for key in _VIEWED}
    return {"id": node_id, **view, "days_of_cover": attributes.get("days_of_cover")}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The graph as the page was last told: node views and the set of edges."""

    nodes: dict[str, dict[str, Any]]
    edges: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, graph: nx.DiGraph) -> Snapshot:
        """The snapshot of ``graph`` as it is now."""
        nodes = {node: node_view(node, a) for node, a in graph.nodes(data=True)}
        return cls(nodes, frozenset(graph.edges()))


def changes(before: Snapshot, after: Snapshot) -> list[tuple[str, dict[str, Any]]]:
    """The events that bring a page from ``before`` to ``after``.

    A changed topology is one ``graph`` event (the page reloads it whole);
    otherwise one ``nodes`` event with every node whose view changed.
    """
    if before.edges != after.edges or before.nodes.keys() != after.nodes.keys():
        return [("graph", {"nodes": len(after.nodes), "edges": len(after.edges)})]
    changed = [view for node, view in after.nodes.items() if before.nodes[node] != view]
    return [("nodes", {"nodes": changed})] if changed else []


def sse(event: str, data: Any) -> bytes:
    """One server-sent event (the data is one line of JSON)."""
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def feed(
    graph: Callable[[], nx.DiGraph],
    *,
    interval: float,
    closing: asyncio.Event,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[bytes]:
    """The events of one connection, until it drops or ``closing`` is set.

    Args:
        graph: the live graph (read, never changed).
        interval: seconds between two looks at the graph.
        closing: set when the server shuts down.
        disconnected: tells whether the client has gone.
    """
    before = Snapshot.of(graph())
    yield sse("hello", {"interval": interval})
    quiet = 0.0
    while True:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(interval):
                await closing.wait()
        if closing.is_set() or await disconnected():
            return

        after = Snapshot.of(graph())
        sent = changes(before, after)
        for event, data in sent:
            yield sse(event, data)
        before = after

        quiet = 0.0 if sent else quiet + interval
        if quiet >= KEEPALIVE_S:
            yield b": keep-alive\n\n"
            quiet = 0.0
