"""Publish-to-subscribe throughput: raw nats-py against the thread's validated path."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import nats
import orjson
from nats.aio.msg import Msg
from pydantic import BaseModel

from thread import (
    Channel,
    Contracts,
    Envelope,
    Message,
    ModelContract,
    SchemaRef,
    Subjects,
    Thread,
)

REF = SchemaRef("bench", "state", "1.0.0")


class Reading(BaseModel):
    """A small state update, about the size of a warehouse's key figures."""

    day: str
    figures: dict[str, float]
    stock: dict[str, float]


def sample(i: int) -> Reading:
    return Reading(
        day="2023-03-01",
        figures={"stock": 1200.0 + i, "days_of_cover": 6.5, "released_today": 80.0},
        stock={"SOS001L12P": 400.0, "SOS500M24P": 300.0, "POP015K": 500.0 + i},
    )


async def raw_throughput(url: str, count: int) -> float:
    """Messages per second from plain nats-py publish to a plain subscriber."""
    nc = await nats.connect(url)
    done = asyncio.Event()
    seen = 0
    payloads = [orjson.dumps(sample(i).model_dump()) for i in range(count)]

    async def on_msg(msg: Msg) -> None:
        nonlocal seen
        orjson.loads(msg.data)
        seen += 1
        if seen == count:
            done.set()

    await nc.subscribe("bench.raw", cb=on_msg, pending_msgs_limit=count + 1)
    await nc.flush()
    started = time.perf_counter()
    for payload in payloads:
        await nc.publish("bench.raw", payload)
    await asyncio.wait_for(done.wait(), 120)
    elapsed = time.perf_counter() - started
    await nc.close()
    return count / elapsed


async def thread_throughput(url: str, count: int) -> tuple[float, dict[str, Any]]:
    """Messages per second from envelope publish to a validating consumer."""
    subjects = Subjects(prefix="benchthread")
    done = asyncio.Event()
    async with Thread(url, subjects=subjects, name="bench") as thread:
        subject = subjects.twin("bench", "b1", Channel.STATE)
        seen = 0

        async def handle(message: Message) -> None:
            nonlocal seen
            seen += 1
            if seen == count:
                done.set()

        receiver = await thread.subscribe(
            subject, handle, Contracts([ModelContract(REF, Reading)])
        )
        await thread.nc.flush()
        updates = [sample(i) for i in range(count)]
        started = time.perf_counter()
        for i, update in enumerate(updates, start=1):
            envelope = Envelope(
                source="/twins/bench/b1",
                type=REF.event_type,
                dataschema=REF.urn,
                subject="b1",
                sequence=i,
            )
            await thread.publish(subject, envelope, update)
        await asyncio.wait_for(done.wait(), 120)
        elapsed = time.perf_counter() - started
        return count / elapsed, receiver.stats.as_dict()
