"""Shipment twins join the orchestrator's graph, with no code of theirs in it, and
their late deliveries show in the status view."""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from orchestrator import Orchestrator
from orchestrator._views import render_status
from tests.twins.support import running, tick
from thread import Subjects, Thread, ThreadSettings
from twins import ShipmentTwin, load_shipments

JAN_1, JAN_2 = dt.date(2023, 1, 1), dt.date(2023, 1, 2)


async def test_shipment_twin_delivers_to_countries_in_the_graph_and_shows_lateness(
    nats_url: str, subjects: Subjects, thread: Thread
) -> None:
    settings = ThreadSettings(nats_url=nats_url, prefix=subjects.prefix)
    async with (
        Thread(nats_url, subjects=subjects, name="orchestrator") as own,
        Orchestrator(own, settings) as orchestrator,
        running(ShipmentTwin(thread, load_shipments(), "Ocean")),
    ):
        await tick(thread, JAN_1, JAN_2)
        await orchestrator.wait_until(
            lambda m: m.node("shipment-ocean")["day"] == str(JAN_2)
        )
        status = orchestrator.status()
        graph = orchestrator.graph()

    console = Console(width=160, record=True)
    console.print(render_status(status))
    (ocean,) = status["twins"]
    assert graph.nodes["country-south-africa"]["kind"] == "external"
    assert graph.edges["shipment-ocean", "country-south-africa"]["kind"] == "delivers"
    assert ocean["figures"]["late_today"] > 0
    assert "late_today" in console.export_text()
