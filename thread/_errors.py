"""The one error tree of twinweave, shared by the thread, twins and orchestrator.

::

    TwinweaveError
    ├── ConfigurationError (ValueError)        a setting or argument is not usable
    ├── SubjectError (ValueError)              a subject or subject token is malformed
    ├── EnvelopeError (ValueError)             not a valid CloudEvents envelope
    ├── ContractError (ValueError)             data does not satisfy its schema contract
    │   ├── UnknownContractError (LookupError) no contract is known for a type/version
    │   └── MigrationError                     old data cannot become the version read
    ├── EncodingError (ValueError)             a value cannot go on the wire unchanged
    ├── UnsupportedSchemaError (ValueError)    schema rules cannot reason about a part
    ├── SchemaRejectedError (ValueError)       a contract cannot be registered
    │   ├── SchemaVersionError                 its version is taken, or not the newest
    │   └── SchemaIncompatibleError            it breaks its subject's mode
    ├── UnknownTwinError (LookupError)         no twin has that id
    ├── TwinRefusedError                       a joining twin's contracts are not
    │                                          registered, or not compatible
    ├── ThreadUnavailableError (ConnectionError) the NATS server cannot be reached
    ├── NoResponderError                       nobody listens on a command subject
    ├── CommandTimeoutError (TimeoutError)     a command got no reply in time
    ├── CommandRejectedError                   a twin answered a command with an error
    ├── ServiceUnavailableError                no thread-wide service answers a query
    ├── QueryRejectedError                     a service answered a query with an error
    ├── TwinsAbsentError (TimeoutError)        fewer twins than awaited came in time
    └── NatsServerError (RuntimeError)         an embedded nats-server failed to start

Third-party errors (nats-py, pydantic) are translated where they enter and chained
with ``from``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thread._compat import Compatibility
    from thread._incompat import Incompatibility
    from thread._schemaref import SchemaRef


class TwinweaveError(Exception):
    """Root of every error twinweave raises on purpose."""


class ConfigurationError(TwinweaveError, ValueError):
    """A setting or command-line argument is not usable."""

    def __init__(self, setting: str, reason: str) -> None:
        self.setting = setting
        self.reason = reason
        super().__init__(f"{setting}: {reason}")


class SubjectError(TwinweaveError, ValueError):
    """A subject, or one token of it, does not follow the subject scheme."""

    def __init__(self, subject: str, reason: str) -> None:
        self.subject = subject
        self.reason = reason
        super().__init__(f"subject {subject!r}: {reason}")


class EnvelopeError(TwinweaveError, ValueError):
    """A message does not carry a valid CloudEvents 1.0 envelope."""

    def __init__(self, reason: str, *, subject: str | None = None) -> None:
        self.reason = reason
        self.subject = subject
        where = f" on {subject}" if subject else ""
        super().__init__(f"invalid envelope{where}: {reason}")


class ContractError(TwinweaveError, ValueError):
    """Message data does not satisfy the schema contract it names."""

    def __init__(self, schema: str, reason: str) -> None:
        self.schema = schema
        self.reason = reason
        super().__init__(f"data does not match {schema}: {reason}")


class UnknownContractError(ContractError, LookupError):
    """No contract is known for the schema a message names."""

    def __init__(self, schema: str) -> None:
        super().__init__(schema, "no such contract is known")


class MigrationError(ContractError):
    """Data of an older contract version cannot be upgraded to the version read.

    ``schema`` is the contract the consumer reads (the target of the upgrade).
    """

    def __init__(
        self,
        schema: str,
        from_version: str,
        to_version: str,
        reason: str | None = None,
    ) -> None:
        self.from_version = from_version
        self.to_version = to_version
        super().__init__(
            schema, reason or f"no migration from {from_version} to {to_version}"
        )


class EncodingError(TwinweaveError, ValueError):
    """A value cannot be written as JSON (or read back) without changing its meaning.

    ``path`` is the JSON pointer of the value inside the message data, ``""`` for
    the data itself.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot put {path or '(root)'} on the wire: {reason}")


class UnsupportedSchemaError(TwinweaveError, ValueError):
    """A schema uses a construct the compatibility rules cannot reason about.

    An unresolvable ``$ref``, say, or ``allOf`` members that disagree. The rules
    report such a schema as incompatible, with this reason, rather than guess.
    """

    def __init__(self, construct: str, reason: str) -> None:
        self.construct = construct
        self.reason = reason
        super().__init__(f"{construct}: {reason}")


class SchemaRejectedError(TwinweaveError, ValueError):
    """A contract document cannot be registered."""

    def __init__(self, ref: SchemaRef, reason: str) -> None:
        self.ref = ref
        self.reason = reason
        super().__init__(f"contract {ref.urn} refused: {reason}")


class SchemaVersionError(SchemaRejectedError):
    """A contract's version is already taken by another document, or is not newer."""


class SchemaIncompatibleError(SchemaRejectedError):
    """A new contract version breaks its subject's compatibility mode."""

    def __init__(
        self,
        ref: SchemaRef,
        mode: Compatibility,
        incompatibilities: Sequence[Incompatibility],
    ) -> None:
        self.mode = mode
        self.incompatibilities = list(incompatibilities)
        listed = "; ".join(str(item) for item in self.incompatibilities)
        super().__init__(ref, f"not {mode} compatible: {listed}")


class UnknownTwinError(TwinweaveError, LookupError):
    """No twin with that id is known to the thread."""

    def __init__(self, twin_id: str, known: list[str] | None = None) -> None:
        self.twin_id = twin_id
        self.known = sorted(known or [])
        hint = ""
        if self.known:
            shown = ", ".join(self.known[:8])
            more = "" if len(self.known) <= 8 else f" and {len(self.known) - 8} more"
            hint = f" (known twins: {shown}{more})"
        super().__init__(f"no twin named {twin_id!r}{hint}")


class TwinRefusedError(TwinweaveError):
    """The thread refuses a joining twin: its contracts are not registered, or differ.

    ``missing`` are contracts the twin publishes that nobody registered;
    ``incompatible`` maps each registered contract the twin's data would break to
    the reasons. ``kind_unknown`` says the twin named no contracts and its kind
    has none registered either.
    """

    def __init__(
        self,
        twin_id: str,
        kind: str,
        *,
        missing: Sequence[SchemaRef] = (),
        incompatible: Mapping[SchemaRef, Sequence[Incompatibility]] | None = None,
        kind_unknown: bool = False,
    ) -> None:
        self.twin_id = twin_id
        self.kind = kind
        self.missing = sorted(missing)
        self.incompatible = dict(sorted((incompatible or {}).items()))
        self.kind_unknown = kind_unknown
        reasons = [
            f"contract {ref.urn} is not registered on the thread; register it with"
            f" twinweave schema register {_contract_file(ref)}"
            for ref in self.missing
        ]
        reasons += [
            f"contract {ref.urn} is registered with another document, which would"
            f" refuse what the twin sends: {'; '.join(str(i) for i in broken)}"
            for ref, broken in self.incompatible.items()
        ]
        if kind_unknown:
            reasons.append(
                f"kind {kind!r} has no contract registered on the thread; register"
                f" its contracts with twinweave schema register"
                f" schemas/{kind}/<message>.<version>.json"
            )
        listed = "; ".join(reasons) or "no reason given"
        super().__init__(f"twin {twin_id!r} ({kind}) refused: {listed}")


def _contract_file(ref: SchemaRef) -> str:
    """Where a contract's file lives: ``schemas/<kind>/<message>.<version>.json``."""
    return f"schemas/{ref.kind}/{ref.message}.{ref.version}.json"


class ThreadUnavailableError(TwinweaveError, ConnectionError):
    """The NATS server behind the thread cannot be reached."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"cannot reach the thread at {url}: {reason}")


class NoResponderError(TwinweaveError):
    """Nobody listens on the subject a command was sent to."""

    def __init__(self, subject: str, twin_id: str | None = None) -> None:
        self.subject = subject
        self.twin_id = twin_id
        who = f"twin {twin_id!r}" if twin_id else "anyone"
        super().__init__(f"no answer from {who}: nothing listens on {subject}")


class CommandTimeoutError(TwinweaveError, TimeoutError):
    """A command reached a listener but no reply came back in time."""

    def __init__(self, subject: str, timeout: float) -> None:
        self.subject = subject
        self.timeout = timeout
        super().__init__(f"no reply on {subject} within {timeout:g} s")


class CommandRejectedError(TwinweaveError):
    """A twin answered a command with an error."""

    def __init__(self, twin_id: str, command: str, reason: str) -> None:
        self.twin_id = twin_id
        self.command = command
        self.reason = reason
        super().__init__(f"twin {twin_id!r} refused {command!r}: {reason}")


class TwinsAbsentError(TwinweaveError, TimeoutError):
    """Fewer twins than awaited sent a heartbeat within the time allowed."""

    def __init__(self, expected: int, seen: list[str], timeout: float) -> None:
        self.expected = expected
        self.seen = sorted(seen)
        self.timeout = timeout
        super().__init__(
            f"only {len(self.seen)} of {expected} twins sent a heartbeat"
            f" within {timeout:g} s"
        )


class ServiceUnavailableError(TwinweaveError):
    """No thread-wide service (the orchestrator, say) answers on its subject."""

    def __init__(self, service: str, subject: str) -> None:
        self.service = service
        self.subject = subject
        super().__init__(
            f"no {service} answers on {subject}; is `twinweave {service}` running"
            " on this server and prefix?"
        )


class QueryRejectedError(TwinweaveError):
    """A thread-wide service answered a query with an error."""

    def __init__(self, service: str, query: str, reason: str) -> None:
        self.service = service
        self.query = query
        self.reason = reason
        super().__init__(f"the {service} refused {query!r}: {reason}")


class NatsServerError(TwinweaveError, RuntimeError):
    """An embedded nats-server could not be started."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"embedded nats-server: {reason}")
