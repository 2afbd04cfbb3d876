"""State propagation latency at a steady rate: a twin's publish to the orchestrator.

The publisher runs as its own process (a real twin on the thread) and stamps each
state with ``time.monotonic()``, a clock shared by every process on the machine.
The orchestrator runs here; the time is read when its graph has taken the state.
The same measurement with plain nats-py publish and subscribe is the baseline.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nats
import orjson
from nats.aio.msg import Msg

from orchestrator import Orchestrator
from thread import Subjects, Thread, ThreadSettings

PUBLISHER = Path(__file__).with_name("_publisher.py")


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of ``samples``, in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000


def _publisher(url: str, mode: str, prefix: str, rate: int, seconds: float) -> Any:
    command = [sys.executable, str(PUBLISHER), mode, url, prefix, str(rate)]
    return subprocess.Popen([*command, str(seconds)])


async def raw_latency(url: str, rate: int, seconds: float) -> list[float]:
    """Latencies of plain nats-py messages stamped by a publisher process."""
    samples: list[float] = []
    nc = await nats.connect(url)

    async def on_msg(msg: Msg) -> None:
        samples.append(time.monotonic() - orjson.loads(msg.data)["sent_at"])

    await nc.subscribe("raw.latency", cb=on_msg)
    await nc.flush()
    await _wait(_publisher(url, "raw", "raw", rate, seconds))
    await nc.close()
    return samples


async def thread_latency(url: str, rate: int, seconds: float) -> list[float]:
    """Latencies from a twin's state publish to the orchestrator's graph."""
    subjects = Subjects(prefix="latency")
    settings = ThreadSettings(nats_url=url, prefix=subjects.prefix)
    samples: list[float] = []
    async with (
        Thread(url, subjects=subjects, name="bench-orchestrator") as thread,
        Orchestrator(thread, settings) as orchestrator,
    ):
        _stamp_on_apply(orchestrator, samples.append)
        await _wait(_publisher(url, "twin", subjects.prefix, rate, seconds))
        await asyncio.sleep(0.5)
    return samples


def _stamp_on_apply(
    orchestrator: Orchestrator, record: Callable[[float], None]
) -> None:
    model = orchestrator.model
    apply = model.apply_state

    def timed(twin_id: str, envelope: Any, data: Any) -> Any:
        admission = apply(twin_id, envelope, data)
        sent = data.get("figures", {}).get("sent_at")
        if sent is not None:
            record(time.monotonic() - sent)
        return admission

    model.apply_state = timed  # type: ignore[method-assign]


async def _wait(process: subprocess.Popen[bytes]) -> None:
    while process.poll() is None:
        await asyncio.sleep(0.1)
    if process.returncode != 0:
        raise RuntimeError(f"publisher exited with {process.returncode}")
