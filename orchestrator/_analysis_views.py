"""Pure renderers of the analyses: exposure, propagation and what-if answers in,
rich tables out. They take the answers as plain data (``as_dict()``), so that a
remote answer and a local one look the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.table import Table

from orchestrator._scenario import Scenario


def render_exposure(report: Mapping[str, Any]) -> Table:
    """An exposure report as a ranked table; exposed nodes and single points
    of failure are marked."""
    table = Table(
        title="Risk exposure (a node alone down for its time to recover)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name, justify in [
        ("#", "right"),
        ("Node", "left"),
        ("Kind", "left"),
        ("TTR (d)", "right"),
        ("TTS (d)", "right"),
        ("Exposed", "left"),
        ("Volume lost", "right"),
        ("Index", "right"),
        ("Single point of failure", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    horizon = report.get("tts_horizon_days")
    for rank, node in enumerate(report.get("nodes", []), start=1):
        tts = node["tts_days"]
        table.add_row(
            str(rank),
            node["node_id"],
            node["kind"],
            f"{_number(node['ttr_days'])} {node['ttr_from']}",
            f">{horizon}" if tts is None else str(tts),
            "yes" if node["exposed"] else "-",
            _number(node["volume_lost"]),
            f"{node['exposure_index']:.2f}",
            _some(node["sole_route_to"]) if node["single_point_of_failure"] else "-",
        )
    exposed = sum(1 for n in report.get("nodes", []) if n["exposed"])
    table.caption = (
        f"{exposed} exposed (TTS < TTR); a TTS past the {horizon}-day horizon"
        f" shows as >{horizon}"
    )
    return table


def render_propagation(report: Mapping[str, Any]) -> Table:
    """A propagation report: each affected node, when it runs out and recovers."""
    start = f" from {report['start']}" if report.get("start") else ""
    table = Table(
        title=f"Scenario {report['scenario']}{start}, {report['horizon_days']} days",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name in ("Node", "Kind", "Stock-out", "Recovers", "Short", "Products"):
        justify = "right" if name == "Short" else "left"
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for node in report.get("affected", []):
        table.add_row(
            node["node_id"],
            f"{node['kind']} ({node['role']})",
            _day(node["stockout_day"], node["stockout_date"]),
            _day(node["recovery_day"], node["recovery_date"], "not in horizon"),
            _number(node["volume_short"]),
            _some(node["products"]),
        )
    if report.get("affected"):
        table.caption = (
            f"first stock-out on day {report['first_stockout_day']};"
            f" volume short at the network's ends {_number(report['volume_short'])}"
        )
    else:
        table.caption = "no node falls short within the horizon"
    return table


def render_whatif(result: Mapping[str, Any]) -> Table:
    """A what-if result: scenario against baseline, node by node."""
    table = Table(
        title=f"What-if {result['scenario']}: {result['days']} days"
        f" from {result.get('first_day') or 'day 0'}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name in ("Node", "Stock-out", "Fill rate", "Short", "Baseline", "Extra"):
        justify = "left" if name in ("Node", "Stock-out") else "right"
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    shown = [n for n in result.get("nodes", []) if _matters(n)] + [result["ends"]]
    for node in shown:
        hurt, usual = node["scenario"], node["baseline"]
        table.add_row(
            node["node_id"],
            _day(hurt["stockout_day"], hurt["stockout_date"]),
            f"{hurt['fill_rate']:.1%} ({usual['fill_rate']:.1%})",
            _number(hurt["volume_short"]),
            _number(usual["volume_short"]),
            _number(node["extra_short"]),
        )
    table.caption = (
        f"forked at {result.get('fork_day') or '-'}; fill rate in brackets: the"
        " baseline; nodes no worse than the baseline are left out"
    )
    return table


def render_scenario(scenario: Scenario) -> Table:
    """A scenario's disruptions, one per row."""
    start = scenario.start.isoformat() if scenario.start else "the first day run"
    table = Table(
        title=f"Scenario {scenario.name}: from {start}, {scenario.horizon_days} days",
        caption=scenario.description or None,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name in ("Disruption", "Where", "Days", "How much"):
        table.add_column(name)
    for disruption in scenario.disruptions:
        data = disruption.model_dump()
        days = disruption.days()
        table.add_row(
            disruption.type,
            " -> ".join(disruption.nodes()),
            f"{days.start}..{days.stop - 1}",
            _how_much(data),
        )
    return table


def _how_much(data: Mapping[str, Any]) -> str:
    if "share" in data:
        return f"{data['share']:.0%} of capacity lost"
    if "factor" in data:
        return f"demand x {data['factor']:g}"
    return "-"


def _matters(node: Mapping[str, Any]) -> bool:
    return bool(node["extra_short"] > 0 or node["scenario"]["stockout_day"] is not None)


def _day(day: int | None, date: str | None, none: str = "-") -> str:
    if day is None:
        return none
    return f"day {day} ({date})" if date else f"day {day}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _some(names: list[str], shown: int = 3) -> str:
    if not names:
        return "-"
    more = f" +{len(names) - shown}" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
