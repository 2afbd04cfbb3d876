"""The orchestrator on a real server, following real twins."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.msg import Msg

from orchestrator import NetworkModel, Orchestrator, OrchestratorClient
from tests.orchestrator.conftest import (
    Connect,
    Plant,
    Store,
    plant_manifest,
    running,
    store_manifest,
)
from thread import (
    ORIGINAL_SUBJECT_HEADER,
    Channel,
    ConfigurationError,
    Envelope,
    Thread,
    ThreadSettings,
    UnknownTwinError,
)


def online(twin_id: str, expected: bool = True):  # type: ignore[no-untyped-def]
    def check(model: NetworkModel) -> bool:
        return twin_id in model.graph and model.node(twin_id)["online"] is expected

    return check


async def test_twin_that_stops_beating_goes_offline_and_back_online_when_it_beats(
    orchestrator: Orchestrator, connect: Connect
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest())
    async with running(plant) as task:
        await orchestrator.wait_until(online("plant-1"))
        task.cancel()  # a crash: no leaving beat
        await orchestrator.wait_until(online("plant-1", False))

    again = Plant(await connect("plant-1-again"), plant_manifest())
    async with running(again):
        await orchestrator.wait_until(online("plant-1"))


async def test_twin_leaving_gracefully_is_offline_at_once(
    orchestrator: Orchestrator, connect: Connect, settings: ThreadSettings
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest())
    async with running(plant):
        await orchestrator.wait_until(online("plant-1"))

    # Well before the two missed beats that the liveness check waits for.
    await orchestrator.wait_until(online("plant-1", False), timeout=0.3)


async def test_twin_that_joins_appears_in_the_graph_with_its_relations(
    orchestrator: Orchestrator, connect: Connect
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest("plant-1", "storage-1"))
    async with running(plant):
        await orchestrator.wait_until(
            lambda m: m.graph.has_edge("plant-1", "storage-1")
        )

    edge = orchestrator.graph().edges["plant-1", "storage-1"]
    assert (edge["kind"], edge["products"]) == ("supplies", ["p1"])


async def test_stale_state_does_not_overwrite_a_newer_one(
    orchestrator: Orchestrator, thread: Thread
) -> None:
    subject = thread.subjects.twin("warehouse", "storage-1", Channel.STATE)
    for sequence, day in [(2, "2024-01-02"), (1, "2024-01-01")]:
        envelope = Envelope(
            source="/twins/warehouse/storage-1",
            type="io.twinweave.warehouse.state",
            dataschema="urn:twinweave:schema:warehouse:state:1.0.0",
            sequence=sequence,
        )
        await thread.publish(subject, envelope, {"day": day})

    await orchestrator.wait_until(lambda m: m.stale == 1)
    assert orchestrator.model.node("storage-1")["day"] == "2024-01-02"


async def test_flow_events_add_observed_volume_on_their_edge(
    orchestrator: Orchestrator, connect: Connect
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest("plant-1", "storage-1"))
    async with running(plant):
        await plant.issue("2024-01-01", "storage-1", p1=30)
        await plant.issue("2024-01-02", "storage-1", p1=12)

        await orchestrator.wait_until(
            lambda m: (
                m.graph.has_edge("plant-1", "storage-1")
                and m.graph.edges["plant-1", "storage-1"]["volume"] == 42
            )
        )


async def test_restarted_orchestrator_rebuilds_volumes_and_state_from_the_thread(
    connect: Connect, settings: ThreadSettings
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest("plant-1", "storage-1"))
    store = Store(await connect("storage-1"), store_manifest())
    async with running(plant), running(store):
        await plant.issue("2024-01-01", "storage-1", p1=30)
        await store.report("2024-01-01", {"p1": 90}, {"p1": 30})

    async with Orchestrator(await connect("late"), settings) as late:
        await late.wait_until(
            lambda m: (
                m.graph.has_edge("plant-1", "storage-1")
                and m.graph.edges["plant-1", "storage-1"]["volume"] == 30
            )
        )
        assert late.model.node("storage-1")["days_of_cover"] == 3.0


async def test_state_breaking_its_contract_is_dead_lettered_and_counted(
    orchestrator: Orchestrator, thread: Thread
) -> None:
    letter: asyncio.Future[Msg] = asyncio.get_running_loop().create_future()

    async def on_letter(msg: Msg) -> None:
        letter.set_result(msg)

    await thread.subscribe_raw(thread.subjects.deadletter(), on_letter)
    subject = thread.subjects.twin("warehouse", "storage-1", Channel.STATE)
    envelope = Envelope(
        source="/twins/warehouse/storage-1",
        type="io.twinweave.warehouse.state",
        dataschema="urn:twinweave:schema:warehouse:state:1.0.0",
        sequence=1,
    )
    await thread.publish(subject, envelope, {"stock": {"p1": -5}})

    assert (await asyncio.wait_for(letter, 5)).headers[
        ORIGINAL_SUBJECT_HEADER
    ] == subject
    assert orchestrator.counters()["dead_lettered"] == 1


async def test_status_query_answers_with_twins_and_counters(
    orchestrator: Orchestrator, connect: Connect, thread: Thread
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest())
    async with running(plant):
        await plant.report("2024-01-01", produced=120)
        await orchestrator.wait_until(lambda m: m.node("plant-1")["day"] is not None)

        status = await OrchestratorClient(thread).status()

    (twin,) = status["twins"]
    assert (twin["id"], twin["figures"]) == ("plant-1", {"production_today": 120})
    assert status["counters"]["received"] >= 2


async def test_impact_query_for_an_unknown_twin_raises_unknown_twin_error(
    orchestrator: Orchestrator, thread: Thread
) -> None:
    with pytest.raises(UnknownTwinError):
        await OrchestratorClient(thread).impact(["plant-9"], days=3)


async def test_query_the_orchestrator_does_not_know_is_refused(
    orchestrator: Orchestrator, thread: Thread
) -> None:
    with pytest.raises(ConfigurationError):
        await OrchestratorClient(thread).ask("forecast")
