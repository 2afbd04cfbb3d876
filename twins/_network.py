"""The allocation rule: each node's share of the data's daily product flows.

The data gives one national figure per product and day; the plant/storage rows
say which plants make a product and where it is stored. Each flow is split over
the nodes in proportion to how many rows name them (see ``docs/data.md``):

* production over the product's plants, by rows (product, plant, any storage);
* factory issue over its (plant, storage) pairs, by rows (product, plant, storage);
* delivery to distributors over its storage locations, by rows (product, any
  plant, storage).

Splits are made in thousandths with the largest-remainder method, so that the
shares of a day, rounded to 3 decimals, add up to the data's total exactly.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from twins._ids import FLEET_ID, TwinSpec, plant_id, storage_id
from twins._lines import DECIMALS, clean
from twins._supplygraph import (
    Flow,
    SupplyGraph,
    default_data_dir,
    load_supplygraph,
)

K = TypeVar("K", bound=Hashable)
_SCALE = 10**DECIMALS

Lines = dict[str, float]


def split(total: float, weights: Mapping[K, int]) -> dict[K, float]:
    """Split ``total`` over the keys of ``weights`` in proportion to the weights.

    The parts are multiples of 0.001 that add up to ``total`` rounded to 3
    decimals: each key first gets its proportional share rounded down, then the
    thousandths left over go one each to the largest remainders (ties to the
    smaller key, so the split is reproducible).

    >>> split(100, {"a": 32, "b": 7, "c": 3})
    {'a': 76.19, 'b': 16.667, 'c': 7.143}
    """
    units = round(total * _SCALE)
    weight = sum(weights.values())
    if units == 0 or weight == 0:
        return dict.fromkeys(weights, 0.0)
    parts = {key: units * w // weight for key, w in weights.items()}
    left = units - sum(parts.values())
    by_remainder = sorted(weights, key=lambda k: (-(units * weights[k] % weight), k))
    for key in by_remainder[:left]:
        parts[key] += 1
    return {key: part / _SCALE for key, part in parts.items()}


@dataclass(frozen=True, slots=True)
class DayTotals:
    """The data's national figures of one day, per product."""

    day: dt.date
    production: Lines
    factory_issue: Lines
    delivery: Lines


class SupplyNetwork:
    """The SupplyGraph network: its nodes, and each node's share of every day.

    Attributes:
        graph: the data as read.
        plants: the plant codes, in numeric order.
        storages: the storage location codes, in numeric order.
    """

    def __init__(self, graph: SupplyGraph) -> None:
        self.graph = graph
        self._index = {day: i for i, day in enumerate(graph.days)}

        by_plant: dict[str, Counter[str]] = defaultdict(Counter)
        by_pair: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        by_storage: dict[str, Counter[str]] = defaultdict(Counter)
        for (product, plant, storage), count in graph.rows.items():
            by_plant[product][plant] += count
            by_pair[product][(plant, storage)] += count
            by_storage[product][storage] += count
        self._pairs = by_pair
        self.plants = _sorted_codes({p for _, p, _ in graph.rows})
        self.storages = _sorted_codes({s for _, _, s in graph.rows})

        self._production = [
            self._allocate(Flow.PRODUCTION, i, by_plant) for i in range(len(self.days))
        ]
        self._issues = [
            self._allocate(Flow.FACTORY_ISSUE, i, by_pair)
            for i in range(len(self.days))
        ]
        self._deliveries = [
            self._allocate(Flow.DELIVERY, i, by_storage) for i in range(len(self.days))
        ]

    def _allocate(
        self, flow: Flow, index: int, weights: Mapping[str, Counter[K]]
    ) -> dict[K, Lines]:
        shares: dict[K, Lines] = defaultdict(dict)
        for product, column in self.graph.series[flow].items():
            for node, part in split(column[index], weights[product]).items():
                if part:
                    shares[node][product] = part
        return dict(shares)

    # -- the data window -------------------------------------------------------

    @property
    def days(self) -> tuple[dt.date, ...]:
        """Every day of the data, in order."""
        return self.graph.days

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        """The first and last day of the data."""
        return self.graph.days[0], self.graph.days[-1]

    def totals(self, day: dt.date) -> DayTotals:
        """The data's own figures for ``day``.

        Raises:
            KeyError: ``day`` is outside the data window.
        """
        i = self._index[day]
        series = self.graph.series
        return DayTotals(
            day,
            *(clean({p: c[i] for p, c in series[flow].items()}) for flow in Flow),
        )

    # -- shares of one day -----------------------------------------------------

    def production(self, plant: str, day: dt.date) -> Lines:
        """What ``plant`` produced on ``day`` (nothing outside the window)."""
        i = self._index.get(day)
        return {} if i is None else dict(self._production[i].get(plant, {}))

    def issues(self, plant: str, day: dt.date) -> dict[str, Lines]:
        """What ``plant`` issued to each storage location on ``day``."""
        i = self._index.get(day)
        if i is None:
            return {}
        return {
            storage: dict(lines)
            for (source, storage), lines in sorted(self._issues[i].items())
            if source == plant
        }

    def deliveries(self, storage: str, day: dt.date) -> Lines:
        """What left ``storage`` for the distributors on ``day``."""
        i = self._index.get(day)
        return {} if i is None else dict(self._deliveries[i].get(storage, {}))

    # -- static planning figures -----------------------------------------------

    def mean_delivery(self, storage: str) -> Lines:
        """Mean daily delivery from ``storage`` over the window, per product."""
        return self._mean([day.get(storage, {}) for day in self._deliveries])

    def mean_issue(self, plant: str) -> Lines:
        """Mean daily factory issue of ``plant`` over the window, per product."""
        return self._mean(
            [
                lines
                for day in self._issues
                for (source, _), lines in day.items()
                if source == plant
            ]
        )

    def opening_stock(self, storage: str, cover_days: float) -> Lines:
        """Derived opening stock: ``cover_days`` of the mean daily delivery."""
        return clean(
            {p: v * cover_days for p, v in self.mean_delivery(storage).items()}
        )

    def _mean(self, parts: list[Lines]) -> Lines:
        sums: dict[str, list[float]] = defaultdict(list)
        for lines in parts:
            for product, value in lines.items():
                sums[product].append(value)
        return clean({p: math.fsum(v) / len(self.days) for p, v in sums.items()})

    # -- who is connected to whom ----------------------------------------------

    def supplies(self, plant: str) -> dict[str, list[str]]:
        """The storage locations ``plant`` issues to, with the products of each."""
        found: dict[str, set[str]] = defaultdict(set)
        for product, pairs in self._pairs.items():
            for source, storage in pairs:
                if source == plant:
                    found[storage].add(product)
        return {s: sorted(found[s]) for s in _sorted_codes(set(found))}

    def stored_at(self, storage: str) -> list[str]:
        """The products kept at ``storage``."""
        return sorted(
            product
            for product, pairs in self._pairs.items()
            if any(s == storage for _, s in pairs)
        )

    def twin_ids(self, kind: str) -> list[str]:
        """The ids of the twins of ``kind`` that the data implies."""
        return [spec.twin_id for spec in self.specs() if spec.kind == kind]

    def specs(self) -> list[TwinSpec]:
        """The twins the data implies: a factory per plant, a warehouse per
        storage location, and the national fleet."""
        return [
            *(TwinSpec("factory", plant_id(p)) for p in self.plants),
            *(TwinSpec("warehouse", storage_id(s)) for s in self.storages),
            TwinSpec("fleet", FLEET_ID),
        ]


def _sorted_codes(codes: set[str]) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda code: (len(code), code)))


@functools.lru_cache(maxsize=4)
def _load(root: Path) -> SupplyNetwork:
    return SupplyNetwork(load_supplygraph(root))


def load_network(data_dir: Path | None = None) -> SupplyNetwork:
    """The network of the data under ``data_dir`` (read once per folder).

    Raises:
        ConfigurationError: the data folder is missing or malformed.
    """
    return _load((data_dir or default_data_dir()).resolve())
