"""Risk exposure on the hand-worked five-node network of ``docs/exposure.md``."""

from __future__ import annotations

import networkx as nx
import pytest

from orchestrator import Scenario, exposure
from thread import UnknownTwinError


def five_nodes() -> nx.DiGraph:
    """plant-a (30 p/day) and plant-b (10 p/day, TTR 5 in its manifest) feed
    store-x (100 p in stock, 40 asked a day), which ships through the fleet to
    the customers; every lead time is one day."""
    graph = nx.DiGraph()
    graph.add_node("plant-a", kind="factory", daily_outflow={"p": 30.0})
    graph.add_node(
        "plant-b", kind="factory", daily_outflow={"p": 10.0}, time_to_recover_days=5
    )
    graph.add_node(
        "store-x", kind="warehouse", stock={"p": 100.0}, daily_outflow={"p": 40.0}
    )
    graph.add_node("fleet", kind="fleet")
    graph.add_node("customers", kind="external")
    for origin, destination, kind in [
        ("plant-a", "store-x", "supplies"),
        ("plant-b", "store-x", "supplies"),
        ("store-x", "fleet", "stores"),
        ("fleet", "customers", "delivers"),
    ]:
        graph.add_edge(origin, destination, kind=kind, lead_time_days=1.0)
    return graph


def test_nodes_are_ranked_by_the_volume_lost_over_their_time_to_recover() -> None:
    report = exposure(five_nodes())

    ranked = [(n.node_id, n.volume_lost) for n in report.nodes]
    assert ranked == [
        ("plant-a", 320.0),
        ("store-x", 280.0),
        ("fleet", 120.0),
        ("plant-b", 0.0),
    ]


@pytest.mark.parametrize(
    ("node", "ttr", "tts", "exposed"),
    [
        pytest.param("plant-a", 14.0, 6, True, id="plant-a"),
        pytest.param("plant-b", 5.0, 13, False, id="plant-b"),
        pytest.param("store-x", 7.0, 2, True, id="store-x"),
        pytest.param("fleet", 3.0, 1, True, id="fleet"),
    ],
)
def test_time_to_survive_and_to_recover_match_the_worked_example(
    node: str, ttr: float, tts: int, exposed: bool
) -> None:
    found = exposure(five_nodes()).node(node)

    assert found is not None
    assert (found.ttr_days, found.tts_days, found.exposed) == (ttr, tts, exposed)


def test_the_only_route_to_the_customers_is_a_single_point_of_failure() -> None:
    report = exposure(five_nodes())

    marked = sorted(n.node_id for n in report.nodes if n.single_point_of_failure)
    assert marked == ["fleet", "store-x"]


def test_the_exposure_index_is_the_volume_lost_over_the_largest() -> None:
    found = exposure(five_nodes()).node("fleet")

    assert found is not None and found.exposure_index == 0.375


def test_a_scenario_time_to_recover_comes_before_the_manifest() -> None:
    scenario = Scenario.from_data(
        {
            "name": "slow-recovery",
            "disruptions": [
                {"type": "node_down", "node": "plant-b", "duration_days": 1}
            ],
            "time_to_recover_days": {"plant-b": 20},
        }
    )

    found = exposure(five_nodes(), scenario=scenario).node("plant-b")

    assert found is not None
    assert (found.ttr_days, found.ttr_from, found.exposed) == (20, "scenario", True)


def test_ttr_default_replaces_the_defaults_of_the_kinds() -> None:
    found = exposure(five_nodes(), ttr_default=1).node("store-x")

    assert found is not None and (found.ttr_days, found.volume_lost) == (1, 40.0)


def test_an_empty_graph_has_no_exposure() -> None:
    assert exposure(nx.DiGraph()).nodes == []


def test_a_single_node_is_ranked_and_never_exposed() -> None:
    graph = nx.DiGraph()
    graph.add_node("plant-1", kind="factory")

    (only,) = exposure(graph).nodes
    assert (only.node_id, only.tts_days, only.exposed) == ("plant-1", None, False)


def test_a_scenario_naming_an_unknown_node_is_refused() -> None:
    scenario = Scenario.from_data(
        {
            "name": "x",
            "disruptions": [
                {"type": "node_down", "node": "plant-z", "duration_days": 1}
            ],
        }
    )

    with pytest.raises(UnknownTwinError, match="plant-z"):
        exposure(five_nodes(), scenario=scenario)
