"""Mermaid and GraphML exports, checked the way other tools read them."""

from __future__ import annotations

import io
import re

import networkx as nx

from orchestrator import export_graph, to_graphml, to_mermaid


def network() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_node("plant-a", display_name='Plant "A" <main>|#1', kind="factory")
    graph.add_node("store-x", display_name="Store X", kind="warehouse", stock={"p": 5})
    graph.add_node("customers", kind="external")
    graph.add_edge("plant-a", "store-x", kind="supplies", products=["p"])
    graph.add_edge("store-x", "customers", kind="stores")
    return graph


def test_mermaid_is_a_left_to_right_flowchart_with_one_line_per_edge() -> None:
    lines = to_mermaid(network()).splitlines()

    edges = [line for line in lines if "-->" in line]
    assert lines[0] == "flowchart LR"
    assert edges == ['    n1 -->|"supplies"| n2', '    n2 -->|"stores"| n0']


def test_mermaid_labels_escape_quotes_and_markup() -> None:
    text = to_mermaid(network())

    label = re.search(r'n1\["(.*)"\]', text)
    assert label is not None
    assert label.group(1) == "Plant #quot;A#quot; #lt;main#gt;#124;#35;1"


def test_graph_format_mermaid_is_an_export_format() -> None:
    assert export_graph(network(), "mermaid") == to_mermaid(network())


def test_graphml_reads_back_with_networkx() -> None:
    back = nx.read_graphml(io.BytesIO(to_graphml(network()).encode()))

    assert sorted(back.edges) == [("plant-a", "store-x"), ("store-x", "customers")]
