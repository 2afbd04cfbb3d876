"""Admission: a twin joins through its registered contract alone, or is refused."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, ClassVar

import orjson
import pytest
from pydantic import BaseModel

import schemas
from orchestrator import Orchestrator
from orchestrator._views import render_status
from tests.orchestrator.conftest import (
    HEARTBEAT,
    Connect,
    Plant,
    plant_manifest,
    running,
)
from thread import (
    Channel,
    Envelope,
    ModelContract,
    SchemaRef,
    SchemaRegistry,
    Thread,
    TwinRefusedError,
)
from twins import (
    BUILTIN_KINDS,
    HeartbeatV1,
    Manifest,
    NodeState,
    Phase,
    Relation,
    Twin,
    TwinSettings,
    twin_kind,
)

COLD = SchemaRef("coldstore", "state", "1.0.0")
MISSING = (
    "contract urn:twinweave:schema:coldstore:state:1.0.0 is not registered on the"
    " thread; register it with twinweave schema register"
    " schemas/coldstore/state.1.0.0.json"
)


class ColdState(NodeState):
    """A cold store's state: its temperature."""

    temperature_c: float


class ColdStore(Twin):
    """A twin of a kind no file in ``schemas/`` knows."""

    kind: ClassVar[str] = "coldstore"
    contract_models: ClassVar[dict[SchemaRef, type[BaseModel]]] = {COLD: ColdState}

    def __init__(self, thread: Thread, twin_id: str = "cold-1") -> None:
        manifest = Manifest(
            twin_id=twin_id,
            kind=self.kind,
            display_name=twin_id,
            relations=[Relation(target="distributors", kind="delivers")],
        )
        super().__init__(thread, manifest, heartbeat_interval=HEARTBEAT)

    async def start(self) -> None:
        state = ColdState(figures={"temperature_c": -18.0}, temperature_c=-18.0)
        await self.publish_state(state)


def cold_contract(**changes: Any) -> dict[str, Any]:
    """The coldstore state contract as its file holds it, with ``changes``."""
    written = ModelContract(COLD, ColdState).json_schema()
    document: dict[str, Any] = orjson.loads(schemas.document(COLD, written))
    document["properties"]["temperature_c"].update(changes)
    return document


async def put_manifest(thread: Thread, **fields: Any) -> None:
    """A manifest put as a twin not on the SDK would, without any check."""
    manifest = {"kind": "coldstore", "display_name": "foreign", **fields}
    await thread.registry.put(manifest["twin_id"], orjson.dumps(manifest))


async def test_twin_joins_the_graph_through_its_registered_contract_alone(
    orchestrator: Orchestrator, connect: Connect
) -> None:
    thread = await connect("cold-1")
    await SchemaRegistry(thread).register(COLD, cold_contract())
    async with running(ColdStore(thread)):
        await orchestrator.wait_until(
            lambda m: "cold-1" in m.graph and m.node("cold-1")["figures"]
        )

    node = orchestrator.model.node("cold-1")
    assert (node["kind"], node["figures"]) == ("coldstore", {"temperature_c": -18.0})
    assert orchestrator.graph().has_edge("cold-1", "distributors")


async def test_twin_whose_contract_is_not_registered_is_refused_naming_it(
    connect: Connect,
) -> None:
    with pytest.raises(TwinRefusedError, match=re.escape(MISSING)):
        await ColdStore(await connect("cold-1")).run()


async def test_twin_waits_for_its_contract_and_joins_once_it_is_registered(
    connect: Connect,
) -> None:
    thread = await connect("cold-1")
    twin = ColdStore(thread)
    joined = asyncio.Event()
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(twin.run(joined, contract_wait=5), name="cold-1")
        await SchemaRegistry(thread).register(COLD, cold_contract())
        async with asyncio.timeout(5):
            await joined.wait()
        twin.stop()

    assert twin.phase is Phase.OPERATING


async def test_twin_is_refused_when_the_registered_contract_refuses_its_data(
    connect: Connect,
) -> None:
    thread = await connect("cold-1")
    await SchemaRegistry(thread).register(COLD, cold_contract(maximum=0))

    with pytest.raises(TwinRefusedError, match="registered with another document"):
        await ColdStore(thread).run()


async def test_refused_twin_stays_out_of_the_graph_and_is_named_in_status(
    orchestrator: Orchestrator, thread: Thread
) -> None:
    beat = HeartbeatV1(twin_id="cold-9", phase=Phase.OPERATING, uptime_s=1)
    envelope = Envelope(
        source="/twins/coldstore/cold-9",
        type="io.twinweave.common.heartbeat",
        dataschema="urn:twinweave:schema:common:heartbeat:1.0.0",
    )
    subject = thread.subjects.twin("coldstore", "cold-9", Channel.HEARTBEAT)
    await thread.publish(subject, envelope, beat)
    await orchestrator.wait_until(lambda m: "cold-9" in m.graph)

    await put_manifest(thread, twin_id="cold-9", contracts=[COLD.urn])
    await orchestrator.wait_until(lambda m: "cold-9" not in m.graph)

    status = orchestrator.status()
    reason = f"twin 'cold-9' (coldstore) refused: {MISSING}"
    assert status["refused"] == [
        {"id": "cold-9", "kind": "coldstore", "reason": reason}
    ]
    assert status["counters"]["refused"] == 1


async def test_refused_twin_is_logged_as_a_warning(
    orchestrator: Orchestrator, thread: Thread, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="orchestrator"):
        await put_manifest(thread, twin_id="cold-9", contracts=[COLD.urn])
        await orchestrator.wait_until(
            lambda _: orchestrator.admissions.is_refused("cold-9")
        )

    assert [r.levelname for r in caplog.records if "cold-9" in r.message] == ["WARNING"]


async def test_manifest_naming_no_contract_needs_its_kind_registered(
    orchestrator: Orchestrator, thread: Thread
) -> None:
    await put_manifest(thread, twin_id="boat-1", kind="boat")
    await orchestrator.wait_until(
        lambda _: orchestrator.admissions.is_refused("boat-1")
    )

    (refusal,) = orchestrator.status()["refused"]
    assert "kind 'boat' has no contract registered" in refusal["reason"]


async def test_orchestrator_registers_the_built_in_contracts_when_it_starts(
    orchestrator: Orchestrator, thread: Thread
) -> None:
    registered = await SchemaRegistry(thread).list()

    assert set(schemas.load_contracts().refs()) <= set(registered)


def test_status_view_names_the_refused_twins_under_the_table() -> None:
    status = {
        "twins": [],
        "refused": [{"id": "cold-9", "kind": "coldstore", "reason": MISSING}],
        "counters": {"refused": 1},
    }

    assert render_status(status).caption == f"refused 1\n{MISSING}"


@pytest.mark.parametrize("kind", sorted(BUILTIN_KINDS), ids=str)
def test_built_in_twin_manifest_lists_the_contracts_of_its_kind(kind: str) -> None:
    cls = twin_kind(kind)
    settings = TwinSettings()
    twin = cls.create(Thread("nats://127.0.0.1:1"), cls.twin_ids(settings)[0], settings)

    assert set(twin.manifest.contracts) == {ref.urn for ref in cls.published_refs()}


def test_manifest_listing_no_contracts_gets_those_of_its_kind() -> None:
    plant = Plant(Thread("nats://127.0.0.1:1"), plant_manifest())

    assert plant.manifest.contracts == [
        "urn:twinweave:schema:factory:event.issued:1.0.0",
        "urn:twinweave:schema:factory:state:1.0.0",
    ]
