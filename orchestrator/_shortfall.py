"""How short a node falls in a run, on its own or against a baseline run."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx

from orchestrator._flownet import FlowNet
from orchestrator._simulate import EPSILON, Run


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A node's shortfall over a run, all its products together.

    Attributes:
        first_day: the first day it falls short, None if it never does.
        last_day: the last day it falls short.
        volume: the volume short over the run.
        products: the products it falls short of.
        need: the volume it needed over the run.
        met: the part of ``need`` met on the day it was needed.
        horizon: the days of the run.
    """

    first_day: int | None
    last_day: int | None
    volume: float
    products: list[str]
    need: float
    met: float
    horizon: int

    @property
    def fill_rate(self) -> float:
        """The share of the need met on time (1 when nothing was needed)."""
        return self.met / self.need if self.need > EPSILON else 1.0

    @property
    def recovery_day(self) -> int | None:
        """The day after the last short day; None if never short, or still short
        on the last day of the run."""
        if self.last_day is None or self.last_day == self.horizon - 1:
            return None
        return self.last_day + 1


def shortfall(
    net: FlowNet, node: str, run: Run, baseline: Run | None = None
) -> Shortfall:
    """How short ``node`` falls in ``run``; against ``baseline``, only what is more.

    Lanes that ``run`` does not cover count as never short.
    """
    daily = [0.0] * run.horizon
    products: list[str] = []
    need = met = 0.0
    for lane in net.of_node.get(node, []):
        if lane not in run.need:
            continue
        short = run.shortfall(lane)
        if baseline is not None:
            # A baseline may run longer than the run it is compared with.
            usual = baseline.shortfall(lane)
            short = [max(s - u, 0.0) for s, u in zip(short, usual, strict=False)]
        if any(s > EPSILON for s in short):
            products.append(net.lanes[lane][1])
        daily = [d + s for d, s in zip(daily, short, strict=True)]
        need += sum(run.need[lane])
        met += sum(map(min, run.need[lane], run.out[lane]))

    days = [day for day, volume in enumerate(daily) if volume > EPSILON]
    return Shortfall(
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        volume=sum(daily[day] for day in days),
        products=products,
        need=need,
        met=met,
        horizon=run.horizon,
    )


def downstream(graph: nx.DiGraph, starts: Iterable[str]) -> set[str]:
    """``starts`` and every node reachable from them."""
    return _reach(graph.successors, starts)


def upstream(graph: nx.DiGraph, starts: Iterable[str]) -> set[str]:
    """``starts`` and every node that reaches them."""
    return _reach(graph.predecessors, starts)


def _reach(
    neighbours: Callable[[str], Iterable[str]], starts: Iterable[str]
) -> set[str]:
    seen = set(starts)
    frontier = list(seen)
    while frontier:
        node = frontier.pop()
        for nxt in neighbours(node):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen
