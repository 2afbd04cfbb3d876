"""Risk exposure, after Simchi-Levi: which single failure would hurt most?

For every node, on the graph as last heard (``docs/exposure.md`` has the method
and a worked example):

* **TTR**, its time to recover: from the scenario, else its manifest, else
  ``ttr_default``, else the default of its kind (:data:`DEFAULT_TTR_DAYS`) or,
  for a kind that has none, of its role;
* **TTS**, its time to survive: how many days the network's ends (the nodes
  that send nothing on: the customers) still get all they usually get while it
  is down for good, drawing on stock, goods in transit and the other sources
  that keep sending. None when they do for all of :data:`TTS_HORIZON_DAYS`;
* it is **exposed** when TTS < TTR;
* **volume lost**: what the network's ends miss when it alone is down for its
  TTR, counted until :data:`SETTLE_DAYS` after it is back;
* a **single point of failure** is a node that some product reaches some end
  of the network only through.

Nodes are ranked by volume lost; the exposure index is that volume over the
largest one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from orchestrator._flownet import FlowNet, Role, build_flownet
from orchestrator._model import EXTERNAL
from orchestrator._scenario import Scenario
from orchestrator._shortfall import Shortfall, shortfall
from orchestrator._simulate import Effects, Run, simulate
from thread import ConfigurationError

DEFAULT_TTR_DAYS: dict[str, float] = {"factory": 14.0, "warehouse": 7.0, "fleet": 3.0}
"""Time to recover by kind, when neither the scenario nor the manifest gives one."""
ROLE_TTR_DAYS: dict[Role, float] = {
    Role.SOURCE: 14.0,
    Role.STORE: 7.0,
    Role.CARRIER: 3.0,
    Role.SINK: 7.0,
}
"""Time to recover by role, for a kind without a default of its own."""
TTS_HORIZON_DAYS = 90
SETTLE_DAYS = 30


@dataclass(frozen=True, slots=True)
class NodeExposure:
    """One node's exposure.

    Attributes:
        ttr_days: its time to recover; ``ttr_from`` says where it came from
            (scenario, manifest, default).
        tts_days: its time to survive; None if longer than the TTS horizon.
        exposed: TTS < TTR.
        volume_lost: what the network's ends miss if it is down for its TTR.
        exposure_index: ``volume_lost`` over the largest one (0..1).
        single_point_of_failure: some product reaches some end only through it.
        sole_route_to: those ends, sorted.
    """

    node_id: str
    kind: str
    role: str
    ttr_days: float
    ttr_from: str
    tts_days: int | None
    exposed: bool
    volume_lost: float
    exposure_index: float
    single_point_of_failure: bool
    sole_route_to: list[str]


@dataclass(frozen=True, slots=True)
class ExposureReport:
    """Every node's exposure, the most exposed first."""

    nodes: list[NodeExposure]
    tts_horizon_days: int

    @property
    def exposed(self) -> list[NodeExposure]:
        """The nodes whose TTS is shorter than their TTR."""
        return [n for n in self.nodes if n.exposed]

    def node(self, node_id: str) -> NodeExposure | None:
        """The exposure of ``node_id``, None if it is not ranked."""
        return next((n for n in self.nodes if n.node_id == node_id), None)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExposureReport:
        """Read a report back from :meth:`as_dict` data."""
        nodes = [NodeExposure(**node) for node in data["nodes"]]
        return cls(nodes=nodes, tts_horizon_days=data["tts_horizon_days"])


def exposure(
    graph: nx.DiGraph,
    *,
    ttr_default: float | None = None,
    scenario: Scenario | None = None,
) -> ExposureReport:
    """Rank every node of ``graph`` (but external ones) by its risk exposure.

    Args:
        graph: the network, as :meth:`Orchestrator.graph` gives it.
        ttr_default: the TTR of a node that neither the scenario nor its
            manifest gives one, instead of the default of its kind.
        scenario: its ``time_to_recover_days`` come first.

    Raises:
        UnknownTwinError: the scenario names a node that is not in the graph.
        ConfigurationError: ``ttr_default`` is negative.
    """
    if scenario is not None:
        scenario.check(graph)
    if ttr_default is not None and ttr_default < 0:
        raise ConfigurationError("ttr_default", f"{ttr_default} is negative")
    net = build_flownet(graph)
    ranked = [n for n in sorted(graph) if graph.nodes[n].get("kind") != EXTERNAL]
    recover = {n: _ttr(graph, net, n, ttr_default, scenario) for n in ranked}

    longest = max((math.ceil(t) for t, _ in recover.values()), default=0)
    horizon = max(TTS_HORIZON_DAYS, longest + SETTLE_DAYS)
    baseline = simulate(net, horizon, only=net.unsteady(horizon))
    routes = _sole_routes(net)

    found = []
    for node in ranked:
        ttr, source = recover[node]
        tts = _survival(net, node, baseline)
        lost = _lost(net, node, ttr, baseline)
        found.append((node, ttr, source, tts, lost))
    largest = max((lost for *_, lost in found), default=0.0)

    nodes = [
        NodeExposure(
            node_id=node,
            kind=str(graph.nodes[node].get("kind", "unknown")),
            role=net.roles[node].value,
            ttr_days=ttr,
            ttr_from=source,
            tts_days=tts,
            exposed=tts is not None and tts < ttr,
            volume_lost=round(lost, 6),
            exposure_index=round(lost / largest, 6) if largest > 0 else 0.0,
            single_point_of_failure=bool(routes.get(node)),
            sole_route_to=sorted(routes.get(node, ())),
        )
        for node, ttr, source, tts, lost in found
    ]
    nodes.sort(key=lambda n: (-n.volume_lost, _later(n.tts_days), n.node_id))
    return ExposureReport(nodes=nodes, tts_horizon_days=TTS_HORIZON_DAYS)


def _ttr(
    graph: nx.DiGraph,
    net: FlowNet,
    node: str,
    default: float | None,
    scenario: Scenario | None,
) -> tuple[float, str]:
    if scenario is not None and node in scenario.time_to_recover_days:
        return scenario.time_to_recover_days[node], "scenario"
    declared = graph.nodes[node].get("time_to_recover_days")
    if declared is not None:
        return float(declared), "manifest"
    if default is not None:
        return default, "default"
    kind = str(graph.nodes[node].get("kind"))
    return DEFAULT_TTR_DAYS.get(kind, ROLE_TTR_DAYS[net.roles[node]]), "default"


def _ends_short(
    net: FlowNet, node: str, effects: Effects, baseline: Run
) -> list[Shortfall]:
    lanes = net.downstream(net.lanes_of([node]))
    run = simulate(net, effects.horizon, effects, only=lanes, given=baseline)
    ends = {net.lanes[lane][0] for lane in lanes if not net.outs[lane]}
    return [shortfall(net, end, run, baseline) for end in sorted(ends)]


def _survival(net: FlowNet, node: str, baseline: Run) -> int | None:
    effects = Effects(TTS_HORIZON_DAYS)
    effects.down(node, TTS_HORIZON_DAYS)
    firsts = [
        s.first_day
        for s in _ends_short(net, node, effects, baseline)
        if s.first_day is not None
    ]
    return min(firsts, default=None)


def _lost(net: FlowNet, node: str, ttr: float, baseline: Run) -> float:
    effects = Effects(math.ceil(ttr) + SETTLE_DAYS)
    effects.down(node, ttr)
    return sum(s.volume for s in _ends_short(net, node, effects, baseline))


def _sole_routes(net: FlowNet) -> dict[str, set[str]]:
    # Per product: a root feeds every lane that makes it; a node that dominates
    # an end of the network (every way from the root passes through it) is the
    # only route of that product to that end.
    by_product: dict[str, list[int]] = defaultdict(list)
    for lane, (_, product) in enumerate(net.lanes):
        by_product[product].append(lane)
    routes: dict[str, set[str]] = defaultdict(set)
    root = ("", "")
    for lanes in by_product.values():
        flows = nx.DiGraph()
        for lane in lanes:
            node = net.lanes[lane][0]
            flows.add_node(node)
            if not net.ins[lane] and net.outs[lane]:
                flows.add_edge(root, node)
            for link in net.outs[lane]:
                flows.add_edge(node, net.lanes[link.target][0])
        if root not in flows:
            continue
        parent = nx.immediate_dominators(flows, root)
        for end in flows:
            if end == root or end not in parent or flows.out_degree(end):
                continue
            step = parent[end]
            while step != root:
                routes[step].add(end)
                step = parent[step]
    return routes


def _later(tts: int | None) -> float:
    return math.inf if tts is None else tts
