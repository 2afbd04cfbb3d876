"""The graph written out for other tools: node-link JSON, GraphML, DOT and Mermaid."""

from __future__ import annotations

import datetime as dt
import enum
import io
from collections.abc import Mapping
from typing import Any

import networkx as nx
import orjson

from thread import ConfigurationError

Scalar = str | int | float | bool


class GraphFormat(enum.StrEnum):
    """The formats the graph can be exported in."""

    JSON = "json"
    GRAPHML = "graphml"
    DOT = "dot"
    MERMAID = "mermaid"


def to_node_link(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as networkx node-link data (what the ``graph`` query answers)."""
    data: dict[str, Any] = nx.node_link_data(graph, edges="edges")
    return data


def from_node_link(data: Mapping[str, Any]) -> nx.DiGraph:
    """A directed graph back from node-link data."""
    graph: nx.DiGraph = nx.node_link_graph(
        data, directed=True, multigraph=False, edges="edges"
    )
    return graph


def to_json(graph: nx.DiGraph) -> str:
    """The graph as indented node-link JSON; dates become ISO 8601 strings."""
    return orjson.dumps(to_node_link(graph), option=orjson.OPT_INDENT_2).decode()


def to_graphml(graph: nx.DiGraph) -> str:
    """The graph as GraphML; dict and list attributes become JSON strings.

    GraphML holds only scalars, and no missing values: those attributes are
    left out of the element instead.
    """
    flat = nx.DiGraph()
    flat.add_nodes_from((n, _flat(a)) for n, a in graph.nodes(data=True))
    flat.add_edges_from((u, v, _flat(a)) for u, v, a in graph.edges(data=True))
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, infer_numeric_types=True)
    return buffer.getvalue().decode()


def to_dot(graph: nx.DiGraph, name: str = "twinweave") -> str:
    """The graph in Graphviz DOT, every id and value quoted.

    Nodes are labelled with their display name; dict and list attributes are
    left out, so that the file stays readable.
    """
    lines = [f"digraph {_quote(name)} {{"]
    for node, attributes in sorted(graph.nodes(data=True)):
        label = {"label": attributes.get("display_name") or node}
        lines.append(f"  {_quote(node)}{_dot_attributes({**label, **attributes})};")
    for origin, destination, attributes in sorted(graph.edges(data=True)):
        edge = f"{_quote(origin)} -> {_quote(destination)}"
        lines.append(f"  {edge}{_dot_attributes(attributes)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph: nx.DiGraph) -> str:
    """The graph as a Mermaid flowchart, left to right, one line per edge.

    Node ids become ``n0``, ``n1``... in sorted order, each declared once with
    its display name as a quoted label; an edge is labelled with its kind.
    Quotes and markup in labels are written as Mermaid entity codes, so that
    no id or name can break the chart.
    """
    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph))}
    lines = ["flowchart LR"]
    for node in sorted(graph):
        name = graph.nodes[node].get("display_name") or node
        lines.append(f'    {ids[node]}["{_mermaid_text(str(name))}"]')
    for origin, destination, attributes in sorted(graph.edges(data=True)):
        kind = attributes.get("kind")
        arrow = f'-->|"{_mermaid_text(str(kind))}"|' if kind else "-->"
        lines.append(f"    {ids[origin]} {arrow} {ids[destination]}")
    return "\n".join(lines) + "\n"


def export_graph(graph: nx.DiGraph, fmt: GraphFormat | str) -> str:
    """The graph in one of the :class:`GraphFormat` formats.

    Raises:
        ConfigurationError: ``fmt`` is not a known format.
    """
    match str(fmt):
        case GraphFormat.JSON:
            return to_json(graph)
        case GraphFormat.GRAPHML:
            return to_graphml(graph)
        case GraphFormat.DOT:
            return to_dot(graph)
        case GraphFormat.MERMAID:
            return to_mermaid(graph)
        case other:
            known = ", ".join(f.value for f in GraphFormat)
            raise ConfigurationError("format", f"{other!r} is not one of {known}")


def _flat(attributes: Mapping[str, Any]) -> dict[str, Scalar]:
    flat: dict[str, Scalar] = {}
    for key, value in attributes.items():
        match value:
            case None:
                continue
            case bool() | int() | float() | str():
                flat[key] = value
            case dt.date():
                flat[key] = value.isoformat()
            case _:
                flat[key] = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return flat


def _dot_attributes(attributes: Mapping[str, Any]) -> str:
    pairs = []
    for key, value in attributes.items():
        match value:
            case None | dict() | list():
                continue
            case bool():
                pairs.append(f"{key}={_quote(str(value).lower())}")
            case dt.date():
                pairs.append(f"{key}={_quote(value.isoformat())}")
            case _:
                pairs.append(f"{key}={_quote(str(value))}")
    return f" [{', '.join(pairs)}]" if pairs else ""


_MERMAID_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
}


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in text)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
