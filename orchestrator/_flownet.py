"""The network as a flow model: a role per node, a lane per node and product.

The orchestrator never imports twin code, so it cannot run a twin's own logic
forward. Instead each node gets a role, chosen from its kind and relations, and
each role has a step model (``_simulate.py``):

* a **source** makes goods: it has no supplier in the graph, or declares
  ``supplies`` relations;
* a **store** holds stock against a demand: it declares ``stores`` relations,
  or reports a ``daily_outflow`` and has suppliers;
* a **carrier** passes goods on: it declares ``delivers`` relations, or has
  suppliers and customers but no demand of its own;
* a **sink** takes what arrives: it has no customer (an ``external`` node such
  as the distributors).

A new twin kind gets a role, and so a step model, without a change here.

A lane is one product at one node. Its **level** is its usual daily figure:
what a source makes (its ``daily_outflow``, else what it was seen sending, else
its share of what its customers ask for), what
a store's customers ask for (its ``daily_outflow``), and for carriers and sinks
what usually arrives. A node's output of a product is shared among the edges
that carry it in proportion to the volume seen on them, else to the
destinations' demand, else evenly. Goods take the edge's lead time, rounded to
whole days and at least one day, to arrive.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx

from orchestrator._model import EXTERNAL


class Role(enum.StrEnum):
    """What a node does with goods, which decides its step model."""

    SOURCE = "source"
    STORE = "store"
    CARRIER = "carrier"
    SINK = "sink"


_BY_RELATION = {
    "supplies": Role.SOURCE,
    "stores": Role.STORE,
    "delivers": Role.CARRIER,
}


def role_of(graph: nx.DiGraph, node: str) -> Role:
    """The role of ``node``, from its kind, its relations and what it reports."""
    attributes = graph.nodes[node]
    serves_demand = bool(attributes.get("daily_outflow"))
    if not graph.out_degree(node):
        return Role.STORE if serves_demand else Role.SINK
    declared = {_BY_RELATION.get(e.get("kind")) for e in graph.succ[node].values()}
    if (
        len(declared) == 1
        and None not in declared
        and attributes.get("kind") != EXTERNAL
    ):
        (role,) = declared
        return role  # type: ignore[return-value]
    if not graph.in_degree(node):
        return Role.SOURCE
    return Role.STORE if serves_demand else Role.CARRIER


def lead_days(edge: Mapping[str, Any]) -> int:
    """An edge's lead time in whole days, at least one."""
    lead = edge.get("lead_time_days")
    return max(1, round(lead)) if lead is not None else 1


def observed_days(edge: Mapping[str, Any]) -> int:
    """Days from the first to the last flow seen on an edge (1 if unknown)."""
    first, last = edge.get("first_day"), edge.get("last_day")
    if first is None or last is None:
        return 1
    span = dt.date.fromisoformat(str(last)) - dt.date.fromisoformat(str(first))
    return span.days + 1


def carries(edge: Mapping[str, Any], product: str) -> bool:
    """Whether an edge carries ``product``: declared, seen, or anything at all."""
    declared = edge.get("products") or []
    seen = edge.get("product_volume") or {}
    return product in declared or product in seen or not (declared or seen)


class Link(NamedTuple):
    """One product's way along one edge, from one lane to another."""

    origin: int
    target: int
    share: float
    lead: int
    edge: tuple[str, str]


@dataclass(slots=True)
class FlowNet:
    """The lanes of a graph and how goods move between them.

    Attributes:
        lanes: (node, product) of every lane; lanes are referred to by index.
        roles: the role of every node.
        stock: each lane's stock on day 0 (stores only).
        level: each lane's usual daily figure (see the module docstring).
        outs: per lane, where its output goes.
        ins: per lane, where its arrivals come from.
    """

    graph: nx.DiGraph
    roles: dict[str, Role]
    lanes: list[tuple[str, str]] = field(default_factory=list)
    index: dict[tuple[str, str], int] = field(default_factory=dict)
    lane_roles: list[Role] = field(default_factory=list)
    stock: list[float] = field(default_factory=list)
    level: list[float] = field(default_factory=list)
    outs: list[list[Link]] = field(default_factory=list)
    ins: list[list[Link]] = field(default_factory=list)
    of_node: dict[str, list[int]] = field(default_factory=dict)

    def nominal_output(self, lane: int) -> float:
        """What a lane usually puts on its edges each day."""
        return 0.0 if self.lane_roles[lane] is Role.SINK else self.level[lane]

    def lanes_of(self, nodes: Iterable[str]) -> list[int]:
        """The lanes of ``nodes``."""
        return [lane for node in nodes for lane in self.of_node.get(node, [])]

    def downstream(self, lanes: Iterable[int]) -> set[int]:
        """``lanes`` and every lane their goods reach."""
        seen = set(lanes)
        waiting = list(seen)
        while waiting:
            for link in self.outs[waiting.pop()]:
                if link.target not in seen:
                    seen.add(link.target)
                    waiting.append(link.target)
        return seen

    def unsteady(self, horizon: int) -> set[int]:
        """The lanes whose output may stray from their level within ``horizon``
        days when nothing is disrupted: stores that receive less than they ship
        and run dry in time, and every lane downstream of them."""
        dry = []
        for lane, role in enumerate(self.lane_roles):
            if role is not Role.STORE:
                continue
            drain = self.level[lane] - sum(
                self.nominal_output(link.origin) * link.share for link in self.ins[lane]
            )
            if drain > 1e-9 and self.stock[lane] / drain < horizon:
                dry.append(lane)
        return self.downstream(dry)

    def upstream_first(self, lanes: set[int]) -> list[list[int]]:
        """``lanes`` in groups that feed each other in a cycle (most are alone),
        every group after the groups that feed it (Tarjan's algorithm)."""
        number: dict[int, int] = {}
        low: dict[int, int] = {}
        stack: list[int] = []
        on_stack: set[int] = set()
        groups: list[list[int]] = []
        for root in sorted(lanes):
            if root in number:
                continue
            number[root] = low[root] = len(number)
            stack.append(root)
            on_stack.add(root)
            walk = [(root, iter(self.outs[root]))]
            while walk:
                lane, links = walk[-1]
                for link in links:
                    nxt = link.target
                    if nxt not in lanes:
                        continue
                    if nxt not in number:
                        number[nxt] = low[nxt] = len(number)
                        stack.append(nxt)
                        on_stack.add(nxt)
                        walk.append((nxt, iter(self.outs[nxt])))
                        break
                    if nxt in on_stack:
                        low[lane] = min(low[lane], number[nxt])
                else:
                    walk.pop()
                    if walk:
                        parent = walk[-1][0]
                        low[parent] = min(low[parent], low[lane])
                    if low[lane] == number[lane]:
                        group = []
                        while True:
                            member = stack.pop()
                            on_stack.discard(member)
                            group.append(member)
                            if member == lane:
                                break
                        groups.append(sorted(group))
        groups.reverse()
        return groups

    def terminal(self, node: str) -> bool:
        """Whether nothing goes on from ``node`` (its shortfall is the customers')."""
        return not self.graph.out_degree(node)


def build_flownet(graph: nx.DiGraph) -> FlowNet:
    """The flow model of ``graph`` (see the module docstring)."""
    net = FlowNet(graph, {node: role_of(graph, node) for node in graph})
    outflow = {n: _figures(a.get("daily_outflow")) for n, a in graph.nodes(data=True)}
    stock = {n: _figures(a.get("stock")) for n, a in graph.nodes(data=True)}
    successors = dict(graph.adjacency())
    products = _products(graph, net.roles, outflow, stock)
    for node in sorted(graph):
        role = net.roles[node]
        levels = _levels(graph, node, role, outflow)
        net.of_node[node] = []
        for product in sorted(products[node]):
            lane = len(net.lanes)
            net.lanes.append((node, product))
            net.index[node, product] = lane
            net.of_node[node].append(lane)
            net.lane_roles.append(role)
            net.stock.append(stock[node].get(product, 0.0))
            net.level.append(levels.get(product, 0.0))
            net.outs.append([])
            net.ins.append([])

    for (node, product), lane in net.index.items():
        edges = successors[node]
        for destination, share in _shares(edges, product, outflow).items():
            target = net.index[destination, product]
            lead = lead_days(edges[destination])
            link = Link(lane, target, share, lead, (node, destination))
            net.outs[lane].append(link)
            net.ins[target].append(link)
    _pass_on_levels(net)
    return net


def _figures(figures: Mapping[str, float] | None) -> dict[str, float]:
    return {p: max(float(q), 0.0) for p, q in (figures or {}).items()}


def _sent(edges: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    # What a node was seen sending a day, per product, over all its edges.
    daily: dict[str, float] = defaultdict(float)
    for edge in edges.values():
        days = observed_days(edge)
        for product, volume in (edge.get("product_volume") or {}).items():
            daily[product] += float(volume) / days
    return dict(daily)


def _levels(
    graph: nx.DiGraph, node: str, role: Role, outflow: Mapping[str, dict[str, float]]
) -> dict[str, float]:
    match role:
        case Role.SOURCE:
            return _made(graph, node, outflow)
        case Role.STORE:
            return outflow[node]
        case _:
            return {}  # carriers and sinks: worked out from their suppliers


def _made(
    graph: nx.DiGraph, node: str, outflow: Mapping[str, dict[str, float]]
) -> dict[str, float]:
    # What a source makes a day: its own figure, else what it was seen sending,
    # else its share of what its customers ask for (split evenly among the
    # suppliers that bring them the product).
    if outflow[node]:
        return outflow[node]
    edges = graph.succ[node]
    if sent := _sent(edges):
        return sent
    asked: dict[str, float] = defaultdict(float)
    for destination, edge in edges.items():
        for product, demand in outflow[destination].items():
            if not carries(edge, product):
                continue
            suppliers = sum(
                1 for e in graph.pred[destination].values() if carries(e, product)
            )
            asked[product] += demand / suppliers
    return dict(asked)


def _products(
    graph: nx.DiGraph,
    roles: Mapping[str, Role],
    outflow: Mapping[str, dict[str, float]],
    stock: Mapping[str, dict[str, float]],
) -> dict[str, set[str]]:
    products: dict[str, set[str]] = {}
    for node, role in roles.items():
        match role:
            case Role.SOURCE:
                products[node] = set(_made(graph, node, outflow))
            case Role.STORE:
                products[node] = set(stock[node]) | set(outflow[node])
            case _:
                products[node] = set()

    # Carriers and sinks handle whatever reaches them; a worklist, so that a
    # cycle is followed until nothing new arrives.
    successors = dict(graph.adjacency())
    waiting = deque(sorted(successors))
    queued = set(waiting)
    while waiting:
        node = waiting.popleft()
        queued.discard(node)
        for destination, edge in successors[node].items():
            new = {p for p in products[node] if carries(edge, p)}
            if not new <= products[destination]:
                products[destination] |= new
                if destination not in queued:
                    waiting.append(destination)
                    queued.add(destination)
    return products


def _shares(
    successors: Mapping[str, Mapping[str, Any]],
    product: str,
    outflow: Mapping[str, dict[str, float]],
) -> dict[str, float]:
    edges = {d: e for d, e in successors.items() if carries(e, product)}
    if len(edges) == 1:
        return dict.fromkeys(edges, 1.0)
    if not edges:
        return {}
    seen = {
        d: (e.get("product_volume") or {}).get(product, 0.0) for d, e in edges.items()
    }
    demand = {d: outflow[d].get(product, 0.0) for d in edges}
    for weights in (seen, demand):
        total = sum(weights.values())
        if total > 0:
            return {d: w / total for d, w in weights.items() if w > 0}
    return {d: 1 / len(edges) for d in edges}


def _pass_on_levels(net: FlowNet) -> None:
    # A carrier's or sink's level is what its suppliers usually send it; carriers
    # are taken in order of their carrier suppliers (Kahn), so that a chain adds
    # up. A carrier in a cycle of carriers counts what reaches it from outside it.
    passing = [
        lane
        for lane, role in enumerate(net.lane_roles)
        if role in (Role.CARRIER, Role.SINK)
    ]
    waiting_on = {
        lane: sum(
            1 for link in net.ins[lane] if net.lane_roles[link.origin] is Role.CARRIER
        )
        for lane in passing
    }
    ready = deque(lane for lane in passing if not waiting_on[lane])
    stuck = iter(passing)
    done: set[int] = set()
    while len(done) < len(passing):
        if not ready:
            ready.append(next(lane for lane in stuck if lane not in done))
        lane = ready.popleft()
        if lane in done:
            continue
        done.add(lane)
        net.level[lane] = sum(
            net.nominal_output(link.origin) * link.share for link in net.ins[lane]
        )
        for link in net.outs[lane]:
            if link.target in waiting_on and link.target not in done:
                waiting_on[link.target] -= 1
                if waiting_on[link.target] <= 0:
                    ready.append(link.target)
