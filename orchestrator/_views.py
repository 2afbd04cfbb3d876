"""Pure renderers: answers in, rich tables out, for the command line and the demo."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from orchestrator._impact import ImpactReport


def render_status(status: Mapping[str, Any]) -> Table:
    """The ``status`` answer as a table of twins, the counters in its caption.

    Key figures (production, stock, deliveries...) are shown as each twin
    published them, so a new twin kind's figures appear without a change here;
    the days of cover are the twin's own, or worked out from its stock. Twins
    the thread refused are listed under the table, with the reason.
    """
    caption = [_counters(status.get("counters", {}))]
    caption += [r["reason"] for r in status.get("refused", [])]
    table = Table(
        title="Twins",
        caption="\n".join(caption),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    twins = status.get("twins", [])
    widest = max((len(t[key]) for t in twins for key in ("id", "kind")), default=4)
    table.add_column("Twin", no_wrap=True, min_width=widest)
    table.add_column("Status", no_wrap=True)
    table.add_column("Day")
    table.add_column("Key figures")
    table.add_column("Cover (d)", justify="right")
    for twin in twins:
        table.add_row(
            Text(twin["id"]).append(f"\n{twin['kind']}", style="dim"),
            _status(twin),
            twin.get("day") or "-",
            _figures(twin.get("figures") or {}),
            _number(twin.get("days_of_cover"), 1),
        )
    return table


def render_impact(report: ImpactReport) -> Table:
    """An impact report as a table of the nodes hit, totals in its caption."""
    stopped = ", ".join(report.stopped)
    title = f"Impact of stopping {stopped} for {report.days} days"
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    widest = max((len(hit.node_id) for hit in report.hits), default=4)
    table.add_column("Node", no_wrap=True, min_width=widest)
    table.add_column("Kind")
    table.add_column("Day", justify="right")
    table.add_column("At risk", justify="right")
    table.add_column("Short of")
    table.add_column("Via", no_wrap=True)
    for hit in report.hits:
        table.add_row(
            hit.node_id,
            hit.kind,
            str(hit.hit_day),
            _number(hit.volume_at_risk),
            _some(hit.products),
            "\n".join(hit.via) or "-",
        )

    if report.hits:
        summary = (
            f"{len(report.hits)} nodes hit, the first on day {report.first_hit_day};"
            f" volume at risk {_number(report.volume_at_risk)}"
        )
    else:
        summary = f"no node runs short within {report.days} days"
    if report.unaffected:
        summary += f"\nreached, not hit: {', '.join(report.unaffected)}"
    table.caption = summary
    return table


def render_command_result(
    twin_id: str, command: str, result: Mapping[str, Any]
) -> Table:
    """A twin's accepted command and what it answered."""
    table = Table(title=f"{twin_id} accepted {command}", show_header=bool(result))
    table.add_column("Field")
    table.add_column("Value")
    for name, value in result.items():
        table.add_row(name, str(value))
    return table


def _status(twin: Mapping[str, Any]) -> Text:
    if twin.get("online"):
        status = Text("online", style="green")
    elif not twin.get("registered", True):
        status = Text("left", style="dim")
    else:
        status = Text("offline", style="bold red")
    return status.append(f"\n{twin.get('phase') or '-'}", style="dim")


def _figures(figures: Mapping[str, Any]) -> str:
    return "\n".join(f"{name} {_number(value)}" for name, value in figures.items())


def _number(value: Any, digits: int | None = None) -> str:
    # Whole numbers stay whole; anything else keeps one decimal.
    if value is None:
        return "-"
    if not isinstance(value, int | float):
        return str(value)
    if digits is None:
        digits = 0 if float(value).is_integer() else 1
    return f"{value:,.{digits}f}"


def _some(names: list[str], shown: int = 4) -> str:
    if not names:
        return "-"
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _counters(counters: Mapping[str, int]) -> str:
    return " · ".join(f"{name.replace('_', ' ')} {n}" for name, n in counters.items())
