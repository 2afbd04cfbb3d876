"""The twin SDK: what every twin does, whatever its kind.

A twin has an id, a kind and a manifest. Once :meth:`Twin.run` starts it:

* is admitted only if every contract its manifest lists is registered on the
  thread, and reads what the twin writes (it never registers them itself);
* resumes its sequence number and state from the state bucket;
* registers its manifest in the registry bucket;
* answers commands on ``<prefix>.<kind>.<id>.command.<name>``;
* follows the replay clock, if its kind acts on simulated days;
* sends a heartbeat every few seconds, and a last one marked ``leaving``
  when it shuts down gracefully.

Subclasses set ``kind`` (and, for a kind outside the built-ins, its
``contract_models``), add command handlers with :meth:`Twin.on_command` and
override the hooks :meth:`Twin.start`, :meth:`Twin.restore` and
:meth:`Twin.on_day`. ``twinweave twin run KIND --id ID`` builds a twin through
:meth:`Twin.create` and lists a kind's twins with :meth:`Twin.twin_ids`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from nats.aio.msg import Msg
from pydantic import BaseModel

from thread import (
    Channel,
    ContractError,
    Contracts,
    Envelope,
    EnvelopeError,
    Message,
    ModelContract,
    SchemaRef,
    SchemaRegistry,
    Thread,
    admit_twin,
)
from twins._messages import (
    CONTRACTS,
    ClockDay,
    CommandReply,
    Heartbeat,
    LifecycleChange,
    Manifest,
    NodeState,
    Phase,
    model_contracts,
)
from twins._settings import TwinSettings

log = logging.getLogger(__name__)

CommandHandler = Callable[[Any, Envelope], Awaitable[dict[str, object]]]


class CommandFailed(Exception):
    """Raised by a command handler to refuse a command with a reason."""


@dataclass(frozen=True, slots=True)
class _Command:
    ref: SchemaRef
    handler: CommandHandler


class Twin:
    """Base class of every twin.

    Attributes:
        kind: the kind's name, a subject token (``factory``).
        contract_models: the contracts of a kind outside the built-ins, with
            the pydantic model each one's data is written from (the built-in
            kinds' are in ``CONTRACTS``). ``export_schemas(root, models)``
            writes their files, as ``twinweave schema register`` takes them.

    Args:
        thread: a connected thread.
        manifest: who this twin is; its ``kind`` must match the class's. When
            it lists no contracts, :meth:`published_refs` are filled in.
        heartbeat_interval: seconds between heartbeats.
    """

    kind: ClassVar[str] = "twin"
    contract_models: ClassVar[Mapping[SchemaRef, type[BaseModel]]] = {}

    def __init__(
        self, thread: Thread, manifest: Manifest, *, heartbeat_interval: float = 1.0
    ) -> None:
        if manifest.kind != self.kind:
            raise ValueError(f"manifest kind {manifest.kind!r} is not {self.kind!r}")
        if not manifest.contracts:
            urns = [ref.urn for ref in self.published_refs()]
            manifest = manifest.model_copy(update={"contracts": urns})
        self.thread = thread
        self.manifest = manifest
        self.heartbeat_interval = heartbeat_interval
        self.phase = Phase.COMMISSIONED
        self.contracts = Contracts(
            [
                *model_contracts(),
                *(ModelContract(r, m) for r, m in self.contract_models.items()),
            ]
        )
        self._sequence = 0
        self._started = time.monotonic()
        self._stopping = asyncio.Event()
        self._commands: dict[str, _Command] = {}
        self._log = logging.LoggerAdapter(log, {"twin_id": manifest.twin_id})

    # -- the kind -------------------------------------------------------------

    @classmethod
    def create(cls, thread: Thread, twin_id: str, settings: TwinSettings) -> Self:
        """One twin of this kind, as ``twinweave twin run KIND --id ID`` starts it.

        This default names the twin after its id and declares no relations;
        kinds built on data override it.

        Raises:
            ConfigurationError: the settings or data cannot make this twin.
            UnknownTwinError: the kind has no twin ``twin_id``.
        """
        manifest = Manifest(twin_id=twin_id, kind=cls.kind, display_name=twin_id)
        return cls(thread, manifest, heartbeat_interval=settings.heartbeat_interval)

    @classmethod
    def twin_ids(cls, settings: TwinSettings) -> list[str]:
        """The twins of this kind its data implies; empty when any id will do.

        Raises:
            ConfigurationError: the data cannot be read.
        """
        return []

    @classmethod
    def known_models(cls) -> dict[SchemaRef, type[BaseModel]]:
        """Every contract a twin of this kind knows, built-in and its own."""
        return {**CONTRACTS, **cls.contract_models}

    @classmethod
    def ref_of(cls, kind: str, message: str) -> SchemaRef:
        """The latest known version of contract ``kind:message``.

        Raises:
            KeyError: no such contract is known.
        """
        known = cls.known_models()
        found = [ref for ref in known if (ref.kind, ref.message) == (kind, message)]
        if not found:
            raise KeyError(f"{kind}:{message}")
        return max(found, key=lambda ref: ref.semver)

    @classmethod
    def published_refs(cls) -> list[SchemaRef]:
        """What twins of this kind publish: the latest version of each of the
        kind's contracts but its commands (which are sent to them), sorted."""
        messages = {
            ref.message
            for ref in cls.known_models()
            if ref.kind == cls.kind and not ref.message.startswith("command.")
        }
        return sorted(cls.ref_of(cls.kind, message) for message in messages)

    # -- who it is ------------------------------------------------------------

    @property
    def twin_id(self) -> str:
        """This twin's id, unique on the thread."""
        return self.manifest.twin_id

    @property
    def source(self) -> str:
        """The CloudEvents source of everything this twin publishes."""
        return f"/twins/{self.kind}/{self.twin_id}"

    @property
    def sequence(self) -> int:
        """The sequence number of the last message this twin published."""
        return self._sequence

    # -- hooks for subclasses -------------------------------------------------

    async def start(self) -> None:
        """Subscribe to what this kind listens to; called once when joining."""

    def restore(self, state: dict[str, Any]) -> None:
        """Take back the last-known state kept in KV, after a restart."""

    async def on_day(self, day: ClockDay) -> None:
        """Act on a new simulated day from the replay clock."""

    # -- publishing -------------------------------------------------------------

    def envelope(self, ref: SchemaRef, cause: Envelope | None = None) -> Envelope:
        """A new envelope from this twin, with the next sequence number."""
        self._sequence += 1
        fields: dict[str, Any] = {
            "dataschema": ref.urn,
            "subject": self.twin_id,
            "sequence": self._sequence,
            "phase": str(self.phase),
        }
        if cause is not None:
            return cause.caused(self.source, ref.event_type, **fields)
        return Envelope(source=self.source, type=ref.event_type, **fields)

    def subject(self, channel: Channel, name: str | None = None) -> str:
        """One of this twin's subjects."""
        return self.thread.subjects.twin(self.kind, self.twin_id, channel, name)

    async def publish_state(self, state: NodeState) -> None:
        """Publish ``state`` live and keep it as the last-known state in KV."""
        envelope = self.envelope(self.ref_of(self.kind, "state"))
        await self.thread.publish(self.subject(Channel.STATE), envelope, state)
        await self.thread.put_state(self.twin_id, envelope, state)

    async def publish_event(
        self, name: str, data: BaseModel, cause: Envelope | None = None
    ) -> None:
        """Publish a durable event ``name`` into the event stream."""
        envelope = self.envelope(self.ref_of(self.kind, f"event.{name}"), cause)
        await self.thread.publish_durable(
            self.subject(Channel.EVENT, name), envelope, data
        )

    async def set_phase(self, phase: Phase, reason: str = "") -> None:
        """Move to another lifecycle phase and announce it."""
        change = LifecycleChange(
            twin_id=self.twin_id, previous=self.phase, phase=phase, reason=reason
        )
        self.phase = phase
        envelope = self.envelope(self.ref_of("common", "lifecycle"))
        await self.thread.publish_durable(
            self.subject(Channel.LIFECYCLE), envelope, change
        )
        self._log.info("%s is now %s", self.twin_id, phase)

    # -- commands -------------------------------------------------------------

    def on_command(self, name: str, handler: CommandHandler, kind: str = "") -> None:
        """Answer command ``name`` with ``handler``.

        The command's contract is ``<kind>:command.<name>``, where ``kind``
        defaults to ``common`` when it has a common contract, else to this kind.
        """
        candidates = [kind] if kind else ["common", self.kind]
        for owner in candidates:
            try:
                ref = self.ref_of(owner, f"command.{name}")
            except KeyError:
                continue
            self._commands[name] = _Command(ref, handler)
            return
        raise KeyError(f"no contract for command {name!r}")

    async def _on_command_msg(self, msg: Msg) -> None:
        name = msg.subject.rsplit(".", 1)[-1]
        try:
            envelope = Envelope.from_headers(msg.headers, subject=msg.subject)
            command = self._commands.get(name)
            if command is None:
                raise ContractError(f"command.{name}", "this twin has no such command")
            data = self.contracts.validate(envelope.dataschema, msg.data)
            if envelope.dataschema != command.ref.urn:
                raise ContractError(
                    envelope.dataschema or "(none)", f"expected {command.ref.urn}"
                )
        except (EnvelopeError, ContractError) as exc:
            code = "envelope" if isinstance(exc, EnvelopeError) else "contract"
            await self.thread.dead_letter(
                msg.subject, msg.headers, msg.data, code, str(exc)
            )
            await self._reply(msg, None, CommandReply(ok=False, error=str(exc)))
            return

        try:
            result = await command.handler(data, envelope)
            reply = CommandReply(ok=True, result=result)
        except CommandFailed as exc:
            reply = CommandReply(ok=False, error=str(exc))
        self._log.info("%s handled command %s (ok=%s)", self.twin_id, name, reply.ok)
        await self._reply(msg, envelope, reply)

    async def _reply(
        self, msg: Msg, cause: Envelope | None, reply: CommandReply
    ) -> None:
        if msg.reply:
            envelope = self.envelope(self.ref_of("common", "command.reply"), cause)
            await self.thread.reply(msg.reply, envelope, reply)

    # -- running --------------------------------------------------------------

    async def run(
        self, joined: asyncio.Event | None = None, *, contract_wait: float = 0.0
    ) -> None:
        """Join the thread and run until :meth:`stop` is called.

        Args:
            joined: set once the twin is registered and answering commands.
            contract_wait: seconds to wait for contracts not registered yet
                before the twin is refused.

        Raises:
            TwinRefusedError: a contract the manifest lists is not registered
                on the thread, or is registered with a document that would
                refuse what this twin sends.
        """
        await admit_twin(
            SchemaRegistry(self.thread),
            self.twin_id,
            self.kind,
            self.manifest.contracts,
            self._own_documents(),
            wait=contract_wait,
        )
        await self._take_back_kept_state()

        await self.thread.registry.put(
            self.twin_id, self.manifest.model_dump_json().encode()
        )
        await self.thread.subscribe_raw(
            self.thread.subjects.pattern(
                Channel.COMMAND, kind=self.kind, twin_id=self.twin_id
            ),
            self._on_command_msg,
        )
        await self.thread.subscribe(
            self.thread.subjects.clock, self._on_clock, self.contracts
        )
        await self.start()
        if self.phase is Phase.COMMISSIONED:
            # start() may have resumed another phase, a stop kept in KV say.
            await self.set_phase(Phase.OPERATING, "joined the thread")
        if joined is not None:
            joined.set()

        async with asyncio.TaskGroup() as tasks:
            beat = tasks.create_task(self._beat_forever(), name=f"{self.twin_id}-beat")
            await self._stopping.wait()
            beat.cancel()
        await self._beat(leaving=True)

    async def _take_back_kept_state(self) -> None:
        """Take back the kept state, and number on after everything sent before.

        Numbering starts from the wall clock in microseconds, or after the kept
        state's number if that is later: a twin whose kept state was lost or
        unreadable still numbers after what it published before, so consumers
        do not drop its news as stale.
        """
        self._sequence = time.time_ns() // 1000
        try:
            kept = await self.thread.get_state(self.twin_id)
            if kept is not None:
                envelope, state = kept
                self.restore(state)
                self._sequence = max(self._sequence, envelope.sequence or 0)
                self._log.info("%s resumed its kept state", self.twin_id)
        except (EnvelopeError, ValueError, KeyError, TypeError) as exc:
            bucket = self.thread.subjects.state_bucket
            self._log.warning(
                "%s: kept state (bucket %s, key %s) is unreadable, starting afresh: %s",
                self.twin_id,
                bucket,
                self.twin_id,
                exc,
            )

    def stop(self) -> None:
        """Ask :meth:`run` to finish: a last heartbeat, then return."""
        self._stopping.set()

    def _own_documents(self) -> dict[str, dict[str, Any]]:
        models = self.known_models()
        return {
            ref.urn: ModelContract(ref, models[ref]).json_schema()
            for ref in (SchemaRef.parse(urn) for urn in self.manifest.contracts)
            if ref in models
        }

    async def _on_clock(self, message: Message) -> None:
        await self.on_day(message.data)

    async def _beat_forever(self) -> None:
        while True:
            await self._beat()
            await asyncio.sleep(self.heartbeat_interval)

    async def _beat(self, *, leaving: bool = False) -> None:
        beat = Heartbeat(
            twin_id=self.twin_id,
            phase=self.phase,
            uptime_s=round(time.monotonic() - self._started, 3),
            leaving=leaving,
            interval_s=self.heartbeat_interval,
        )
        envelope = self.envelope(self.ref_of("common", "heartbeat"))
        await self.thread.publish(self.subject(Channel.HEARTBEAT), envelope, beat)
