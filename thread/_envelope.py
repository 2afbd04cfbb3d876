"""The CloudEvents 1.0 envelope, carried in NATS headers (binary content mode).

The data travels as the message body, JSON encoded with orjson. The envelope's
attributes are headers named ``ce-<attribute>`` as in the CloudEvents NATS
protocol binding, plus four extensions of ours:

* ``ce-twinseq``: the publishing twin's sequence number (an integer);
* ``ce-phase``: the twin's lifecycle phase when it published;
* ``ce-correlationid`` and ``ce-causationid``: which conversation a message is
  part of and which message caused it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from thread._errors import EnvelopeError

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
_REQUIRED = ("id", "source", "type", "specversion")


def utcnow() -> dt.datetime:
    """The current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    """A fresh, unique envelope id."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Envelope:
    """The CloudEvents attributes of one message.

    Attributes:
        id: unique per source; also the JetStream de-duplication id.
        source: URI reference of the publisher, e.g. ``/twins/factory/plant-1903``.
        type: reverse-DNS event type, e.g. ``io.twinweave.factory.state``.
        dataschema: URI of the contract the data follows, with its version.
        subject: the twin the message is about.
        sequence: the publishing twin's sequence number.
        phase: the publishing twin's lifecycle phase.
    """

    source: str
    type: str
    id: str = field(default_factory=new_id)
    time: dt.datetime = field(default_factory=utcnow)
    dataschema: str | None = None
    subject: str | None = None
    sequence: int | None = None
    phase: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None

    def to_headers(self) -> dict[str, str]:
        """The envelope as NATS headers."""
        headers = {
            "ce-specversion": SPEC_VERSION,
            "ce-id": self.id,
            "ce-source": self.source,
            "ce-type": self.type,
            "ce-time": self.time.isoformat(),
            "content-type": CONTENT_TYPE,
        }
        optional = {
            "ce-dataschema": self.dataschema,
            "ce-subject": self.subject,
            "ce-twinseq": None if self.sequence is None else str(self.sequence),
            "ce-phase": self.phase,
            "ce-correlationid": self.correlation_id,
            "ce-causationid": self.causation_id,
        }
        headers.update({k: v for k, v in optional.items() if v is not None})
        return headers

    @classmethod
    def from_headers(
        cls, headers: Mapping[str, str] | None, *, subject: str | None = None
    ) -> Envelope:
        """Read an envelope from NATS headers.

        Raises:
            EnvelopeError: a required attribute is missing or malformed.
        """
        if not headers:
            raise EnvelopeError("no ce-* headers", subject=subject)
        get = headers.get
        id_, source, type_ = get("ce-id"), get("ce-source"), get("ce-type")
        # The common case, kept free of per-attribute calls: it runs once for
        # every message the thread receives. Anything odd takes the slow path,
        # which says exactly what is wrong.
        if id_ and source and type_ and get("ce-specversion") == SPEC_VERSION:
            time = get("ce-time")
            sequence = get("ce-twinseq")
            return cls(
                id=id_,
                source=source,
                type=type_,
                time=utcnow() if time is None else _parse_time(time, subject),
                dataschema=get("ce-dataschema"),
                subject=get("ce-subject"),
                sequence=_parse_sequence(sequence, subject),
                phase=get("ce-phase"),
                correlation_id=get("ce-correlationid"),
                causation_id=get("ce-causationid"),
            )
        return cls._from_attributes(
            lambda name: headers.get(f"ce-{name}"), subject=subject
        )

    def to_structured(self, data: Any) -> bytes:
        """The envelope and its data as one JSON document (structured mode)."""
        doc: dict[str, Any] = {
            k.removeprefix("ce-"): v
            for k, v in self.to_headers().items()
            if k.startswith("ce-")
        }
        doc["datacontenttype"] = CONTENT_TYPE
        doc["data"] = data
        return orjson.dumps(doc)

    @classmethod
    def from_structured(cls, raw: bytes) -> tuple[Envelope, Any]:
        """Read a structured-mode JSON document back into envelope and data."""
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise EnvelopeError(f"not JSON: {exc}") from exc
        if not isinstance(doc, dict):
            raise EnvelopeError("a structured event must be a JSON object")
        envelope = cls._from_attributes(
            lambda name: None if doc.get(name) is None else str(doc[name])
        )
        return envelope, doc.get("data")

    def caused(self, source: str, type: str, **changes: Any) -> Envelope:
        """A new envelope for a message caused by this one (keeps the correlation)."""
        return Envelope(
            source=source,
            type=type,
            correlation_id=self.correlation_id or self.id,
            causation_id=self.id,
            **changes,
        )

    def with_sequence(self, sequence: int) -> Envelope:
        """A copy of this envelope with another sequence number."""
        return replace(self, sequence=sequence)

    @classmethod
    def _from_attributes(cls, get: Any, *, subject: str | None = None) -> Envelope:
        missing = [name for name in _REQUIRED if not get(name)]
        if missing:
            names = ", ".join(f"ce-{m}" for m in missing)
            raise EnvelopeError(f"missing {names}", subject=subject)
        if get("specversion") != SPEC_VERSION:
            raise EnvelopeError(
                f"ce-specversion {get('specversion')!r} is not {SPEC_VERSION}",
                subject=subject,
            )
        return cls(
            id=get("id"),
            source=get("source"),
            type=get("type"),
            time=_parse_time(get("time"), subject),
            dataschema=get("dataschema"),
            subject=get("subject"),
            sequence=_parse_sequence(get("twinseq"), subject),
            phase=get("phase"),
            correlation_id=get("correlationid"),
            causation_id=get("causationid"),
        )


def _parse_time(value: str | None, subject: str | None) -> dt.datetime:
    if value is None:
        return utcnow()
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise EnvelopeError(
            f"ce-time {value!r} is not RFC 3339", subject=subject
        ) from None
    if parsed.tzinfo is None:
        raise EnvelopeError(f"ce-time {value!r} has no UTC offset", subject=subject)
    return parsed


def _parse_sequence(value: str | None, subject: str | None) -> int | None:
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise EnvelopeError(
            f"ce-twinseq {value!r} is not a whole number", subject=subject
        )
    return int(value)
