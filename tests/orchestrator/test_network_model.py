"""The graph model on its own: manifests, states, flows and liveness, no server."""

from __future__ import annotations

import datetime as dt
from typing import Any

from orchestrator import EXTERNAL, NetworkModel
from thread import Admission, Envelope

T0 = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)


def manifest(twin_id: str, kind: str, *targets: str) -> dict[str, Any]:
    relations = [
        {"target": t, "kind": "supplies", "products": ["p1"], "lead_time_days": 2}
        for t in targets
    ]
    return {"twin_id": twin_id, "kind": kind, "relations": relations}


def state(twin_id: str, sequence: int) -> Envelope:
    return Envelope(
        source=f"/twins/warehouse/{twin_id}",
        type="io.twinweave.warehouse.state",
        dataschema="urn:twinweave:schema:warehouse:state:1.0.0",
        sequence=sequence,
    )


def flow(origin: str, destination: str, day: str, **lines: float) -> dict[str, Any]:
    return {"day": day, "origin": origin, "destination": destination, "lines": lines}


def test_relation_target_that_is_not_a_twin_becomes_an_external_node() -> None:
    model = NetworkModel()
    model.register(manifest("fleet", "fleet", "distributors"))

    assert model.node("distributors")["kind"] == EXTERNAL
    assert model.graph.edges["fleet", "distributors"]["lead_time_days"] == 2.0


def test_external_node_becomes_a_twin_when_it_registers() -> None:
    model = NetworkModel()
    model.register(manifest("plant-1", "factory", "storage-1"))
    model.register(manifest("storage-1", "warehouse"))

    assert model.twin_ids() == ["plant-1", "storage-1"]


def test_a_twin_that_leaves_and_comes_back_keeps_its_node_and_volumes() -> None:
    model = NetworkModel()
    model.register(manifest("plant-1", "factory", "storage-1"))
    model.apply_flow(flow("plant-1", "storage-1", "2024-01-01", p1=40))

    model.unregister("plant-1")
    left = model.node("plant-1")["registered"]
    joined_again = model.register(manifest("plant-1", "factory", "storage-1"))

    assert (left, joined_again) == (False, True)
    assert model.graph.edges["plant-1", "storage-1"]["volume"] == 40.0


def test_relation_dropped_from_a_manifest_removes_its_unused_edge() -> None:
    model = NetworkModel()
    model.register(manifest("plant-1", "factory", "storage-1", "storage-2"))
    model.register(manifest("plant-1", "factory", "storage-1"))

    assert list(model.graph.successors("plant-1")) == ["storage-1"]
    assert "storage-2" not in model.graph


def test_stale_state_does_not_overwrite_a_newer_one() -> None:
    model = NetworkModel()
    model.apply_state("storage-1", state("storage-1", 2), {"day": "2024-01-02"})
    admission = model.apply_state("storage-1", state("storage-1", 1), {"day": "x"})

    assert admission is Admission.STALE
    assert (model.node("storage-1")["day"], model.stale) == ("2024-01-02", 1)


def test_days_of_cover_is_computed_when_the_state_has_none() -> None:
    model = NetworkModel()
    data = {"stock": {"p1": 300, "p2": 100}, "daily_outflow": {"p1": 30, "p2": 20}}
    model.apply_state("storage-1", state("storage-1", 1), data)

    assert model.node("storage-1")["days_of_cover"] == 8.0


def test_flows_add_up_on_their_edge_per_product_and_day() -> None:
    model = NetworkModel()
    model.register(manifest("plant-1", "factory", "storage-1"))
    model.apply_flow(flow("plant-1", "storage-1", "2024-01-03", p1=10, p2=5))
    model.apply_flow(flow("plant-1", "storage-1", "2024-01-01", p1=20))

    edge = model.graph.edges["plant-1", "storage-1"]
    assert edge["volume"] == 35.0
    assert edge["product_volume"] == {"p1": 30.0, "p2": 5.0}
    assert (edge["first_day"], edge["last_day"]) == ("2024-01-01", "2024-01-03")


def test_flow_heard_before_the_manifest_keeps_its_volume_once_declared() -> None:
    model = NetworkModel()
    model.apply_flow(flow("plant-1", "storage-1", "2024-01-01", p1=10))
    model.register(manifest("plant-1", "factory", "storage-1"))

    edge = model.graph.edges["plant-1", "storage-1"]
    assert (edge["kind"], edge["volume"]) == ("supplies", 10.0)
    assert model.node("plant-1")["kind"] == "factory"


def test_silent_twin_goes_offline_after_the_timeout() -> None:
    model = NetworkModel()
    model.heartbeat("plant-1", T0, kind="factory")
    model.heartbeat("plant-2", T0 + dt.timedelta(seconds=2), kind="factory")

    silent = model.mark_offline_since(T0 + dt.timedelta(seconds=3.5), timeout=3)

    assert silent == ["plant-1"]
    assert model.node("plant-2")["online"] is True


def test_a_twin_that_beats_slowly_is_judged_by_its_own_interval() -> None:
    model = NetworkModel()
    model.heartbeat("plant-1", T0, kind="factory", interval=5.0)
    model.heartbeat("plant-2", T0, kind="factory", interval=0.5)

    silent = model.mark_offline_since(
        T0 + dt.timedelta(seconds=4), timeout=3, missed_beats=3
    )

    assert silent == ["plant-2"]
    assert model.node("plant-1")["online"] is True


def test_leaving_heartbeat_takes_a_twin_offline_at_once() -> None:
    model = NetworkModel()
    model.heartbeat("plant-1", T0, kind="factory")
    changed = model.heartbeat("plant-1", T0, leaving=True)

    assert changed is True
    assert model.node("plant-1")["online"] is False
