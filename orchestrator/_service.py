"""The orchestrator service: follows the thread into the model and answers queries.

On start it registers the contract files of ``schemas/`` in the schema registry
(whoever starts the thread's services does, never a twin) and reads every
registered contract, then the manifests and last states kept in KV, and follows:

* the registry bucket, for twins joining, changing and leaving;
* every twin's state and heartbeat on core NATS;
* lifecycle changes and events from the event stream, replayed from its first
  message, so that a restarted orchestrator rebuilds the volumes it observed.

A twin whose manifest lists a contract nobody registered is refused
(``_admission``): it stays out of the graph, and ``status`` lists it. A liveness
check marks a twin offline once it has been silent for ``offline_after``
heartbeat intervals, and at once on a beat marked ``leaving``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import networkx as nx
import orjson
from nats.aio.msg import Msg
from nats.js.kv import KeyValue

from orchestrator._admission import Admissions
from orchestrator._export import to_node_link
from orchestrator._exposure import ExposureReport, exposure
from orchestrator._impact import ImpactReport, impact
from orchestrator._intake import ArrivalGuard, kept_value, until_current
from orchestrator._model import NetworkModel
from orchestrator._propagation import PropagationReport, propagate
from orchestrator._protocol import (
    QUERIES,
    answer_envelope,
    body_of,
    error_answer,
    latest_contract,
    number_in,
    ok_answer,
    queries_pattern,
    scenario_in,
)
from orchestrator._scenario import Scenario
from orchestrator._summary import twin_summary
from orchestrator._whatif import WhatIfResult, what_if
from schemas import SCHEMA_DIR, load_contracts
from thread import (
    Channel,
    ConfigurationError,
    ConsumerStats,
    ContractError,
    Contracts,
    Envelope,
    EnvelopeError,
    Message,
    Receiver,
    SchemaRegistry,
    SubjectError,
    Thread,
    ThreadSettings,
    TwinweaveError,
    utcnow,
)

log = logging.getLogger(__name__)


class Orchestrator:
    """Keeps a :class:`NetworkModel` of the thread and answers queries about it.

    Use it as an async context manager (entering starts it, leaving stops it)
    or call :meth:`run`. Give it a thread of its own: its subscriptions end when
    that thread closes.

    Args:
        thread: a connected thread.
        settings: the heartbeat interval and ``offline_after`` to judge liveness.
        contracts: what to validate messages with; ``schemas/`` by default.
            Every contract registered on the thread is added at start.
        seed: the folder of contract files to register at start; None
            registers nothing.
    """

    def __init__(
        self,
        thread: Thread,
        settings: ThreadSettings | None = None,
        *,
        contracts: Contracts | None = None,
        seed: Path | None = SCHEMA_DIR,
    ) -> None:
        self.thread = thread
        self.settings = settings or ThreadSettings()
        self.contracts = contracts or load_contracts()
        self.seed = seed
        self.model = NetworkModel()
        self.admissions = Admissions(SchemaRegistry(thread), self.contracts)
        self._manifest = latest_contract(self.contracts, ["common"], "manifest")
        self._receivers: list[Receiver] = []
        self._kept = ConsumerStats()
        self._changed = asyncio.Condition()
        self._stopping = asyncio.Event()
        self._stack = contextlib.AsyncExitStack()

    @property
    def offline_after_s(self) -> float:
        """Seconds of silence after which a twin counts as offline."""
        return self.settings.offline_after * self.settings.heartbeat_interval

    async def __aenter__(self) -> Self:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stack.aclose()
        log.info("orchestrator stopped")

    async def run(self) -> None:
        """Start, answer until :meth:`stop` is called, then stop."""
        async with self:
            await self.wait_stopped()

    def stop(self) -> None:
        """Ask a running orchestrator to stop (safe from a signal handler)."""
        self._stopping.set()

    async def wait_stopped(self) -> None:
        """Return once :meth:`stop` has been called."""
        await self._stopping.wait()

    async def wait_until(
        self, predicate: Callable[[NetworkModel], bool], timeout: float = 5.0
    ) -> None:
        """Wait until ``predicate(model)`` holds, checked after every change.

        Raises:
            TimeoutError: it does not hold within ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: predicate(self.model))

    # -- answers --------------------------------------------------------------

    def counters(self) -> dict[str, int]:
        """Messages received, how many were stale, duplicates or dead-lettered,
        and how many twins stand refused."""
        stats = [self._kept, *(r.stats for r in self._receivers)]
        return {
            "received": sum(s.received for s in stats),
            "stale": self.model.stale + sum(s.stale for s in stats),
            "duplicates": self.model.duplicates + sum(s.duplicates for s in stats),
            "dead_lettered": sum(s.dead_lettered for s in stats),
            "refused": len(self.admissions.refusals()),
        }

    def status(self) -> dict[str, Any]:
        """Every twin's summary, the refused twins and the counters (the
        ``status`` answer)."""
        return {
            "twins": [twin_summary(self.model, t) for t in self.model.twin_ids()],
            "refused": [r.as_dict() for r in self.admissions.refusals()],
            "counters": self.counters(),
            "offline_after_s": self.offline_after_s,
        }

    def graph(self) -> nx.DiGraph:
        """A copy of the current dependency graph."""
        copy: nx.DiGraph = self.model.graph.copy()
        return copy

    def impact(self, twin_ids: Iterable[str], days: int) -> ImpactReport:
        """What stopping ``twin_ids`` for ``days`` days does downstream."""
        return impact(self.model, twin_ids, days)

    def exposure(
        self, *, ttr_default: float | None = None, scenario: Scenario | None = None
    ) -> ExposureReport:
        """Every node's risk exposure on the current graph (see ``exposure``)."""
        return exposure(self.model.graph, ttr_default=ttr_default, scenario=scenario)

    def propagate(self, scenario: Scenario) -> PropagationReport:
        """How ``scenario`` travels through the current graph over time."""
        return propagate(self.model.graph, scenario)

    async def what_if(
        self, scenario: Scenario, *, days: int | None = None
    ) -> WhatIfResult:
        """``scenario`` run forward on a fork of the live state in KV.

        Publishes nothing and changes no twin.
        """
        return await what_if(self.thread, scenario, days=days, contracts=self.contracts)

    async def ask(self, query: str, body: Any) -> Any:
        """The result of any query, ``whatif`` included (it reads the thread).

        Raises:
            ConfigurationError, UnknownTwinError: as :meth:`answer`.
        """
        if query != "whatif":
            return self.answer(query, body)
        scenario = scenario_in(body, query)
        if scenario is None:
            raise ConfigurationError(query, 'the body must be {"scenario": {...}}')
        days = number_in(body, "days", query, whole=True)
        result = await self.what_if(scenario, days=None if days is None else int(days))
        return result.as_dict()

    def answer(self, query: str, body: Any) -> Any:
        """The result of one query that the model alone answers: ``status``,
        ``graph``, ``impact``, ``exposure`` or ``propagate`` (:meth:`ask` takes
        ``whatif`` too).

        Raises:
            ConfigurationError: the query or its body is not understood.
            UnknownTwinError: the query names an unknown twin.
        """
        match query, body:
            case "exposure", {**fields} if fields.keys() <= {"scenario", "ttr_default"}:
                ttr = number_in(body, "ttr_default", query)
                found = self.exposure(
                    ttr_default=ttr, scenario=scenario_in(body, query)
                )
                return found.as_dict()
            case "exposure", _:
                raise ConfigurationError(
                    query, 'the body may hold "scenario" and "ttr_default" only'
                )
            case "propagate", {"scenario": dict()}:
                scenario = scenario_in(body, query)
                return None if scenario is None else self.propagate(scenario).as_dict()
            case "propagate", _:
                raise ConfigurationError(query, 'the body must be {"scenario": {...}}')
            case "whatif", _:
                raise ConfigurationError(query, "it reads the thread: use ask()")
            case "status", _:
                return self.status()
            case "graph", _:
                return to_node_link(self.model.graph)
            case "impact", {"twins": [*twins], "days": int(days)} if all(
                isinstance(t, str) for t in twins
            ):
                return self.impact(twins, days).as_dict()
            case "impact", _:
                raise ConfigurationError(
                    "impact", 'the body must be {"twins": [ids], "days": N}'
                )
            case _:
                known = ", ".join(QUERIES)
                raise ConfigurationError("query", f"{query!r} is not one of {known}")

    # -- starting -------------------------------------------------------------

    async def _start(self) -> None:
        subjects = self.thread.subjects
        tasks = await self._stack.enter_async_context(asyncio.TaskGroup())
        self._stack.callback(self._stopping.set)
        # Every registered contract is known before any message is read, and
        # followed from then on: a new kind's states validate against nothing else.
        registered = await self.admissions.start(self.seed)
        self._stack.push_async_callback(registered.stop)
        tasks.create_task(
            self.admissions.follow(registered), name="orchestrator-schemas"
        )

        # Live subscriptions first, so that nothing published while the kept
        # values are read is missed; the model's sequence guard sorts them out.
        for channel in (Channel.STATE, Channel.HEARTBEAT):
            self._receivers.append(
                await self.thread.subscribe(
                    subjects.pattern(channel),
                    self._on_live,
                    self.contracts,
                    guard=ArrivalGuard(),
                )
            )
        await self._load_states()
        registry = await self.thread.registry.watchall()
        self._stack.push_async_callback(registry.stop)
        for entry in await until_current(
            registry, self.thread, subjects.registry_bucket
        ):
            await self._on_registry(entry)

        for channel in (Channel.LIFECYCLE, Channel.EVENT):
            self._receivers.append(
                await self.thread.subscribe_durable(
                    subjects.pattern(channel),
                    self._on_stream,
                    self.contracts,
                    guard=ArrivalGuard(),
                    replay=True,
                )
            )
        tasks.create_task(self._follow(registry), name="orchestrator-registry")
        tasks.create_task(self._check_liveness(), name="orchestrator-liveness")
        queries = await self.thread.subscribe_raw(
            queries_pattern(subjects), self._on_query
        )
        self._stack.push_async_callback(queries.unsubscribe)
        log.info("orchestrator answering on %s", queries_pattern(subjects))

    async def _load_states(self) -> None:
        bucket = self.thread.subjects.state_bucket
        async with contextlib.AsyncExitStack() as cleanup:
            watcher = await self.thread.state_store.watchall()
            cleanup.push_async_callback(watcher.stop)
            entries = await until_current(watcher, self.thread, bucket)
        for entry in entries:
            value = kept_value(entry)
            if value is not None:
                await self._on_kept_state(entry.key, value)

    async def _on_kept_state(self, twin_id: str, raw: bytes) -> None:
        self._kept.received += 1
        try:
            envelope, data = Envelope.from_structured(raw)
            checked = self.contracts.validate(envelope.dataschema, orjson.dumps(data))
        except (EnvelopeError, ContractError) as exc:
            await self._reject(
                f"{self.thread.subjects.state_bucket}.{twin_id}", raw, exc
            )
            return
        self.model.apply_state(twin_id, envelope, checked)

    # -- following ------------------------------------------------------------

    async def _follow(self, registry: KeyValue.KeyWatcher) -> None:
        async for entry in registry:
            if entry is not None:
                await self._on_registry(entry)

    async def _on_registry(self, entry: KeyValue.Entry) -> None:
        if kept_value(entry) is None:
            self.admissions.withdraw(entry.key)
            if self.model.unregister(entry.key):
                log.info("twin %s left the registry", entry.key, extra=_on(entry.key))
            await self._notify()
            return

        self._kept.received += 1
        raw = entry.value or b""
        try:
            manifest = self.contracts.validate(self._manifest.urn, raw)
            admitted = await self.admissions.admit(manifest)
        except ContractError as exc:
            await self._reject(
                f"{self.thread.subjects.registry_bucket}.{entry.key}", raw, exc
            )
            return
        if not admitted:
            self.model.refuse(entry.key)
            await self._notify()
            return
        if self.model.register(manifest):
            log.info("twin %s joined", entry.key, extra=_on(entry.key))
        await self._notify()

    async def _on_live(self, message: Message) -> None:
        where = self.thread.subjects.parse(message.subject)
        if self.admissions.is_refused(where.twin_id):
            return
        match where.channel:
            case Channel.STATE:
                self.model.apply_state(where.twin_id, message.envelope, message.data)
            case Channel.HEARTBEAT:
                beat = message.data
                if self.model.heartbeat(
                    where.twin_id,
                    utcnow(),
                    leaving=bool(beat.get("leaving")),
                    phase=beat.get("phase"),
                    kind=where.kind,
                    interval=beat.get("interval_s"),
                ):
                    online = self.model.node(where.twin_id)["online"]
                    log.info(
                        "twin %s is %s",
                        where.twin_id,
                        "online" if online else "offline",
                        extra=_on(where.twin_id),
                    )
            case other:
                raise SubjectError(message.subject, f"no use for {other} here")
        await self._notify()

    async def _on_stream(self, message: Message) -> None:
        where = self.thread.subjects.parse(message.subject)
        if self.admissions.is_refused(where.twin_id):
            return
        match where.channel, message.data:
            case Channel.LIFECYCLE, {"phase": str(phase)}:
                self.model.set_phase(where.twin_id, phase, kind=where.kind)
            case Channel.EVENT, {
                "origin": str(),
                "destination": str(),
                "lines": dict(),
            }:
                self.model.apply_flow(message.data)
            case _:
                # Events other than flows (alerts, say) carry nothing the
                # graph keeps; they stay in the stream for whoever wants them.
                return
        await self._notify()

    async def _check_liveness(self) -> None:
        tick = self.settings.heartbeat_interval / 2
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(tick):
                    await self._stopping.wait()
            silent = self.model.mark_offline_since(
                utcnow(),
                self.offline_after_s,
                missed_beats=self.settings.offline_after,
            )
            for twin_id in silent:
                log.warning(
                    "twin %s missed its heartbeats", twin_id, extra=_on(twin_id)
                )
            if silent:
                await self._notify()

    async def _on_query(self, msg: Msg) -> None:
        query = msg.subject.rsplit(".", 1)[-1]
        request: Envelope | None = None
        try:
            request = Envelope.from_headers(msg.headers, subject=msg.subject)
            answer = ok_answer(await self.ask(query, body_of(msg.data)))
        except TwinweaveError as exc:
            answer = error_answer(exc)
        except Exception as exc:  # a bug must not leave the asker waiting
            log.exception("query %s failed", query)
            answer = error_answer(TwinweaveError(f"internal error: {exc!r}"))
        if msg.reply:
            await self.thread.reply(msg.reply, answer_envelope(request, query), answer)

    async def _reject(self, where: str, raw: bytes, exc: TwinweaveError) -> None:
        code = "envelope" if isinstance(exc, EnvelopeError) else "contract"
        self._kept.dead_lettered += 1
        log.warning("dead-lettered %s: %s", where, exc)
        await self.thread.dead_letter(where, None, raw, code, str(exc))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()


def _on(twin_id: str) -> dict[str, str]:
    return {"twin_id": twin_id}
