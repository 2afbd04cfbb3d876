"""``twinweave serve`` as a real process: it comes up, answers, stops on a signal."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from thread import ThreadSettings

TWINWEAVE = Path(sys.executable).parent / "twinweave"


async def started(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        TWINWEAVE,
        "serve",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def url_of(process: asyncio.subprocess.Process) -> str:
    """The address the process says it serves on (it prints it once it listens)."""
    assert process.stderr is not None
    async with asyncio.timeout(15):
        while line := (await process.stderr.readline()).decode():
            if found := re.search(r"dashboard on (http://\S+);", line):
                return found.group(1)
    raise AssertionError("twinweave serve ended before it listened")


@pytest.fixture
async def serving(
    settings: ThreadSettings,
) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await started(
        "--nats-url", settings.nats_url, "--prefix", settings.prefix, "--port", "0"
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize(
    "signum", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name
)
async def test_serve_answers_until_a_signal_stops_it_cleanly(
    serving: asyncio.subprocess.Process, signum: signal.Signals
) -> None:
    async with httpx.AsyncClient(base_url=await url_of(serving)) as http:
        health = await http.get("/healthz")
        page = await http.get("/")
    serving.send_signal(signum)
    code = await asyncio.wait_for(serving.wait(), 10)

    assert (health.status_code, page.status_code, code) == (200, 200, 0)


async def test_serve_on_a_taken_port_fails_with_one_readable_line(
    settings: ThreadSettings,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        process = await started("--nats-url", settings.nats_url, "--port", port)
        _, stderr = await asyncio.wait_for(process.communicate(), 15)

    assert process.returncode == 2
    assert (
        stderr.decode()
        .strip()
        .splitlines()[-1]
        .startswith(f"error: --host/--port: cannot listen on 127.0.0.1:{port}")
    )
