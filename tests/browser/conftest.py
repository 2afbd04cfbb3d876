"""Fixtures of the browser tests: Debian's Chromium, real twins and a real ``serve``.

The tests need ``/usr/bin/chromium`` (Playwright drives it; it never downloads a
browser of its own). Without it they are skipped, unless ``CI`` is set: CI
installs Chromium first, so there a missing browser fails the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Page, Request, Route, async_playwright

from thread import Subjects, Thread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000

Connect = Callable[[str], Awaitable[Thread]]


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium; the test is skipped without it outside CI."""
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)")
    return CHROMIUM


@pytest.fixture
async def connect(nats_url: str, subjects: Subjects) -> AsyncIterator[Connect]:
    """Opens a thread per twin, as separate processes would have."""
    async with contextlib.AsyncExitStack() as stack:

        async def open_thread(name: str) -> Thread:
            thread = Thread(nats_url, subjects=subjects, name=name)
            return await stack.enter_async_context(thread)

        yield open_thread


@pytest.fixture
async def dashboard_url(
    nats_url: str, subjects: Subjects, tmp_path: Path
) -> AsyncIterator[str]:
    """The address of a real ``twinweave serve`` on this test's server and prefix."""
    saved = {"TWINWEAVE_SCENARIO_DIR": str(tmp_path / "scenarios")}
    process = await asyncio.create_subprocess_exec(
        Path(sys.executable).parent / "twinweave",
        "serve",
        *("--nats-url", nats_url, "--prefix", subjects.prefix, "--port", "0"),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **saved},
    )
    try:
        yield await _url_of(process)
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _url_of(process: asyncio.subprocess.Process) -> str:
    assert process.stderr is not None
    async with asyncio.timeout(15):
        while line := (await process.stderr.readline()).decode():
            if found := re.search(r"dashboard on (http://\S+);", line):
                return found.group(1)
    raise AssertionError("twinweave serve ended before it listened")


@contextlib.asynccontextmanager
async def browser_page(chromium: Path, allowed: str) -> AsyncIterator[Page]:
    """A page in headless Chromium that may reach ``allowed`` and nothing else."""
    refused: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1500, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)

            async def only_ours(route: Route, request: Request) -> None:
                if request.url.startswith(allowed):
                    await route.continue_()
                else:
                    refused.append(request.url)
                    await route.abort()

            await page.route("**/*", only_ours)
            yield page
        finally:
            await browser.close()
    assert refused == []


async def click_node(page: Page, node_id: str) -> None:
    """Click where the graph draws ``node_id``, as a person would."""
    at = await page.evaluate(
        """(id) => {
            const graph = window.twinweave.graph();
            const box = graph.container().getBoundingClientRect();
            const p = graph.getElementById(id).renderedPosition();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        node_id,
    )
    await page.mouse.click(at["x"], at["y"])
