"""Reading the USAID SCMS delivery history, and laying it over the replay clock.

The data (``data/usaid-scms/SOURCE.md``) has one row per line item. A delivery
here is one shipment (``ASN/DN #``) to one country by one mode, on its scheduled
and actual dates; the few shipments whose line items disagree on those become
one delivery per variant. The dates are read as published (``2-Jun-06``).

The history spans years, the replay clock a few months: clock day ``i`` of
``n`` replays the deliveries whose scheduled date falls in the ``i``-th of ``n``
equal parts of the history's scheduled dates (see ``docs/data.md``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from thread import ConfigurationError, UnknownTwinError
from twins._supplygraph import default_data_dir

FOLDER = "usaid-scms"
FILE = "shipments.csv"
_PREFIX = "shipment-"
_COUNTRY = "country-"
_DATE_FORMAT = "%d-%b-%y"


def slug(name: str) -> str:
    """A name as a subject token: ``Côte d'Ivoire`` becomes ``cote-d-ivoire``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def shipment_id(mode: str) -> str:
    """The id of the shipment twin of ``mode``: ``Air Charter`` is
    ``shipment-air-charter``."""
    return f"{_PREFIX}{slug(mode)}"


def country_id(country: str) -> str:
    """The id of a destination country's node: ``country-cote-d-ivoire``."""
    return f"{_COUNTRY}{slug(country)}"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One shipment delivered to a country by one mode."""

    shipment: str
    mode: str
    country: str
    scheduled: dt.date
    delivered: dt.date
    product_groups: tuple[str, ...]

    @property
    def delay_days(self) -> int:
        """Days delivered after the scheduled date (negative when early)."""
        return (self.delivered - self.scheduled).days

    @property
    def late(self) -> bool:
        """Delivered after its scheduled date."""
        return self.delay_days > 0


@dataclass(frozen=True, slots=True)
class ShipmentHistory:
    """Every delivery of the data, in scheduled-date order.

    Attributes:
        deliveries: sorted by scheduled date, then shipment id.
        first, last: the earliest and latest scheduled dates.
    """

    deliveries: tuple[Delivery, ...]
    first: dt.date
    last: dt.date

    def modes(self) -> list[str]:
        """The shipment modes of the data, sorted."""
        return sorted({d.mode for d in self.deliveries})

    def twin_ids(self) -> list[str]:
        """One shipment twin per mode, sorted by id."""
        return sorted(shipment_id(mode) for mode in self.modes())

    def mode_of(self, twin_id: str) -> str:
        """The mode a shipment twin id stands for.

        Raises:
            UnknownTwinError: no mode of the data has that id.
        """
        for mode in self.modes():
            if shipment_id(mode) == twin_id:
                return mode
        raise UnknownTwinError(twin_id, self.twin_ids())

    def of_mode(self, mode: str) -> list[Delivery]:
        """The deliveries by ``mode``, in scheduled-date order."""
        return [d for d in self.deliveries if d.mode == mode]

    def lanes(self, mode: str) -> dict[str, list[str]]:
        """The countries ``mode`` delivers to, with the product groups of each."""
        groups: dict[str, set[str]] = defaultdict(set)
        for delivery in self.of_mode(mode):
            groups[delivery.country].update(delivery.product_groups)
        return {country: sorted(groups[country]) for country in sorted(groups)}

    @property
    def span_days(self) -> int:
        """Days from the first scheduled date to the last, both counted."""
        return (self.last - self.first).days + 1

    def part_of(self, delivery: Delivery, parts: int) -> int:
        """Which of ``parts`` equal parts of the history ``delivery`` is due in."""
        return (delivery.scheduled - self.first).days * parts // self.span_days

    def period(self, part: int, parts: int) -> tuple[dt.date, dt.date]:
        """The scheduled dates part ``part`` of ``parts`` covers, both kept."""
        start = -(-part * self.span_days // parts)
        end = -(-(part + 1) * self.span_days // parts) - 1
        return (
            self.first + dt.timedelta(days=start),
            self.first + dt.timedelta(days=max(start, end)),
        )


def load_shipments(data_dir: Path | None = None) -> ShipmentHistory:
    """Read ``<data_dir>/usaid-scms/shipments.csv`` (once per folder).

    Raises:
        ConfigurationError: the file is missing or malformed.
    """
    return _load((data_dir or default_data_dir()).resolve())


@functools.lru_cache(maxsize=4)
def _load(root: Path) -> ShipmentHistory:
    path = root / FOLDER / FILE
    groups: dict[tuple[str, str, str, dt.date, dt.date], set[str]] = defaultdict(set)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = (
                    row["ASN/DN #"],
                    row["Shipment Mode"],
                    row["Country"],
                    _date(row["Scheduled Delivery Date"]),
                    _date(row["Delivered to Client Date"]),
                )
                groups[key].add(row["Product Group"])
    except FileNotFoundError:
        raise ConfigurationError(
            "data_dir", f"{path} does not exist (set TWINWEAVE_DATA_DIR)"
        ) from None
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigurationError("data_dir", f"cannot read {path}: {exc}") from exc
    if not groups:
        raise ConfigurationError("data_dir", f"{path} holds no deliveries")

    deliveries = sorted(
        (Delivery(*key, product_groups=tuple(sorted(g))) for key, g in groups.items()),
        key=lambda d: (d.scheduled, d.shipment, d.mode, d.country, d.delivered),
    )
    return ShipmentHistory(
        tuple(deliveries), deliveries[0].scheduled, deliveries[-1].scheduled
    )


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text.strip(), _DATE_FORMAT).date()
