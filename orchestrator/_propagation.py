"""How a scenario's disruptions travel through the network over time.

The graph as last heard is turned into a flow model (``_flownet.py``) and run
twice over the scenario's horizon with the step models (``_simulate.py``): once
as usual (the baseline) and once with the disruptions. A node is affected when
it falls shorter than in the baseline; for each, the report gives the day its
stock runs out (the first day it falls short), the day it recovers (the day
after the last short day) and the volume short. Only the nodes downstream of a
disruption are run with it, and the baseline only where stock runs dry without
one, so a disruption in one corner of a large network costs about what that
corner costs.
Lead times make every step take at least a day, so a cycle is run like any
other part of the graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from orchestrator._flownet import build_flownet
from orchestrator._scenario import Scenario
from orchestrator._shortfall import shortfall
from orchestrator._simulate import effects_of, simulate


@dataclass(frozen=True, slots=True)
class NodeEffect:
    """One node the scenario leaves short.

    Attributes:
        stockout_day: the first day it falls short (day 0 is the scenario's start).
        recovery_day: the day it meets its need again; None if it is still short
            on the last day of the horizon.
        volume_short: how much it falls short over the horizon, against the
            baseline.
        products: the products it falls short of.
        stockout_date, recovery_date: the same days as dates, when the scenario
            has a start date.
    """

    node_id: str
    kind: str
    role: str
    stockout_day: int
    recovery_day: int | None
    volume_short: float
    products: list[str]
    stockout_date: str | None
    recovery_date: str | None


@dataclass(frozen=True, slots=True)
class PropagationReport:
    """The answer to "what does this scenario do downstream, and when?".

    Attributes:
        affected: the nodes left short, by stock-out day, the largest shortfall
            first on the same day.
        reached: nodes downstream of a disruption that never fall short.
        volume_short: the volume that does not reach the network's ends (nodes
            that send nothing on: the customers) over the horizon.
        first_stockout_day: the earliest stock-out day, None if there is none.
    """

    scenario: str
    start: str | None
    horizon_days: int
    affected: list[NodeEffect]
    reached: list[str]
    volume_short: float
    first_stockout_day: int | None

    def node(self, node_id: str) -> NodeEffect | None:
        """The effect on ``node_id``, None if it is not affected."""
        return next((n for n in self.affected if n.node_id == node_id), None)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PropagationReport:
        """Read a report back from :meth:`as_dict` data."""
        affected = [NodeEffect(**node) for node in data["affected"]]
        return cls(**{**data, "affected": affected})


def propagate(graph: nx.DiGraph, scenario: Scenario) -> PropagationReport:
    """Walk ``scenario`` through ``graph`` over its horizon.

    Raises:
        UnknownTwinError: the scenario names a node that is not in the graph.
        ConfigurationError: it blocks a link that is not in the graph, or
            changes the demand of a node that serves none.
    """
    scenario.check(graph)
    net = build_flownet(graph)
    horizon = scenario.horizon_days
    effects = effects_of(net, scenario, horizon)

    lanes = net.downstream(net.lanes_of(effects.touched()))
    baseline = simulate(net, horizon, only=net.unsteady(horizon))
    run = simulate(net, horizon, effects, only=lanes, given=baseline)
    reached = {net.lanes[lane][0] for lane in lanes} | effects.touched()

    affected: list[NodeEffect] = []
    for node in reached:
        found = shortfall(net, node, run, baseline)
        if found.first_day is None:
            continue
        affected.append(
            NodeEffect(
                node_id=node,
                kind=str(graph.nodes[node].get("kind", "unknown")),
                role=net.roles[node].value,
                stockout_day=found.first_day,
                recovery_day=found.recovery_day,
                volume_short=round(found.volume, 6),
                products=found.products,
                stockout_date=_date(scenario.start, found.first_day),
                recovery_date=_date(scenario.start, found.recovery_day),
            )
        )
    affected.sort(key=lambda n: (n.stockout_day, -n.volume_short, n.node_id))
    short = {n.node_id for n in affected}
    return PropagationReport(
        scenario=scenario.name,
        start=None if scenario.start is None else scenario.start.isoformat(),
        horizon_days=horizon,
        affected=affected,
        reached=sorted(reached - short),
        volume_short=round(
            sum(n.volume_short for n in affected if net.terminal(n.node_id)), 6
        ),
        first_stockout_day=affected[0].stockout_day if affected else None,
    )


def _date(start: dt.date | None, day: int | None) -> str | None:
    if start is None or day is None:
        return None
    return (start + dt.timedelta(days=day)).isoformat()
