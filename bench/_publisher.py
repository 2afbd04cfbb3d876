"""A publisher process for the latency benchmark: raw nats-py, or a real twin.

python bench/_publisher.py raw|twin URL PREFIX RATE SECONDS
"""

from __future__ import annotations

import asyncio
import sys
import time

import nats
import orjson

from thread import Subjects, Thread
from twins import FactoryState, Manifest, Twin


class Stamper(Twin):
    """A factory twin that only publishes stamped states."""

    kind = "factory"


async def paced(rate: int, seconds: float, send) -> None:  # type: ignore[no-untyped-def]
    """Call ``send(i)`` ``rate`` times a second for ``seconds``, on schedule."""
    started = time.monotonic()
    for i in range(int(rate * seconds)):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await send(i)


async def raw(url: str, rate: int, seconds: float) -> None:
    nc = await nats.connect(url)

    async def send(i: int) -> None:
        await nc.publish(
            "raw.latency", orjson.dumps({"i": i, "sent_at": time.monotonic()})
        )

    await paced(rate, seconds, send)
    await nc.drain()


async def twin(url: str, prefix: str, rate: int, seconds: float) -> None:
    manifest = Manifest(twin_id="plant-bench", kind="factory", display_name="bench")
    async with Thread(url, subjects=Subjects(prefix), name="bench-twin") as thread:
        stamper = Stamper(thread, manifest, heartbeat_interval=1.0)
        joined = asyncio.Event()
        runner = asyncio.create_task(stamper.run(joined), name="plant-bench-run")
        await joined.wait()
        await asyncio.sleep(1.0)  # the orchestrator registers the twin first

        async def send(i: int) -> None:
            figures = {"sent_at": time.monotonic(), "i": float(i)}
            await stamper.publish_state(FactoryState(figures=figures))

        await paced(rate, seconds, send)
        stamper.stop()
        await runner


def main() -> None:
    mode, url, prefix, rate, seconds = sys.argv[1:6]
    match mode:
        case "raw":
            asyncio.run(raw(url, int(rate), float(seconds)))
        case "twin":
            asyncio.run(twin(url, prefix, int(rate), float(seconds)))
        case _:
            sys.exit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
