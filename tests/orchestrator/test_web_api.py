"""The dashboard's HTTP API on a real orchestrator following real test twins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from orchestrator import Orchestrator, ScenarioStore, create_app
from tests.orchestrator.conftest import (
    Connect,
    Plant,
    Store,
    plant_manifest,
    running,
    store_manifest,
)
from thread import Subjects, Thread
from twins import FactoryState


def plant_state(produced: float, ships: float) -> FactoryState:
    """A plant's state: what it made on the day, and what it ships of p1 a day."""
    return FactoryState.model_validate(
        {
            "day": "2024-01-01",
            "figures": {"production_today": produced},
            "daily_outflow": {"p1": ships},
        }
    )


@pytest.fixture
async def client(
    orchestrator: Orchestrator, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the dashboard app, in this test's event loop."""
    app = create_app(orchestrator, scenarios=ScenarioStore(tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://d") as http:
        yield http


@pytest.fixture
async def network(
    orchestrator: Orchestrator, connect: Connect
) -> AsyncIterator[tuple[Plant, Store]]:
    """plant-1 shipping 20 p1 a day to storage-1, which holds 60 and ships 20."""
    plant = Plant(await connect("plant-1"), plant_manifest("plant-1", "storage-1"))
    store = Store(await connect("storage-1"), store_manifest())
    async with running(plant), running(store):
        await plant.issue("2024-01-01", "storage-1", p1=20)
        await plant.publish_state(plant_state(produced=120, ships=20))
        await store.report("2024-01-01", {"p1": 60}, {"p1": 20})
        await orchestrator.wait_until(
            lambda m: (
                m.graph.has_edge("plant-1", "storage-1")
                and m.graph.edges["plant-1", "storage-1"]["volume"] == 20
                and m.node("storage-1")["day"] == "2024-01-01"
                and m.node("plant-1")["day"] == "2024-01-01"
                and m.node("plant-1")["online"]
            )
        )
        yield plant, store


async def test_status_lists_each_twin_with_its_figures(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    answer = (await client.get("/api/status")).json()

    plant = next(t for t in answer["twins"] if t["id"] == "plant-1")
    assert (plant["online"], plant["figures"]) == (True, {"production_today": 120})


async def test_graph_is_node_link_json_with_the_declared_edges(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    answer = (await client.get("/api/graph")).json()

    edges = {(e["source"], e["target"]) for e in answer["edges"]}
    assert edges == {("plant-1", "storage-1"), ("storage-1", "distributors")}


async def test_node_shows_its_figures_and_what_stopping_it_does_downstream(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    answer = (await client.get("/api/nodes/plant-1", params={"days": 7})).json()

    hit = answer["impact"]["hits"][0]
    assert answer["node"]["figures"] == {"production_today": 120}
    assert (hit["node_id"], hit["hit_day"], hit["volume_at_risk"]) == (
        "storage-1",
        3,
        80.0,
    )


async def test_external_node_is_shown_without_an_impact(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    answer = (await client.get("/api/nodes/distributors")).json()

    assert (answer["node"]["kind"], answer["impact"]) == ("external", None)


async def test_impact_of_twins_stopping_for_some_days(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    response = await client.get("/api/impact", params={"twins": "plant-1", "days": 2})

    assert response.json()["hits"] == []
    assert response.json()["unaffected"] == ["distributors", "storage-1"]


async def test_impact_takes_twins_comma_separated_or_repeated(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    joined = await client.get("/api/impact?twins=plant-1,storage-1&days=7")
    repeated = await client.get("/api/impact?twins=plant-1&twins=storage-1&days=7")

    assert joined.json() == repeated.json()
    assert joined.json()["stopped"] == ["plant-1", "storage-1"]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/nodes/plant-9", id="node"),
        pytest.param("/api/impact?twins=plant-9&days=3", id="impact"),
    ],
)
async def test_unknown_node_is_a_404_naming_it(
    client: httpx.AsyncClient, network: tuple[Plant, Store], path: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 404
    assert response.json()["twin_id"] == "plant-9"
    assert "no twin named 'plant-9'" in response.json()["error"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        pytest.param("/api/impact?twins=plant-1&days=0", "days", id="days-zero"),
        pytest.param("/api/impact?twins=plant-1&days=soon", "days", id="days-text"),
        pytest.param("/api/impact?days=3", "twins", id="no-twins"),
        pytest.param("/api/impact?twins=,&days=3", "twins", id="empty-twins"),
        pytest.param("/api/nodes/plant-1?days=366", "days", id="node-days"),
    ],
)
async def test_bad_argument_is_a_422_naming_the_field(
    client: httpx.AsyncClient, network: tuple[Plant, Store], path: str, field: str
) -> None:
    response = await client.get(path)

    assert (response.status_code, response.json()["field"]) == (422, field)
    assert response.json()["error"].startswith(f"{field}: ")


async def test_unknown_path_is_a_404_in_the_same_shape(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/nothing-here")

    assert (response.status_code, response.json()["code"]) == (404, "http")


async def test_healthz_tells_the_thread_is_connected_and_the_twins_known(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "thread": "connected",
        "twins": 2,
        "online": 2,
    }


async def test_healthz_is_503_while_the_thread_is_not_connected(
    nats_url: str, subjects: Subjects
) -> None:
    idle = Orchestrator(Thread(nats_url, subjects=subjects, name="never-connected"))
    transport = httpx.ASGITransport(app=create_app(idle))
    async with httpx.AsyncClient(transport=transport, base_url="http://d") as http:
        response = await http.get("/healthz")

    assert (response.status_code, response.json()["thread"]) == (503, "disconnected")


# -- planning: exposure, scenarios, what-if ----------------------------------


def stop_plant(**changes: Any) -> dict[str, Any]:
    disruption = {"type": "node_down", "node": "plant-1", "duration_days": 7}
    return {
        "name": "plant-1-stops",
        "horizon_days": 14,
        "disruptions": [{**disruption, **changes}],
    }


async def test_exposure_ranks_every_twin(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    answer = (await client.get("/api/exposure")).json()

    assert {n["node_id"] for n in answer["nodes"]} == {"plant-1", "storage-1"}
    assert all(isinstance(n["exposed"], bool) for n in answer["nodes"])


async def test_what_if_shows_each_node_beside_the_baseline(
    client: httpx.AsyncClient, network: tuple[Plant, Store]
) -> None:
    response = await client.post("/api/scenarios/run", json=stop_plant())

    store = next(n for n in response.json()["nodes"] if n["node_id"] == "storage-1")
    assert response.status_code == 200
    assert store["scenario"]["volume_short"] > store["baseline"]["volume_short"]


@pytest.mark.parametrize(
    ("scenario", "field"),
    [
        pytest.param(
            stop_plant(type="capacity_cut", share=1.5),
            "disruptions.0.capacity_cut.share",
            id="share-above-one",
        ),
        pytest.param(
            stop_plant(duration_days=0),
            "disruptions.0.node_down.duration_days",
            id="no-duration",
        ),
        pytest.param(
            {**stop_plant(), "disruptions": []}, "disruptions", id="no-disruption"
        ),
        pytest.param({**stop_plant(), "name": "a b"}, "name", id="bad-name"),
        pytest.param(stop_plant(node="plant-9"), "disruptions.0.node", id="unknown"),
    ],
)
async def test_invalid_scenario_is_a_422_naming_the_field(
    client: httpx.AsyncClient,
    network: tuple[Plant, Store],
    scenario: dict[str, Any],
    field: str,
) -> None:
    response = await client.post("/api/scenarios/run", json=scenario)

    assert (response.status_code, response.json()["field"]) == (422, field)


async def test_saved_scenario_is_listed_and_read_back(
    orchestrator: Orchestrator, tmp_path: Path
) -> None:
    app = create_app(orchestrator, scenarios=ScenarioStore(tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://d") as http:
        saved = await http.post("/api/scenarios", json=stop_plant())
        listed = (await http.get("/api/scenarios")).json()
        read = (await http.get("/api/scenarios/plant-1-stops")).json()

    assert (saved.status_code, listed) == (
        201,
        {"scenarios": [{"name": "plant-1-stops"}]},
    )
    assert read["disruptions"][0]["node"] == "plant-1"


async def test_unknown_saved_scenario_is_a_404(
    orchestrator: Orchestrator, tmp_path: Path
) -> None:
    app = create_app(orchestrator, scenarios=ScenarioStore(tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://d") as http:
        response = await http.get("/api/scenarios/nothing-saved")

    assert response.status_code == 404
