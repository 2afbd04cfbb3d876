"""The dashboard's live feed: changes worked out, then sent over a real HTTP server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import networkx as nx
import orjson

from orchestrator import Dashboard, Orchestrator
from orchestrator._web import Snapshot, changes
from tests.orchestrator.conftest import Connect, Store, running, store_manifest

INTERVAL = 0.1


def two_nodes(**storage: Any) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_node("plant-1", kind="factory", online=True, day="2024-01-01")
    graph.add_node("storage-1", kind="warehouse", online=True, **storage)
    graph.add_edge("plant-1", "storage-1")
    return graph


def test_a_changed_state_sends_only_the_nodes_that_changed() -> None:
    before = Snapshot.of(two_nodes(day="2024-01-01"))
    after = Snapshot.of(two_nodes(day="2024-01-02"))

    [(event, data)] = changes(before, after)

    assert (event, [n["id"] for n in data["nodes"]]) == ("nodes", ["storage-1"])


def test_a_new_edge_asks_the_page_to_reload_the_graph() -> None:
    graph = two_nodes()
    before = Snapshot.of(graph)
    graph.add_edge("storage-1", "distributors")

    assert changes(before, Snapshot.of(graph)) == [("graph", {"nodes": 3, "edges": 2})]


def test_an_unchanged_graph_sends_nothing() -> None:
    assert changes(Snapshot.of(two_nodes()), Snapshot.of(two_nodes())) == []


async def events(response: httpx.Response) -> AsyncIterator[tuple[str, Any]]:
    name = ""
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield name, orjson.loads(line.removeprefix("data: "))


async def test_stream_says_hello_then_sends_a_twins_new_state(
    orchestrator: Orchestrator, connect: Connect
) -> None:
    store = Store(await connect("storage-1"), store_manifest())
    async with (
        running(store),
        Dashboard(orchestrator, port=0, interval=INTERVAL) as dashboard,
        httpx.AsyncClient(base_url=dashboard.url) as http,
        http.stream("GET", "/api/events") as response,
    ):
        stream = events(response)
        first = await anext(stream)
        await store.report("2024-01-05", {"p1": 10}, {"p1": 5})
        async with asyncio.timeout(5):
            async for name, data in stream:
                if name == "nodes" and any(
                    n["id"] == "storage-1" and n["day"] == "2024-01-05"
                    for n in data["nodes"]
                ):
                    break

    assert first == ("hello", {"interval": INTERVAL})


async def test_a_burst_of_states_comes_in_a_few_batches(
    orchestrator: Orchestrator, connect: Connect
) -> None:
    store = Store(await connect("storage-1"), store_manifest())
    async with (
        running(store),
        Dashboard(orchestrator, port=0, interval=INTERVAL) as dashboard,
        httpx.AsyncClient(base_url=dashboard.url) as http,
        http.stream("GET", "/api/events") as response,
    ):
        stream = events(response)
        await anext(stream)
        loop = asyncio.get_running_loop()
        started = loop.time()
        for day in range(1, 31):
            await store.report(f"2024-01-{day:02d}", {"p1": day}, {"p1": 1})
        batches = 0
        async with asyncio.timeout(5):
            async for name, data in stream:
                batches += name == "nodes"
                if any(n["day"] == "2024-01-30" for n in data.get("nodes", [])):
                    break
        elapsed = loop.time() - started

    assert batches <= elapsed / INTERVAL + 1


async def test_leaving_the_dashboard_ends_its_open_streams(
    orchestrator: Orchestrator,
) -> None:
    async with httpx.AsyncClient() as http, asyncio.timeout(5):
        async with Dashboard(orchestrator, port=0, interval=INTERVAL) as dashboard:
            request = http.build_request("GET", f"{dashboard.url}/api/events")
            response = await http.send(request, stream=True)
            stream = events(response)
            await anext(stream)
        leftover = [event async for event in stream]
        await response.aclose()

    assert leftover == []
