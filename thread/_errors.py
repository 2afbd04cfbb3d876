"""The one error tree of twinweave, shared by the thread, twins and orchestrator.

::

    TwinweaveError
    ├── ConfigurationError (ValueError)        a setting or argument is not usable
    ├── SubjectError (ValueError)              a subject or subject token is malformed
    ├── EnvelopeError (ValueError)             not a valid CloudEvents envelope
    ├── ContractError (ValueError)             data does not satisfy its schema contract
    │   └── UnknownContractError (LookupError) no contract is known for a type/version
    ├── UnknownTwinError (LookupError)         no twin has that id
    ├── ThreadUnavailableError (ConnectionError) the NATS server cannot be reached
    ├── NoResponderError                       nobody listens on a command subject
    ├── CommandTimeoutError (TimeoutError)     a command got no reply in time
    ├── CommandRejectedError                   a twin answered a command with an error
    └── NatsServerError (RuntimeError)         an embedded nats-server failed to start

Third-party errors (nats-py, pydantic) are translated where they enter and chained
with ``from``.
"""

from __future__ import annotations


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


class NatsServerError(TwinweaveError, RuntimeError):
    """An embedded nats-server could not be started."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"embedded nats-server: {reason}")
