"""Reading the SupplyGraph files: daily product flows and the plant/storage rows.

The data comes as published (see ``data/supplygraph/SOURCE.md``); this module
only reads it, with three repairs that do not change any quantity: storage codes
written as floats (``1430.0``) become ``1430``, the one row without a storage
code is left out, and float artefacts such as ``342.0000000000001`` are rounded
to 3 decimals.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from thread import ConfigurationError
from twins._lines import DECIMALS

# The temporal files name a second product sharing the code POP001L12P with
# pandas' duplicate-column suffix; the plant/storage rows cannot tell them apart.
_DUPLICATE_SUFFIX = ".1"


class Flow(enum.StrEnum):
    """A daily series of the data set, by its file name under ``temporal/unit``."""

    PRODUCTION = "production"
    FACTORY_ISSUE = "factory_issue"
    DELIVERY = "delivery_to_distributor"


Row = tuple[str, str, str]
"""One (product, plant, storage) row of ``node_types_plant_storage.csv``."""


@dataclass(frozen=True, slots=True)
class SupplyGraph:
    """The SupplyGraph data set as read from disk, before any allocation.

    Attributes:
        days: the dates of the daily series, in order.
        products: the product columns of the series, in file order.
        series: per flow and product, one quantity (in units) per day.
        rows: how often each (product, plant, storage) row occurs, with every
            product column given the rows of its product code.
    """

    days: tuple[dt.date, ...]
    products: tuple[str, ...]
    series: dict[Flow, dict[str, tuple[float, ...]]]
    rows: Counter[Row]


def default_data_dir() -> Path:
    """The ``data/`` folder beside the ``twins`` package (the repository's)."""
    return Path(__file__).resolve().parents[1] / "data"


def load_supplygraph(data_dir: Path | None = None) -> SupplyGraph:
    """Read ``<data_dir>/supplygraph``.

    Raises:
        ConfigurationError: the folder or one of its files is missing or malformed.
    """
    root = (data_dir or default_data_dir()) / "supplygraph"
    if not root.is_dir():
        raise ConfigurationError(
            "data_dir", f"{root} does not exist (set TWINWEAVE_DATA_DIR)"
        )
    days, products, series = _read_series(root)
    rows = _read_rows(root / "nodes" / "node_types_plant_storage.csv")
    codes = {product for product, _, _ in rows}
    expanded: Counter[Row] = Counter()
    for product in products:
        code = product.removesuffix(_DUPLICATE_SUFFIX)
        if code not in codes:
            raise ConfigurationError("data_dir", f"product {product} has no plant")
        for (row_product, plant, storage), count in rows.items():
            if row_product == code:
                expanded[(product, plant, storage)] = count
    return SupplyGraph(days, products, series, expanded)


def _read_series(
    root: Path,
) -> tuple[
    tuple[dt.date, ...], tuple[str, ...], dict[Flow, dict[str, tuple[float, ...]]]
]:
    layout: tuple[tuple[dt.date, ...], tuple[str, ...]] | None = None
    series: dict[Flow, dict[str, tuple[float, ...]]] = {}
    for flow in Flow:
        path = root / "temporal" / "unit" / f"{flow}.csv"
        days, products, columns = _read_temporal(path)
        if layout is not None and layout != (days, products):
            raise ConfigurationError("data_dir", f"{path} has other days or products")
        layout = (days, products)
        series[flow] = columns
    if layout is None:
        raise ConfigurationError("data_dir", "no temporal files")
    return layout[0], layout[1], series


def _read_temporal(
    path: Path,
) -> tuple[tuple[dt.date, ...], tuple[str, ...], dict[str, tuple[float, ...]]]:
    try:
        with path.open(newline="") as handle:
            header, *body = list(csv.reader(handle))
        products = tuple(header[1:])
        days = tuple(dt.date.fromisoformat(row[0][:10]) for row in body)
        values = [[round(float(cell), DECIMALS) for cell in row[1:]] for row in body]
    except (OSError, ValueError, IndexError) as exc:
        raise ConfigurationError("data_dir", f"cannot read {path}: {exc}") from exc
    if any(len(row) != len(products) for row in values):
        raise ConfigurationError("data_dir", f"{path} has rows of unequal length")
    columns = {p: tuple(row[i] for row in values) for i, p in enumerate(products)}
    return days, products, columns


def _read_rows(path: Path) -> Counter[Row]:
    rows: Counter[Row] = Counter()
    try:
        with path.open(newline="") as handle:
            for record in csv.DictReader(handle):
                storage = record["Storage Location"].strip()
                if not storage:
                    continue
                plant = record["Plant"].strip()
                rows[(record["Node"].strip(), plant, _storage_code(storage))] += 1
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigurationError("data_dir", f"cannot read {path}: {exc}") from exc
    return rows


def _storage_code(raw: str) -> str:
    return str(int(float(raw)))
