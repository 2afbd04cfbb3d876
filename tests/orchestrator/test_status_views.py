"""The renderers on their own: answers in, tables out."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from orchestrator import ImpactReport, NodeHit, render_impact, render_status


def text_of(table: Table) -> str:
    console = Console(width=120, record=True)
    console.print(table)
    return console.export_text()


def twin(**changes: Any) -> dict[str, Any]:
    summary = {
        "id": "cold-1",
        "kind": "cold-store",
        "registered": True,
        "phase": "operating",
        "online": True,
        "day": "2024-01-05",
        "figures": {},
        "days_of_cover": None,
    }
    return summary | changes


def test_status_shows_a_new_kinds_figures_as_published() -> None:
    status = {"twins": [twin(figures={"temperature_c": -18.5})], "counters": {}}

    assert "temperature_c -18.5" in text_of(render_status(status))


def test_status_shows_a_silent_twin_as_offline_and_the_counters() -> None:
    status = {"twins": [twin(online=False)], "counters": {"dead_lettered": 2}}

    shown = text_of(render_status(status))

    assert "offline" in shown
    assert "dead lettered 2" in shown


def test_impact_table_lists_the_hit_nodes_and_the_total() -> None:
    hit = NodeHit("storage-1", "warehouse", 3, 120.0, ["p1"], [], ["plant-1"])
    report = ImpactReport(["plant-1"], 7, [hit], ["storage-2"], 120.0, 3)

    shown = text_of(render_impact(report))

    assert "storage-1" in shown
    assert "volume at risk 120" in shown
    assert "reached, not hit: storage-2" in shown
