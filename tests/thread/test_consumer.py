"""Receiving on a real server: ordering, duplicates and the dead-letter path."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from thread import (
    ORIGINAL_SUBJECT_HEADER,
    REASON_HEADER,
    Contracts,
    Envelope,
    Message,
    ModelContract,
    SchemaRef,
    Thread,
)

REF = SchemaRef("probe", "state", "1.0.0")


class Level(BaseModel):
    level: int


def envelope(sequence: int) -> Envelope:
    return Envelope(
        source="/twins/probe/p1",
        type=REF.event_type,
        dataschema=REF.urn,
        sequence=sequence,
    )


class Collector:
    def __init__(self, expected: int) -> None:
        self.items: list[Message] = []
        self.expected = expected
        self.done = asyncio.Event()

    async def __call__(self, message: Message) -> None:
        self.items.append(message)
        if len(self.items) >= self.expected:
            self.done.set()


async def subscribe(thread: Thread, collector: Collector):  # type: ignore[no-untyped-def]
    subject = thread.subjects.twin(
        "probe",
        "p1",
        thread.subjects.parse(f"{thread.subjects.prefix}.probe.p1.state").channel,
    )
    contracts = Contracts([ModelContract(REF, Level)])
    return subject, await thread.subscribe(subject, collector, contracts)


async def test_stale_update_does_not_overwrite_newer_state(thread: Thread) -> None:
    collector = Collector(expected=2)
    subject, receiver = await subscribe(thread, collector)

    await thread.publish(subject, envelope(2), Level(level=20))
    await thread.publish(subject, envelope(1), Level(level=10))
    await thread.publish(subject, envelope(3), Level(level=30))
    await asyncio.wait_for(collector.done.wait(), 5)

    assert [m.data.level for m in collector.items] == [20, 30]
    assert receiver.stats.stale == 1


async def test_duplicate_is_dropped_and_counted(thread: Thread) -> None:
    collector = Collector(expected=2)
    subject, receiver = await subscribe(thread, collector)

    first = envelope(1)
    await thread.publish(subject, first, Level(level=1))
    await thread.publish(subject, first, Level(level=1))
    await thread.publish(subject, envelope(2), Level(level=2))
    await asyncio.wait_for(collector.done.wait(), 5)

    assert (receiver.stats.accepted, receiver.stats.duplicates) == (2, 1)


async def test_broken_messages_reach_dead_letter_while_valid_ones_all_arrive(
    thread: Thread,
) -> None:
    valid_count, broken = 50, 0
    collector = Collector(expected=valid_count)
    subject, receiver = await subscribe(thread, collector)
    letters: list[tuple[str, str, bytes]] = []
    all_letters = asyncio.Event()

    async def on_letter(msg) -> None:  # type: ignore[no-untyped-def]
        letters.append(
            (msg.headers[REASON_HEADER], msg.headers[ORIGINAL_SUBJECT_HEADER], msg.data)
        )
        if len(letters) == broken:
            all_letters.set()

    await thread.subscribe_raw(thread.subjects.deadletter(), on_letter)
    for seq in range(1, valid_count + 1):
        await thread.publish(subject, envelope(seq), Level(level=seq))
        if seq % 10 == 0:
            await thread.nc.publish(subject, b'{"level": 1}')  # no envelope
            await thread.publish(subject, envelope(1000 + seq), b'{"level": "x"}')
            await thread.publish(subject, envelope(2000 + seq), b"not json")
            broken += 3
    await asyncio.wait_for(collector.done.wait(), 5)
    await asyncio.wait_for(all_letters.wait(), 5)

    assert len(collector.items) == valid_count
    assert receiver.stats.dead_lettered == broken == len(letters)
