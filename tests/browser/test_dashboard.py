"""The dashboard in headless Chromium, served by a real ``twinweave serve``.

A planner's round: the live network appears, a click on a plant shows its
figures and what its stop does downstream, a twin leaving turns grey without a
reload, and a what-if runs beside its baseline. Any request the page makes
beyond the dashboard is refused and fails the test: it must work offline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.conftest import ARTIFACTS, Connect, browser_page, click_node
from tests.orchestrator.conftest import (
    Plant,
    Store,
    plant_manifest,
    running,
    store_manifest,
)
from twins import FactoryState


def plant_state(produced: float, **ships: float) -> FactoryState:
    """A plant's state on 2024-03-01: what it made, and what it ships a day."""
    return FactoryState.model_validate(
        {
            "day": "2024-03-01",
            "figures": {"production_today": produced},
            "daily_outflow": ships,
        }
    )


@pytest.fixture
async def twins(
    dashboard_url: str, connect: Connect
) -> AsyncIterator[dict[str, Plant | Store]]:
    """Two plants and two warehouses; storage-2 is low on cover.

    They join once ``serve`` runs: its orchestrator registers their contracts.
    """
    plant_1 = Plant(await connect("plant-1"), plant_manifest("plant-1", "storage-1"))
    plant_2 = Plant(
        await connect("plant-2"), plant_manifest("plant-2", "storage-1", "storage-2")
    )
    store_1 = Store(await connect("storage-1"), store_manifest("storage-1"))
    store_2 = Store(await connect("storage-2"), store_manifest("storage-2"))
    async with (
        running(plant_1),
        running(plant_2),
        running(store_1),
        running(store_2),
    ):
        await plant_1.issue("2024-03-01", "storage-1", p1=30)
        await plant_2.issue("2024-03-01", "storage-1", p1=10)
        await plant_2.issue("2024-03-01", "storage-2", p1=20)
        await plant_1.publish_state(plant_state(120, p1=30))
        await plant_2.publish_state(plant_state(45, p1=30))
        await store_1.report("2024-03-01", {"p1": 160}, {"p1": 40})
        await store_2.report("2024-03-01", {"p1": 40}, {"p1": 20})
        yield {
            "plant-1": plant_1,
            "plant-2": plant_2,
            "storage-1": store_1,
            "storage-2": store_2,
        }


async def test_planner_sees_the_live_network_a_nodes_impact_and_a_what_if(
    chromium: Path, twins: dict[str, Plant | Store], dashboard_url: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    async with browser_page(chromium, dashboard_url) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(dashboard_url)
        await page.wait_for_function(
            """() => {
                const graph = window.twinweave.graph();
                return graph && graph.nodes().length === 5
                    && graph.getElementById("storage-2").hasClass("low");
            }"""
        )

        await click_node(page, "plant-1")
        await expect(page.get_by_test_id("node-figures")).to_contain_text("120")
        impact = page.get_by_test_id("node-impact")
        await expect(impact).to_contain_text("First hit on day 6")
        await expect(impact.locator("tr[data-node=storage-1]")).to_be_visible()
        await page.screenshot(path=ARTIFACTS / "dashboard-node.png")

        # A twin leaving shows at once, from the event stream alone.
        twins["plant-2"].stop()
        await page.wait_for_function(
            """() => window.twinweave.graph()
                .getElementById("plant-2").hasClass("offline")"""
        )

        await page.get_by_role("tab", name="What-if").click()
        await page.get_by_label("node", exact=True).fill("plant-1")
        await page.locator("input[name=duration_days]").fill("10")
        await page.get_by_role("button", name="Run what-if").click()
        result = page.get_by_test_id("whatif-result")
        await expect(result.locator("th.scenario").first).to_have_text("Scenario")
        await expect(result.locator("th.baseline").first).to_have_text("Baseline")
        await expect(result.locator("tr[data-node=storage-1]")).to_be_visible()
        await page.screenshot(path=ARTIFACTS / "dashboard.png")

    assert errors == []
