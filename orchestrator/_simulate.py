"""The step models, run forward a day at a time over the lanes of a flow model.

Each day, every lane takes what arrives and acts by its node's role:

* a source makes its level times its capacity;
* a store ships what its customers ask (level times any demand change), as
  far as stock, arrivals and capacity allow; what it cannot ship is short;
* a carrier passes on what arrives, plus anything it held back; while down or
  cut it holds back what it cannot pass;
* a sink takes what arrives (less, while down or cut).

What a lane puts out goes along its links and arrives ``lead`` days later;
what would cross a blocked link waits at its origin and goes on the first day
the link is open again. Before day 0 every lane ran at its level, so what is
already on the way arrives on days 0 .. lead - 1 as usual: that is the
in-transit inventory. Every lane's need and output are kept per day; a lane's
shortfall on a day is its need less its output, if positive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from orchestrator._flownet import FlowNet, Link, Role
from orchestrator._scenario import (
    CapacityCut,
    DemandChange,
    LinkBlocked,
    NodeDown,
    Scenario,
)
from thread import ConfigurationError

EPSILON = 1e-6


@dataclass(slots=True)
class Effects:
    """What a scenario changes, per run day.

    Attributes:
        capacity: per node, the share of its capacity left each day (0: down).
        demand: per node, the factor on the demand it serves each day.
        blocked: per edge, the days nothing crosses it.
    """

    horizon: int
    capacity: dict[str, list[float]] = field(default_factory=dict)
    demand: dict[str, list[float]] = field(default_factory=dict)
    blocked: dict[tuple[str, str], set[int]] = field(default_factory=dict)

    def down(self, node: str, days: float, start: int = 0) -> None:
        """Stop ``node`` for ``days`` from ``start``; a part day stops it part-time."""
        capacity = self._line(self.capacity, node)
        whole = math.floor(days)
        for day in range(start, min(start + whole, self.horizon)):
            capacity[day] = 0.0
        left = days - whole
        if left > 0 and start + whole < self.horizon:
            capacity[start + whole] = min(capacity[start + whole], 1.0 - left)

    def cut(self, node: str, share: float, days: Iterable[int]) -> None:
        """Take ``share`` of ``node``'s capacity away on ``days``."""
        capacity = self._line(self.capacity, node)
        for day in days:
            capacity[day] = min(capacity[day], 1.0 - share)

    def touched(self) -> set[str]:
        """The nodes that act differently, or receive differently, under these."""
        return {*self.capacity, *self.demand, *(d for _, d in self.blocked)}

    def _line(self, lines: dict[str, list[float]], node: str) -> list[float]:
        return lines.setdefault(node, [1.0] * self.horizon)


def effects_of(
    net: FlowNet, scenario: Scenario, horizon: int, offset: int = 0
) -> Effects:
    """What ``scenario`` changes over ``horizon`` run days.

    Scenario day ``d`` is run day ``offset + d``; days outside the run are left
    out.

    Raises:
        ConfigurationError: a demand change names a source, which serves none.
    """
    effects = Effects(horizon)
    for index, disruption in enumerate(scenario.disruptions):
        days = [offset + d for d in disruption.days() if 0 <= offset + d < horizon]
        match disruption:
            case NodeDown(node=node):
                effects.cut(node, 1.0, days)
            case CapacityCut(node=node, share=share):
                effects.cut(node, share, days)
            case LinkBlocked(origin=origin, destination=destination):
                effects.blocked.setdefault((origin, destination), set()).update(days)
            case DemandChange(node=node, factor=factor):
                for served in _served_by(net, node, index):
                    line = effects._line(effects.demand, served)
                    for day in days:
                        line[day] *= factor
    return effects


def _served_by(net: FlowNet, node: str, index: int) -> list[str]:
    # The demand of a carrier or sink reaches the stores that serve it, through
    # carriers only; a store serves its own.
    if net.roles[node] is Role.SOURCE:
        raise ConfigurationError(
            f"disruptions[{index}].node",
            f"{node} is a source: a demand change names a node that is served",
        )
    served, frontier, seen = [node], [node], {node}
    while frontier:
        following = []
        for current in frontier:
            if net.roles[current] is Role.STORE and current != node:
                continue
            for up in net.graph.predecessors(current):
                if up not in seen and net.roles[up] in (Role.STORE, Role.CARRIER):
                    seen.add(up)
                    served.append(up)
                    following.append(up)
        frontier = following
    return sorted(served)


@dataclass(slots=True)
class Run:
    """The need and output of every lane run, per day, and stores' last stock.

    A lane the run does not cover ran at its level: it never fell short.
    """

    horizon: int
    need: dict[int, list[float]]
    out: dict[int, list[float]]
    stock: dict[int, float]

    def shortfall(self, lane: int) -> list[float]:
        """Need less output, per day, where positive."""
        if lane not in self.need:
            return [0.0] * self.horizon
        return [
            max(n - o, 0.0)
            for n, o in zip(self.need[lane], self.out[lane], strict=True)
        ]


def simulate(
    net: FlowNet,
    horizon: int,
    effects: Effects | None = None,
    *,
    only: Iterable[int] | None = None,
    given: Run | None = None,
) -> Run:
    """Run the step models over ``horizon`` days.

    A lane outside any cycle runs its whole horizon at once, after every lane
    that feeds it; the lanes of a cycle run together, a day at a time (a link
    takes at least a day, so each day needs only earlier days of the others).

    Args:
        net: the flow model.
        horizon: days to run, from day 0.
        effects: what a scenario changes; None for the baseline.
        only: the lanes to run (all by default). Arrivals from other lanes are
            taken from ``given``, or at their level when it does not cover them.
        given: a run of at least ``horizon`` days.
    """
    effects = effects or Effects(horizon)
    inside = set(range(len(net.lanes))) if only is None else set(only)
    arrivals = {
        lane: _arriving(net, lane, horizon, inside, effects, given) for lane in inside
    }
    need = {lane: [0.0] * horizon for lane in inside}
    out = {lane: [0.0] * horizon for lane in inside}
    steps = {lane: _Step(net, lane, effects, arrivals[lane]) for lane in inside}

    for group in net.upstream_first(inside):
        if len(group) == 1 and all(
            link.target != group[0] for link in net.outs[group[0]]
        ):
            steps[group[0]].run(0, horizon, need[group[0]], out[group[0]])
        else:
            _run_cycle(net, group, steps, arrivals, need, out, effects)
        members = set(group)
        for lane in group:
            for link in net.outs[lane]:
                if link.target in inside and link.target not in members:
                    blocked = effects.blocked.get(link.edge)
                    _carry(out[lane], link, arrivals[link.target], blocked)
    return Run(horizon, need, out, {lane: s.stock for lane, s in steps.items()})


def _run_cycle(
    net: FlowNet,
    group: list[int],
    steps: Mapping[int, _Step],
    arrivals: Mapping[int, list[float]],
    need: Mapping[int, list[float]],
    out: Mapping[int, list[float]],
    effects: Effects,
) -> None:
    members = set(group)
    links = [
        (lane, link, effects.blocked.get(link.edge))
        for lane in group
        for link in net.outs[lane]
        if link.target in members
    ]
    held = [0.0] * len(links)
    for day in range(len(arrivals[group[0]])):
        for lane in group:
            steps[lane].run(day, day + 1, need[lane], out[lane])
        for n, (lane, link, blocked) in enumerate(links):
            held[n] += out[lane][day] * link.share
            if blocked is not None and day in blocked:
                continue
            if day + link.lead < len(arrivals[link.target]):
                arrivals[link.target][day + link.lead] += held[n]
            held[n] = 0.0


def _arriving(
    net: FlowNet,
    lane: int,
    horizon: int,
    inside: set[int],
    effects: Effects,
    given: Run | None,
) -> list[float]:
    # What was already on the way before day 0, and what comes from lanes not
    # run here; the lanes run here add theirs once they have run.
    steady = 0.0
    arriving = [0.0] * horizon
    for link in net.ins[lane]:
        usual = net.nominal_output(link.origin) * link.share
        sent = given.out.get(link.origin) if given is not None else None
        if (
            link.origin not in inside
            and sent is None
            and link.edge not in effects.blocked
        ):
            steady += usual
            continue
        for day in range(min(link.lead, horizon)):
            arriving[day] += usual
        if link.origin not in inside:
            sent = sent or [net.nominal_output(link.origin)] * horizon
            _carry(sent, link, arriving, effects.blocked.get(link.edge))
    return [a + steady for a in arriving] if steady else arriving


def _carry(
    sent: list[float], link: Link, arriving: list[float], blocked: set[int] | None
) -> None:
    # What a lane sends reaches the other end ``lead`` days later; while the
    # link is blocked it waits, and goes all at once when the link opens.
    held = 0.0
    for day in range(len(arriving) - link.lead):
        held += sent[day] * link.share
        if blocked is None or day not in blocked:
            arriving[day + link.lead] += held
            held = 0.0


class _Step:
    """One lane's step model and what it keeps from one day to the next."""

    __slots__ = ("arriving", "capacity", "demand", "held", "level", "run", "stock")

    def __init__(
        self, net: FlowNet, lane: int, effects: Effects, arriving: list[float]
    ) -> None:
        node = net.lanes[lane][0]
        role = net.lane_roles[lane]
        self.level = net.level[lane]
        self.stock = net.stock[lane] if role is Role.STORE else 0.0
        self.held = 0.0  # what a carrier holds back
        self.arriving = arriving
        self.capacity = effects.capacity.get(node)
        self.demand = effects.demand.get(node)
        runs = {
            Role.SOURCE: self._source,
            Role.STORE: self._store,
            Role.CARRIER: self._carrier,
            Role.SINK: self._sink,
        }
        self.run = runs[role]

    def _wanted(self, first: int, last: int) -> list[float]:
        if self.demand is None:
            return [self.level] * (last - first)
        return [self.level * factor for factor in self.demand[first:last]]

    def _limits(self, first: int, last: int) -> list[float]:
        if self.capacity is None:
            return [math.inf] * (last - first)
        return [self.level * share for share in self.capacity[first:last]]

    def _source(
        self, first: int, last: int, need: list[float], out: list[float]
    ) -> None:
        need[first:last] = [self.level] * (last - first)
        out[first:last] = [min(self.level, c) for c in self._limits(first, last)]

    def _store(
        self, first: int, last: int, need: list[float], out: list[float]
    ) -> None:
        stock = self.stock
        wanted = self._wanted(first, last)
        limits = self._limits(first, last)
        for n, day in enumerate(range(first, last)):
            available = stock + self.arriving[day]
            shipped = min(wanted[n], available, limits[n])
            stock = available - shipped
            out[day] = shipped
        self.stock = stock
        need[first:last] = wanted

    def _carrier(
        self, first: int, last: int, need: list[float], out: list[float]
    ) -> None:
        held = self.held
        limits = self._limits(first, last)
        for n, day in enumerate(range(first, last)):
            available = held + self.arriving[day]
            passed = min(available, limits[n])
            held = available - passed
            out[day] = passed
        self.held = held
        need[first:last] = self._wanted(first, last)

    def _sink(self, first: int, last: int, need: list[float], out: list[float]) -> None:
        arrived = self.arriving[first:last]
        if self.capacity is not None:
            arrived = [
                a * share
                for a, share in zip(arrived, self.capacity[first:last], strict=True)
            ]
        out[first:last] = arrived
        need[first:last] = self._wanted(first, last)
