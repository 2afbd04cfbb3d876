"""The page with a few thousand nodes: drawn once, then recoloured in batches."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from playwright.async_api import expect

from orchestrator import Dashboard, NetworkModel, Orchestrator, ScenarioStore
from tests.browser.conftest import ARTIFACTS, browser_page, click_node
from thread import Subjects, Thread

PLANTS, STORES, FLEETS = 2400, 480, 20


def large_network(model: NetworkModel) -> None:
    """2,900 twins in three tiers, every one online, each plant feeding two stores."""
    now = dt.datetime.now(dt.UTC)
    for fleet in range(FLEETS):
        relations = [{"target": "distributors", "kind": "delivers"}]
        model.register(
            {"twin_id": f"fleet-{fleet}", "kind": "fleet", "relations": relations}
        )
    for store in range(STORES):
        relations = [{"target": f"fleet-{store % FLEETS}", "kind": "stores"}]
        model.register(
            {"twin_id": f"storage-{store}", "kind": "warehouse", "relations": relations}
        )
    for plant in range(PLANTS):
        targets = {f"storage-{plant % STORES}", f"storage-{plant * 7 % STORES}"}
        relations = [{"target": t, "kind": "supplies"} for t in sorted(targets)]
        model.register(
            {"twin_id": f"plant-{plant}", "kind": "factory", "relations": relations}
        )
    for twin in model.twin_ids():
        model.heartbeat(twin, now)


async def test_a_few_thousand_nodes_draw_and_take_a_batch_of_changes(
    chromium: Path, tmp_path: Path
) -> None:
    # The page needs no thread: the model is filled here, as the thread would.
    idle = Thread("nats://127.0.0.1:1", subjects=Subjects("big"), name="idle")
    orchestrator = Orchestrator(idle)
    large_network(orchestrator.model)
    total = orchestrator.model.graph.number_of_nodes()
    loop = asyncio.get_running_loop()

    async with (
        Dashboard(orchestrator, port=0, scenarios=ScenarioStore(tmp_path)) as served,
        browser_page(chromium, served.url) as page,
    ):
        started = loop.time()
        await page.goto(served.url)
        await page.wait_for_function(
            "(n) => window.twinweave.graph()?.nodes().length === n", arg=total
        )
        drawn = loop.time() - started

        for plant in range(1000):
            orchestrator.model.node(f"plant-{plant}")["online"] = False
        await page.wait_for_function(
            "() => window.twinweave.graph().nodes('.offline').length === 1000"
        )
        await click_node(page, "storage-7")
        await expect(page.locator("#node-name")).to_have_text("storage-7")
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=ARTIFACTS / "dashboard-large.png")

    assert drawn < 20
