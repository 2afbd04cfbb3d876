"""The one place that builds and parses subject names on the thread.

Every subject starts with a prefix (``tw`` by default) so that several threads, or
several tests, can share one server without hearing each other::

    tw.<kind>.<twin>.state                 last-known state, also kept in KV
    tw.<kind>.<twin>.event.<name>          durable events, kept in a JetStream stream
    tw.<kind>.<twin>.telemetry.<name>      fast, best-effort readings
    tw.<kind>.<twin>.command.<name>        request/reply commands to one twin
    tw.<kind>.<twin>.lifecycle             phase changes, kept in the event stream
    tw.<kind>.<twin>.heartbeat             liveness, every few seconds
    tw.clock.day                           the replay clock's simulated days
    tw.deadletter.<reason>                 messages that failed validation
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from thread._errors import SubjectError

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Channel(enum.StrEnum):
    """What a message on a twin's subject is for."""

    STATE = "state"
    EVENT = "event"
    TELEMETRY = "telemetry"
    COMMAND = "command"
    LIFECYCLE = "lifecycle"
    HEARTBEAT = "heartbeat"


_NAMED = frozenset({Channel.EVENT, Channel.TELEMETRY, Channel.COMMAND})


def check_token(token: str, what: str = "token") -> str:
    """Return ``token`` if it can be one subject token, else raise ``SubjectError``."""
    if not _TOKEN.match(token):
        raise SubjectError(token, f"a {what} must be 1-64 letters, digits, '-' or '_'")
    return token


@dataclass(frozen=True, slots=True)
class TwinSubject:
    """A subject on one twin's part of the thread, parsed into its parts."""

    kind: str
    twin_id: str
    channel: Channel
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Subjects:
    """Builds and parses every subject under one prefix."""

    prefix: str = "tw"

    def __post_init__(self) -> None:
        check_token(self.prefix, "prefix")

    def twin(
        self, kind: str, twin_id: str, channel: Channel, name: str | None = None
    ) -> str:
        """Build the subject of one twin's channel, e.g. ``tw.factory.p1.event.x``."""
        check_token(kind, "kind")
        check_token(twin_id, "twin id")
        if channel in _NAMED:
            if name is None:
                raise SubjectError(f"{kind}.{twin_id}.{channel}", "needs a name")
            return f"{self.prefix}.{kind}.{twin_id}.{channel}.{check_token(name)}"
        if name is not None:
            raise SubjectError(f"{kind}.{twin_id}.{channel}", "takes no name")
        return f"{self.prefix}.{kind}.{twin_id}.{channel}"

    def pattern(
        self,
        channel: Channel,
        *,
        kind: str | None = None,
        twin_id: str | None = None,
        name: str | None = None,
    ) -> str:
        """Build a wildcard subject; parts left out match anything."""
        parts = [self.prefix, kind or "*", twin_id or "*", str(channel)]
        if channel in _NAMED:
            parts.append(name or "*")
        return ".".join(parts)

    def parse(self, subject: str) -> TwinSubject:
        """Split a twin subject into kind, twin id, channel and name."""
        parts = subject.split(".")
        if len(parts) not in (4, 5) or parts[0] != self.prefix:
            raise SubjectError(subject, f"not a twin subject under {self.prefix!r}")
        try:
            channel = Channel(parts[3])
        except ValueError:
            raise SubjectError(subject, f"unknown channel {parts[3]!r}") from None
        name = parts[4] if len(parts) == 5 else None
        if (channel in _NAMED) != (name is not None):
            raise SubjectError(subject, f"channel {channel} name mismatch")
        return TwinSubject(parts[1], parts[2], channel, name)

    @property
    def clock(self) -> str:
        """The replay clock's subject."""
        return f"{self.prefix}.clock.day"

    def deadletter(self, reason: str = "*") -> str:
        """The dead-letter subject for one reason code (or, by default, all)."""
        if reason != "*":
            check_token(reason, "reason code")
        return f"{self.prefix}.deadletter.{reason}"

    def service(self, name: str) -> str:
        """The request subject of a thread-wide service, e.g. the orchestrator."""
        return f"{self.prefix}.service.{check_token(name)}"

    # JetStream object names may not contain dots; derive them from the prefix.
    @property
    def event_stream(self) -> str:
        """Name of the JetStream stream holding events and lifecycle changes."""
        return f"{self.prefix.upper()}_EVENTS"

    @property
    def deadletter_stream(self) -> str:
        """Name of the JetStream stream keeping dead letters."""
        return f"{self.prefix.upper()}_DEADLETTER"

    @property
    def state_bucket(self) -> str:
        """Name of the KV bucket with each twin's last-known state."""
        return f"{self.prefix}_state"

    @property
    def registry_bucket(self) -> str:
        """Name of the KV bucket with each twin's manifest."""
        return f"{self.prefix}_registry"

    @property
    def schema_bucket(self) -> str:
        """Name of the KV bucket with every registered schema contract."""
        return f"{self.prefix}_schemas"
