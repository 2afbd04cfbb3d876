"""Propagation over time on small hand-worked networks (``docs/exposure.md``)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from orchestrator import PropagationReport, Scenario, propagate
from tests.orchestrator.test_exposure import five_nodes
from thread import ConfigurationError, UnknownTwinError


def scenario(*disruptions: dict[str, Any], horizon: int = 10) -> Scenario:
    return Scenario.from_data(
        {
            "name": "test",
            "start": "2023-03-15",
            "horizon_days": horizon,
            "disruptions": list(disruptions),
        }
    )


def plant_a_down(days: int = 5) -> dict[str, Any]:
    return {"type": "node_down", "node": "plant-a", "duration_days": days}


@pytest.mark.parametrize(
    ("node", "stockout", "recovery", "short"),
    [
        pytest.param("store-x", 4, 6, 50.0, id="store"),
        pytest.param("fleet", 5, 7, 50.0, id="carrier"),
        pytest.param("customers", 6, 8, 50.0, id="sink"),
    ],
)
def test_a_five_day_stop_runs_the_store_dry_on_day_four(
    node: str, stockout: int, recovery: int, short: float
) -> None:
    found = propagate(five_nodes(), scenario(plant_a_down())).node(node)

    assert found is not None
    assert (found.stockout_day, found.recovery_day, found.volume_short) == (
        stockout,
        recovery,
        short,
    )


def test_days_are_given_as_dates_from_the_scenario_start() -> None:
    found = propagate(five_nodes(), scenario(plant_a_down())).node("store-x")

    assert found is not None
    assert (found.stockout_date, found.recovery_date) == ("2023-03-19", "2023-03-21")


def test_the_total_counts_what_does_not_reach_the_customers() -> None:
    report = propagate(five_nodes(), scenario(plant_a_down()))

    assert (report.volume_short, report.first_stockout_day) == (50.0, 0)


def test_a_stop_shorter_than_the_stock_lasts_leaves_the_store_whole() -> None:
    report = propagate(five_nodes(), scenario(plant_a_down(days=3)))

    assert [n.node_id for n in report.affected] == ["plant-a"]
    assert report.reached == ["customers", "fleet", "store-x"]


def test_a_node_still_short_at_the_horizon_has_no_recovery_day() -> None:
    found = propagate(five_nodes(), scenario(plant_a_down(days=10))).node("customers")

    assert found is not None and found.recovery_day is None


def test_a_capacity_cut_drains_the_store_by_the_share_lost() -> None:
    cut = {"type": "capacity_cut", "node": "plant-a", "share": 0.5, "duration_days": 10}

    found = propagate(five_nodes(), scenario(cut)).node("store-x")

    # 25 a day arrive from day 1 for 40 asked: the stock is 10 on the morning of
    # day 7, which ships 35 (5 short); days 8 and 9 ship 25 (15 short each).
    assert found is not None and (found.stockout_day, found.volume_short) == (7, 35.0)


def test_a_blocked_link_delivers_what_waited_once_it_opens() -> None:
    blocked = {
        "type": "link_blocked",
        "origin": "fleet",
        "destination": "customers",
        "start_day": 1,
        "duration_days": 2,
    }

    found = propagate(five_nodes(), scenario(blocked)).node("customers")

    assert found is not None
    assert (found.stockout_day, found.recovery_day, found.volume_short) == (2, 4, 80.0)


def test_more_demand_at_the_customers_reaches_the_store() -> None:
    more = {
        "type": "demand_change",
        "node": "customers",
        "factor": 1.5,
        "duration_days": 10,
    }

    found = propagate(five_nodes(), scenario(more)).node("store-x")

    # 60 asked, 40 arriving: the stock falls 20 a day and is gone after day 4;
    # days 5 to 9 ship 40 (20 short each).
    assert found is not None and (found.stockout_day, found.volume_short) == (5, 100.0)


def test_a_cycle_is_answered_in_full() -> None:
    graph = five_nodes()
    graph.add_node("returns", kind="fleet")
    graph.add_edge("fleet", "returns", kind="delivers", lead_time_days=1.0)
    graph.add_edge("returns", "fleet", kind="delivers", lead_time_days=0.0)

    report = propagate(graph, scenario(plant_a_down(), horizon=60))

    reported = {n.node_id for n in report.affected} | set(report.reached)
    assert reported == set(graph) - {"plant-b"}


def test_a_scenario_naming_an_unknown_node_is_refused() -> None:
    down = {"type": "node_down", "node": "plant-z", "duration_days": 1}

    with pytest.raises(UnknownTwinError, match="plant-z"):
        propagate(five_nodes(), scenario(down))


def test_a_scenario_on_an_empty_graph_names_the_missing_node() -> None:
    with pytest.raises(UnknownTwinError, match="plant-a"):
        propagate(nx.DiGraph(), scenario(plant_a_down()))


def test_a_demand_change_at_a_source_is_refused() -> None:
    more = {"type": "demand_change", "node": "plant-a", "factor": 2, "duration_days": 1}

    with pytest.raises(ConfigurationError, match=r"disruptions\[0\]\.node"):
        propagate(five_nodes(), scenario(more))


def test_a_report_reads_back_from_its_dict() -> None:
    report = propagate(five_nodes(), scenario(plant_a_down()))

    assert PropagationReport.from_dict(report.as_dict()) == report
