"""Reading the thread as it is: an arrival guard, and KV buckets read to the end."""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from nats.js.kv import KeyValue

from thread import Admission, Envelope, SequenceGuard, Thread, ThreadUnavailableError


class ArrivalGuard(SequenceGuard):
    """Admits each message once, by envelope id, whatever its sequence number.

    A restarted twin numbers on from its last kept state (``Twin.run``), so its
    heartbeats, lifecycle changes and events may reuse numbers heard before it
    stopped; ordering them by number would drop them. States keep the number
    check, in :class:`NetworkModel`.
    """

    def __init__(self, remember: int = 4096) -> None:
        super().__init__()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    def admit(self, envelope: Envelope) -> Admission:
        if envelope.id in self._seen:
            return Admission.DUPLICATE
        self._seen[envelope.id] = None
        if len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return Admission.ACCEPT


def kept_value(entry: KeyValue.Entry) -> bytes | None:
    """What a KV entry holds; None when it deletes or purges its key, or is empty."""
    if entry.operation in {"DEL", "PURGE"} or not entry.value:
        return None
    return entry.value


async def until_current(
    watcher: KeyValue.KeyWatcher, thread: Thread, bucket: str
) -> list[KeyValue.Entry]:
    """Every value a KV watcher holds now; it yields None once caught up.

    Raises:
        ThreadUnavailableError: the bucket did not answer within the thread's
            connect timeout.
    """
    entries: list[KeyValue.Entry] = []
    try:
        async with asyncio.timeout(thread.connect_timeout):
            async for entry in watcher:
                if entry is None:
                    break
                entries.append(entry)
    except TimeoutError:
        raise ThreadUnavailableError(
            thread.url, f"bucket {bucket} did not answer in time"
        ) from None
    return entries
