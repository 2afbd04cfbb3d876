"""Graph exports read back by networkx, and DOT that names every edge."""

from __future__ import annotations

import datetime as dt
import io

import networkx as nx
import orjson
import pytest

from orchestrator import (
    NetworkModel,
    export_graph,
    from_node_link,
    to_dot,
    to_graphml,
    to_json,
    to_node_link,
)
from thread import ConfigurationError


@pytest.fixture
def graph() -> nx.DiGraph:
    model = NetworkModel()
    model.register(
        {
            "twin_id": "plant-1",
            "kind": "factory",
            "display_name": 'Plant "One"',
            "relations": [{"target": "storage-1", "kind": "supplies"}],
        }
    )
    model.register(
        {
            "twin_id": "storage-1",
            "kind": "warehouse",
            "relations": [{"target": "distributors", "kind": "delivers"}],
        }
    )
    flow = {"origin": "plant-1", "destination": "storage-1", "lines": {"p1": 5}}
    model.apply_flow({**flow, "day": "2024-01-01"})
    model.heartbeat("plant-1", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    return model.graph


def test_graphml_reads_back_with_the_same_nodes_and_edges(graph: nx.DiGraph) -> None:
    back = nx.read_graphml(io.BytesIO(to_graphml(graph).encode()))

    assert set(back.nodes) == set(graph.nodes)
    assert set(back.edges) == set(graph.edges)


def test_graphml_keeps_dict_attributes_as_json(graph: nx.DiGraph) -> None:
    back = nx.read_graphml(io.BytesIO(to_graphml(graph).encode()))

    volumes = orjson.loads(back.edges["plant-1", "storage-1"]["product_volume"])
    assert volumes == {"p1": 5.0}


def test_dot_names_every_edge_with_quoted_ids(graph: nx.DiGraph) -> None:
    dot = to_dot(graph)

    for origin, destination in graph.edges:
        assert f'"{origin}" -> "{destination}"' in dot
    assert 'label="Plant \\"One\\""' in dot


def test_json_loads_back_with_node_link_graph(graph: nx.DiGraph) -> None:
    back = nx.node_link_graph(orjson.loads(to_json(graph)), edges="edges")

    assert set(back.edges) == set(graph.edges)
    assert back.nodes["plant-1"]["last_seen"] == "2024-01-01T00:00:00+00:00"


def test_node_link_data_round_trips_as_a_directed_graph(graph: nx.DiGraph) -> None:
    back = from_node_link(orjson.loads(orjson.dumps(to_node_link(graph))))

    assert back.is_directed()
    assert list(back.successors("storage-1")) == ["distributors"]


def test_unknown_format_is_refused(graph: nx.DiGraph) -> None:
    with pytest.raises(ConfigurationError):
        export_graph(graph, "svg")
