"""Product lines: a quantity per product, rounded to what goes on the wire."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

DECIMALS = 3


def quantity(value: float) -> float:
    """``value`` rounded to 3 decimals; never NaN, infinite or negative zero."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite quantity: {value}")
    return round(value, DECIMALS) + 0.0


def clean(lines: Mapping[str, float]) -> dict[str, float]:
    """The lines rounded, without the zero ones, sorted by product."""
    rounded = {product: quantity(value) for product, value in lines.items()}
    return {p: v for p, v in sorted(rounded.items()) if v != 0}


def total(lines: Mapping[str, float]) -> float:
    """The sum of all lines, rounded."""
    return quantity(math.fsum(lines.values()))


def combine(parts: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """The lines of several parts added together."""
    summed: dict[str, float] = {}
    for part in parts:
        for product, value in part.items():
            summed[product] = summed.get(product, 0.0) + value
    return clean(summed)
