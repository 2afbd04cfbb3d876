"""Scenarios as validated documents, and the folder that keeps them."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from orchestrator import Scenario, ScenarioStore, default_scenario_dir
from thread import ConfigurationError, UnknownTwinError

YAML = """\
name: plant-a-stops
start: 2023-03-15
horizon_days: 14
disruptions:
  - {type: node_down, node: plant-a, duration_days: 5}
  - {type: capacity_cut, node: store-x, share: 0.5, start_day: 2, duration_days: 3}
  - {type: link_blocked, origin: store-x, destination: fleet, duration_days: 1}
  - {type: demand_change, node: customers, factor: 1.2, duration_days: 7}
"""


def graph() -> nx.DiGraph:
    network = nx.DiGraph()
    network.add_edges_from(
        [("plant-a", "store-x"), ("store-x", "fleet"), ("fleet", "customers")]
    )
    return network


def test_a_yaml_scenario_reads_every_kind_of_disruption() -> None:
    scenario = Scenario.from_text(YAML)

    kinds = [d.type for d in scenario.disruptions]
    assert kinds == ["node_down", "capacity_cut", "link_blocked", "demand_change"]


def test_a_scenario_reads_back_from_its_own_json() -> None:
    scenario = Scenario.from_text(YAML)

    assert Scenario.from_text(scenario.to_json()) == scenario


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(YAML.replace("0.5", "1.5"), "disruptions[1].share", id="share"),
        pytest.param(
            YAML.replace("duration_days: 5", "duration_days: 0"),
            "disruptions[0].duration_days",
            id="duration",
        ),
        pytest.param(
            YAML.replace("node_down", "node_gone"), "disruptions[0]", id="type"
        ),
        pytest.param(YAML.replace("plant-a-stops", "a b"), "name", id="name"),
        pytest.param(YAML.replace("start_day: 2", "start_day: 20"), "", id="late"),
    ],
)
def test_a_malformed_scenario_names_the_wrong_field(text: str, field: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Scenario.from_text(text, where="plan.yaml")

    assert caught.value.setting == f"plan.yaml: {field}".rstrip(": ")


def test_text_that_is_not_yaml_is_refused_in_one_line() -> None:
    with pytest.raises(ConfigurationError, match="not YAML or JSON"):
        Scenario.from_text("name: [unclosed")


def test_an_impossible_date_is_refused_in_one_line() -> None:
    with pytest.raises(ConfigurationError, match="day is out of range"):
        Scenario.from_text("name: x\nstart: 2023-02-30\ndisruptions: []\n")


def test_a_scenario_naming_a_node_not_in_the_graph_is_refused() -> None:
    scenario = Scenario.from_text(YAML.replace("node: plant-a", "node: plant-z"))

    with pytest.raises(UnknownTwinError, match="plant-z"):
        scenario.check(graph())


def test_a_blocked_link_must_be_an_edge_of_the_graph() -> None:
    scenario = Scenario.from_text(
        YAML.replace("destination: fleet", "destination: customers")
    )

    with pytest.raises(ConfigurationError, match="no link from store-x to customers"):
        scenario.check(graph())


def test_saved_scenarios_are_listed_and_load_again(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path)
    scenario = Scenario.from_text(YAML)

    store.save(scenario)

    assert (store.names(), store.load("plant-a-stops")) == (["plant-a-stops"], scenario)


def test_loading_a_scenario_never_saved_lists_the_saved_ones(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path)
    store.save(Scenario.from_text(YAML))

    with pytest.raises(ConfigurationError, match=r"saved: plant-a-stops"):
        store.load("other")


def test_the_scenario_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWINWEAVE_SCENARIO_DIR", str(tmp_path))

    assert ScenarioStore().folder == default_scenario_dir() == tmp_path
