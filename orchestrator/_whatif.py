"""What-if: a scenario run forward on a fork of the live state, against a baseline.

The fork (``_fork.py``) is turned into a flow model and run twice with the step
models, from the day after its latest state: once as it is (the baseline), once
with the scenario. Scenario day 0 is the scenario's start date, or the first day
run when it has none; disruptions before the first day run are past and left
out. Nothing is published and no twin is touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from orchestrator._flownet import FlowNet, build_flownet
from orchestrator._fork import Fork, fork_live
from orchestrator._scenario import Scenario
from orchestrator._shortfall import Shortfall, shortfall
from orchestrator._simulate import Run, effects_of, simulate
from thread import ConfigurationError, Contracts, Thread


@dataclass(frozen=True, slots=True)
class RunFigures:
    """How one node fares in one run.

    Attributes:
        stockout_day: the first day it falls short (day 0 is the first day
            run), None if it never does; ``stockout_date`` is that day's date.
        fill_rate: the share of its need met on the day it was needed.
        volume_short: how much it falls short over the run.
        stock_end: what a store holds at the end of the run.
    """

    stockout_day: int | None
    stockout_date: str | None
    fill_rate: float
    volume_short: float
    stock_end: float


@dataclass(frozen=True, slots=True)
class NodeOutcome:
    """One node in the scenario and in the baseline.

    Attributes:
        extra_short: what it falls short in the scenario beyond the baseline.
    """

    node_id: str
    kind: str
    role: str
    scenario: RunFigures
    baseline: RunFigures
    extra_short: float


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    """A scenario and a baseline run on the same fork, node by node.

    Attributes:
        fork_day: the day of the latest state in the fork.
        first_day: the first day run (day 0 of ``stockout_day``).
        days: how many days were run.
        nodes: every node with a need, the most hurt first.
        ends: the network's ends (nodes that send nothing on) all together.
    """

    scenario: str
    fork_day: str | None
    first_day: str | None
    days: int
    nodes: list[NodeOutcome]
    ends: NodeOutcome

    def node(self, node_id: str) -> NodeOutcome | None:
        """The outcome of ``node_id``, None if it has none."""
        return next((n for n in self.nodes if n.node_id == node_id), None)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WhatIfResult:
        """Read a result back from :meth:`as_dict` data."""
        return cls(
            **{
                **data,
                "nodes": [_outcome(n) for n in data["nodes"]],
                "ends": _outcome(data["ends"]),
            }
        )


def what_if_on(
    fork: Fork, scenario: Scenario, *, days: int | None = None
) -> WhatIfResult:
    """Run ``scenario`` and a baseline forward on ``fork``.

    Args:
        fork: the state to start from.
        scenario: what changes.
        days: how many days to run; by default, until the scenario's horizon
            ends.

    Raises:
        UnknownTwinError: the scenario names a node that is not in the fork.
        ConfigurationError: ``days`` is less than 1, the scenario blocks a link
            that is not in the fork, or changes the demand of a source.
    """
    graph = fork.graph()
    scenario.check(graph)
    fork_day = fork.day
    first = fork_day + dt.timedelta(days=1) if fork_day else scenario.start
    offset = (scenario.start - first).days if scenario.start and first else 0
    horizon = days if days is not None else max(offset + scenario.horizon_days, 1)
    if horizon < 1:
        raise ConfigurationError("days", f"a what-if runs at least 1 day, not {days}")

    net = build_flownet(graph)
    baseline = simulate(net, horizon)
    run = simulate(net, horizon, effects_of(net, scenario, horizon, offset))

    nodes = []
    ends: list[tuple[Shortfall, Shortfall]] = []
    for node in sorted(graph):
        hurt, usual = shortfall(net, node, run), shortfall(net, node, baseline)
        if hurt.need > 0 or usual.need > 0:
            stocks = (_stock(net, node, run), _stock(net, node, baseline))
            nodes.append(_compare(net, node, hurt, usual, first, stocks))
            if net.terminal(node):
                ends.append((hurt, usual))
    nodes.sort(key=lambda n: (-n.extra_short, n.node_id))
    hurt, usual = (_combined([pair[i] for pair in ends], horizon) for i in (0, 1))
    return WhatIfResult(
        scenario=scenario.name,
        fork_day=None if fork_day is None else fork_day.isoformat(),
        first_day=None if first is None else first.isoformat(),
        days=horizon,
        nodes=nodes,
        ends=_compare(net, None, hurt, usual, first, (0.0, 0.0)),
    )


async def what_if(
    thread: Thread,
    scenario: Scenario,
    *,
    days: int | None = None,
    contracts: Contracts | None = None,
) -> WhatIfResult:
    """Fork the live state from ``thread``'s KV buckets and run ``scenario`` on it.

    Publishes nothing, and changes no twin.

    Raises:
        ThreadUnavailableError: a bucket did not answer in time.
        UnknownTwinError, ConfigurationError: as :func:`what_if_on`.
    """
    return what_if_on(await fork_live(thread, contracts), scenario, days=days)


def _compare(
    net: FlowNet,
    node: str | None,
    hurt: Shortfall,
    usual: Shortfall,
    first: dt.date | None,
    stocks: tuple[float, float],
) -> NodeOutcome:
    # node None: the network's ends, all together.
    return NodeOutcome(
        node_id=node or "(ends)",
        kind="ends" if node is None else str(net.graph.nodes[node].get("kind")),
        role="ends" if node is None else net.roles[node].value,
        scenario=_figures(hurt, first, stocks[0]),
        baseline=_figures(usual, first, stocks[1]),
        extra_short=round(max(hurt.volume - usual.volume, 0.0), 6),
    )


def _combined(found: list[Shortfall], horizon: int) -> Shortfall:
    firsts = [s.first_day for s in found if s.first_day is not None]
    lasts = [s.last_day for s in found if s.last_day is not None]
    return Shortfall(
        first_day=min(firsts, default=None),
        last_day=max(lasts, default=None),
        volume=sum(s.volume for s in found),
        products=sorted({p for s in found for p in s.products}),
        need=sum(s.need for s in found),
        met=sum(s.met for s in found),
        horizon=horizon,
    )


def _stock(net: FlowNet, node: str, run: Run) -> float:
    return sum(run.stock.get(lane, 0.0) for lane in net.of_node.get(node, []))


def _figures(found: Shortfall, first: dt.date | None, stock: float) -> RunFigures:
    date = None
    if first is not None and found.first_day is not None:
        date = (first + dt.timedelta(days=found.first_day)).isoformat()
    return RunFigures(
        stockout_day=found.first_day,
        stockout_date=date,
        fill_rate=round(found.fill_rate, 6),
        volume_short=round(found.volume, 6),
        stock_end=round(stock, 6),
    )


def _outcome(data: Mapping[str, Any]) -> NodeOutcome:
    return NodeOutcome(
        **{
            **data,
            "scenario": RunFigures(**data["scenario"]),
            "baseline": RunFigures(**data["baseline"]),
        }
    )
