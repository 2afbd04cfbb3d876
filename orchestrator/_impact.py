"""What happens downstream if some twins stop for a number of days.

The rule, worked on the graph as last heard (``docs/impact.md`` has an example):

1. Walk downstream from the stopped twins, breadth first (a cycle is walked once).
2. A node fed directly by a stopped twin buffers the stop with its stock. For
   each product that a stopped edge carries (declared on the edge, or seen in
   its flows; every product the node holds if neither):

   * net drain = daily outflow x lost share, where the lost share is the
     stopped edges' part of the volume of that product observed into the node,
     or 1 when none has been observed yet. A node that reports no daily outflow
     at all (an external node, a fleet with goods in transit) loses instead the
     stopped edges' average observed daily volume (volume / days from the first
     to the last flow);
   * days until stock-out = stock / net drain (0 with no stock);
   * the product runs short if that is less than the stop's days, on day
     ceil(days until stock-out), counting from day 0, when the stop starts;
   * volume at risk = net drain x (days - days until stock-out); a product
     with less than one unit at risk (rounding dust of the allocation, say)
     does not count as short.

   The node is hit on the earliest day one of its products runs short.
3. A node downstream of a hit node is hit on the same day as its earliest hit
   upstream node, and carries the volume at risk of every node that ran short
   upstream of it (each counted once).

The report's total volume at risk counts each node that ran short once.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from orchestrator._model import NetworkModel
from thread import ConfigurationError, UnknownTwinError


@dataclass(frozen=True, slots=True)
class Shortage:
    """One product a node runs short of, by its own stock."""

    product: str
    stock: float
    daily_drain: float
    days_until_stockout: float
    volume_at_risk: float


@dataclass(frozen=True, slots=True)
class NodeHit:
    """A node the stop reaches in time to hurt.

    Attributes:
        hit_day: the day it runs short (day 0 is the first day of the stop).
        volume_at_risk: its own shortfall plus what it carries from upstream.
        products: the products short, here or upstream.
        shortages: its own shortfall, per product (empty if only hit upstream).
        via: what it is hit through: the hit nodes directly upstream of it, and
            the stopped twins feeding it if it runs short itself.
    """

    node_id: str
    kind: str
    hit_day: int
    volume_at_risk: float
    products: list[str]
    shortages: list[Shortage]
    via: list[str]


@dataclass(frozen=True, slots=True)
class ImpactReport:
    """The answer to "what if these twins stop for this many days?".

    Attributes:
        hits: the nodes hit, by day, then from upstream to downstream.
        unaffected: nodes downstream that the stop reaches but does not hit.
        volume_at_risk: the total shortfall, each node that runs short once.
        first_hit_day: the day the first node is hit, None if none is.
    """

    stopped: list[str]
    days: int
    hits: list[NodeHit]
    unaffected: list[str]
    volume_at_risk: float
    first_hit_day: int | None

    def hit(self, node_id: str) -> NodeHit | None:
        """The hit on ``node_id``, or None if it is not hit."""
        return next((h for h in self.hits if h.node_id == node_id), None)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImpactReport:
        """Read a report back from :meth:`as_dict` data."""
        hits = [
            NodeHit(**{**hit, "shortages": [Shortage(**s) for s in hit["shortages"]]})
            for hit in data["hits"]
        ]
        return cls(**{**data, "hits": hits})


def impact(model: NetworkModel, twin_ids: Iterable[str], days: int) -> ImpactReport:
    """Work out which nodes run short if ``twin_ids`` stop for ``days`` days.

    The rule is in this module's docstring.

    Raises:
        UnknownTwinError: one of ``twin_ids`` is not a twin of the model.
        ConfigurationError: ``days`` is less than 1, or no twin is named.
    """
    stopped = _checked(model, twin_ids, days)
    graph = model.graph
    reached = _downstream(graph, stopped)

    own: dict[str, list[Shortage]] = {}
    for node in reached:
        if any(up in stopped for up in graph.predecessors(node)):
            shortages = _own_shortages(graph, node, stopped, days)
            if shortages:
                own[node] = shortages

    first = {node: min(_day(s) for s in found) for node, found in own.items()}
    hit_days = _spread(graph, set(reached), first)
    origins = _origins(graph, hit_days, set(own))
    own_volume = {node: sum(s.volume_at_risk for s in own[node]) for node in own}

    hits = [
        NodeHit(
            node_id=node,
            kind=graph.nodes[node]["kind"],
            hit_day=day,
            volume_at_risk=sum(own_volume[o] for o in origins[node]),
            products=sorted({s.product for o in origins[node] for s in own[o]}),
            shortages=own.get(node, []),
            via=sorted(
                up
                for up in graph.predecessors(node)
                if up in hit_days or (up in stopped and node in own)
            ),
        )
        for node, day in hit_days.items()
    ]
    order = {node: index for index, node in enumerate(reached)}
    hits.sort(key=lambda h: (h.hit_day, order[h.node_id]))
    return ImpactReport(
        stopped=stopped,
        days=days,
        hits=hits,
        unaffected=sorted(n for n in reached if n not in hit_days),
        volume_at_risk=sum(own_volume.values()),
        first_hit_day=hits[0].hit_day if hits else None,
    )


def _checked(model: NetworkModel, twin_ids: Iterable[str], days: int) -> list[str]:
    if days < 1:
        raise ConfigurationError("days", f"a stop lasts at least 1 day, not {days}")
    stopped = sorted(set(twin_ids))
    if not stopped:
        raise ConfigurationError("twins", "name at least one twin to stop")
    known = model.twin_ids()
    for twin_id in stopped:
        if twin_id not in known:
            raise UnknownTwinError(twin_id, known)
    return stopped


def _downstream(graph: nx.DiGraph, stopped: list[str]) -> list[str]:
    seen = set(stopped)
    order: list[str] = []
    frontier = list(stopped)
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph.successors(node)):
                if nxt not in seen:
                    seen.add(nxt)
                    following.append(nxt)
        order.extend(following)
        frontier = following
    return order


def _own_shortages(
    graph: nx.DiGraph, node: str, stopped: list[str], days: int
) -> list[Shortage]:
    attributes = graph.nodes[node]
    stock: dict[str, float] = attributes["stock"]
    outflow: dict[str, float] = attributes["daily_outflow"]
    cut = [graph.edges[up, node] for up in graph.predecessors(node) if up in stopped]

    shortages = []
    for product in _carried(cut) or sorted(stock.keys() | outflow.keys()):
        if outflow:
            share = _lost_share(graph, node, product, stopped)
            drain = outflow.get(product, 0.0) * share
        else:
            drain = _lost_inflow(cut, product)
        if drain <= 0:
            continue
        held = max(stock.get(product, 0.0), 0.0)
        until = held / drain
        if until < days and drain * (days - until) >= MIN_UNITS_AT_RISK:
            shortages.append(
                Shortage(product, held, drain, until, drain * (days - until))
            )
    return shortages


# Below this many units at risk a product does not count as running short.
MIN_UNITS_AT_RISK = 1.0


def _lost_inflow(cut: list[dict[str, Any]], product: str) -> float:
    daily = [e["product_volume"].get(product, 0.0) / _observed_days(e) for e in cut]
    return float(sum(daily))


def _carried(cut: list[dict[str, Any]]) -> list[str]:
    products: set[str] = set()
    for edge in cut:
        products.update(edge["products"], edge["product_volume"])
    return sorted(products)


def _lost_share(
    graph: nx.DiGraph, node: str, product: str, stopped: list[str]
) -> float:
    total = lost = 0.0
    for up in graph.predecessors(node):
        volume = graph.edges[up, node]["product_volume"].get(product, 0.0)
        total += volume
        if up in stopped:
            lost += volume
    return lost / total if total > 0 else 1.0


def _observed_days(edge: Mapping[str, Any]) -> int:
    if edge["first_day"] is None or edge["last_day"] is None:
        return 1
    first = dt.date.fromisoformat(edge["first_day"])
    last = dt.date.fromisoformat(edge["last_day"])
    return (last - first).days + 1


def _day(shortage: Shortage) -> int:
    return math.ceil(shortage.days_until_stockout)


def _spread(
    graph: nx.DiGraph, reached: set[str], first: dict[str, int]
) -> dict[str, int]:
    # Earliest hit day per node: a shortest-path walk where every edge costs 0.
    days = dict(first)
    queue = [(day, node) for node, day in first.items()]
    heapq.heapify(queue)
    while queue:
        day, node = heapq.heappop(queue)
        if day > days[node]:
            continue
        for nxt in graph.successors(node):
            if nxt in reached and day < days.get(nxt, math.inf):
                days[nxt] = day
                heapq.heappush(queue, (day, nxt))
    return days


def _origins(
    graph: nx.DiGraph, hit_days: dict[str, int], short: set[str]
) -> dict[str, set[str]]:
    # Which nodes that ran short each hit node depends on; grown to a fixed
    # point, so that a cycle or a diamond counts every origin once.
    origins = {node: {node} & short for node in hit_days}
    changed = True
    while changed:
        changed = False
        for node in hit_days:
            for up in graph.predecessors(node):
                if up in hit_days and not origins[up] <= origins[node]:
                    origins[node] |= origins[up]
                    changed = True
    return origins
