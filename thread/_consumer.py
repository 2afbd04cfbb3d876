"""Receiving side of the thread: decode, validate, order, de-duplicate, dead-letter.

Every message a consumer takes goes through the same steps:

1. read the CloudEvents envelope from the headers;
2. validate the data against the contract ``ce-dataschema`` names;
3. compare the twin's sequence number with the last one applied for the same
   source and type, dropping duplicates and anything older;
4. hand the message to the handler.

A message that fails step 1 or 2 is published to the dead-letter subject with its
reason and original bytes (under the reason code ``envelope``, ``contract``, or
``migration`` for older data with no way to the version read); the consumer goes
on with the next one.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from thread._contracts import Contracts
from thread._envelope import Envelope
from thread._errors import ContractError, EnvelopeError, MigrationError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Message:
    """A validated message: where it came in, its envelope and its checked data."""

    subject: str
    envelope: Envelope
    data: Any
    raw: bytes
    reply: str | None = None


Handler = Callable[[Message], Awaitable[None]]


class Admission(enum.Enum):
    """What the sequence guard decided about one message."""

    ACCEPT = "accept"
    DUPLICATE = "duplicate"
    STALE = "stale"


class SequenceGuard:
    """Keeps the last sequence number applied per (source, type).

    Numbers are compared per source *and* type because a twin's messages on
    different channels travel different paths (core NATS, JetStream) and may
    interleave on arrival; within one channel they arrive in publish order.
    """

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], int] = {}

    def admit(self, envelope: Envelope) -> Admission:
        """Decide whether a message is new, a duplicate, or older than one applied."""
        if envelope.sequence is None:
            return Admission.ACCEPT
        key = (envelope.source, envelope.type)
        last = self._last.get(key)
        if last is not None and envelope.sequence == last:
            return Admission.DUPLICATE
        if last is not None and envelope.sequence < last:
            return Admission.STALE
        self._last[key] = envelope.sequence
        return Admission.ACCEPT

    def last(self, source: str, type: str) -> int | None:
        """The last sequence number applied for ``source`` and ``type``."""
        return self._last.get((source, type))


@dataclass(slots=True)
class ConsumerStats:
    """Counts of what one consumer did with what it received."""

    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    stale: int = 0
    dead_lettered: int = 0
    handler_errors: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        """The counters, without the per-reason breakdown."""
        return {
            "received": self.received,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "stale": self.stale,
            "dead_lettered": self.dead_lettered,
            "handler_errors": self.handler_errors,
        }


DeadLetterSink = Callable[
    [str, dict[str, str] | None, bytes, str, str], Awaitable[None]
]


class Receiver:
    """Runs the receive steps for one subscription and counts what happened."""

    def __init__(
        self,
        handler: Handler,
        contracts: Contracts,
        dead_letter: DeadLetterSink,
        *,
        guard: SequenceGuard | None = None,
    ) -> None:
        self.handler = handler
        self.contracts = contracts
        self.guard = guard if guard is not None else SequenceGuard()
        self.stats = ConsumerStats()
        self._dead_letter = dead_letter

    async def receive(
        self,
        subject: str,
        headers: dict[str, str] | None,
        raw: bytes,
        reply: str | None = None,
    ) -> bool:
        """Take one raw message; return True if the handler got it."""
        self.stats.received += 1
        try:
            envelope = Envelope.from_headers(headers, subject=subject)
            data = self.contracts.validate(envelope.dataschema, raw)
        except EnvelopeError as exc:
            await self._reject(subject, headers, raw, "envelope", exc.reason)
            return False
        except MigrationError as exc:
            await self._reject(subject, headers, raw, "migration", str(exc))
            return False
        except ContractError as exc:
            await self._reject(subject, headers, raw, "contract", str(exc))
            return False

        match self.guard.admit(envelope):
            case Admission.DUPLICATE:
                self.stats.duplicates += 1
                log.debug("dropped duplicate %s seq %s", subject, envelope.sequence)
                return False
            case Admission.STALE:
                self.stats.stale += 1
                log.debug("dropped stale %s seq %s", subject, envelope.sequence)
                return False
            case Admission.ACCEPT:
                pass

        message = Message(subject, envelope, data, raw, reply)
        try:
            await self.handler(message)
        except Exception as exc:  # a handler bug must not stop the subscription
            self.stats.handler_errors += 1
            log.exception("handler failed on %s", subject)
            await self._reject(subject, headers, raw, "handler", repr(exc))
            return False
        self.stats.accepted += 1
        return True

    async def _reject(
        self,
        subject: str,
        headers: dict[str, str] | None,
        raw: bytes,
        code: str,
        reason: str,
    ) -> None:
        self.stats.dead_lettered += 1
        self.stats.reasons[code] = self.stats.reasons.get(code, 0) + 1
        log.warning("dead-lettered a message on %s: %s", subject, reason)
        await self._dead_letter(subject, headers, raw, code, reason)
