"""Asking over the thread: queries to a running orchestrator, commands to one twin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import orjson
from nats.js.errors import KeyNotFoundError, NoKeysError

from orchestrator._export import from_node_link
from orchestrator._impact import ImpactReport
from orchestrator._protocol import (
    SERVICE,
    latest_contract,
    query_envelope,
    query_subject,
    raise_for_answer,
)
from schemas import load_contracts
from thread import (
    Channel,
    CommandRejectedError,
    Contracts,
    Envelope,
    NoResponderError,
    QueryRejectedError,
    ServiceUnavailableError,
    Thread,
    UnknownTwinError,
    check_token,
)

SOURCE = "/twinweave/cli"


class OrchestratorClient:
    """Asks a running orchestrator about the network.

    Args:
        thread: a connected thread, on the orchestrator's server and prefix.
        timeout: seconds to wait for each answer.
        source: the CloudEvents source of the queries.
    """

    def __init__(
        self, thread: Thread, *, timeout: float = 2.0, source: str = SOURCE
    ) -> None:
        self.thread = thread
        self.timeout = timeout
        self.source = source

    async def ask(self, query: str, body: Mapping[str, Any] | None = None) -> Any:
        """Ask ``query`` and return the result of its answer.

        Raises:
            ServiceUnavailableError: no orchestrator listens.
            CommandTimeoutError: one listens but did not answer in time.
            UnknownTwinError, ConfigurationError, QueryRejectedError: the
                orchestrator answered with that error.
        """
        subject = query_subject(self.thread.subjects, query)
        envelope = query_envelope(query, self.source)
        try:
            reply = await self.thread.request(
                subject, envelope, dict(body or {}), timeout=self.timeout
            )
        except NoResponderError as exc:
            raise ServiceUnavailableError(SERVICE, subject) from exc
        try:
            answer = orjson.loads(reply.data)
        except orjson.JSONDecodeError as exc:
            raise QueryRejectedError(SERVICE, query, "the answer is not JSON") from exc
        return raise_for_answer(query, answer)

    async def status(self) -> dict[str, Any]:
        """Every twin's summary and the orchestrator's counters."""
        result: dict[str, Any] = await self.ask("status")
        return result

    async def graph(self) -> nx.DiGraph:
        """The dependency graph as the orchestrator holds it."""
        return from_node_link(await self.ask("graph"))

    async def impact(self, twin_ids: Iterable[str], days: int) -> ImpactReport:
        """What stopping ``twin_ids`` for ``days`` days does downstream."""
        body = {"twins": list(twin_ids), "days": days}
        return ImpactReport.from_dict(await self.ask("impact", body))


async def twin_kind(
    thread: Thread, twin_id: str, contracts: Contracts | None = None
) -> str:
    """The kind of a registered twin, read from its manifest in the registry.

    Raises:
        UnknownTwinError: no twin with that id is registered.
        ContractError: its manifest does not satisfy the manifest contract.
    """
    contracts = contracts or load_contracts()
    check_token(twin_id, "twin id")
    try:
        entry = await thread.registry.get(twin_id)
    except KeyNotFoundError:
        raise UnknownTwinError(twin_id, await _registered(thread)) from None
    ref = latest_contract(contracts, ["common"], "manifest")
    kind: str = contracts.validate(ref.urn, entry.value or b"")["kind"]
    return kind


async def send_command(
    thread: Thread,
    twin_id: str,
    command: str,
    data: Mapping[str, Any],
    *,
    timeout: float = 2.0,
    contracts: Contracts | None = None,
    source: str = SOURCE,
) -> dict[str, Any]:
    """Send ``command`` to a twin and return the result of its reply.

    The data is checked against the command's contract (the ``common`` one, else
    the twin kind's) before it is sent, and the reply against its own.

    Raises:
        UnknownTwinError: no twin with that id is registered.
        ContractError: ``data`` does not satisfy the command's contract.
        ConfigurationError: no contract is known for the command.
        NoResponderError: the twin is registered but not running.
        CommandTimeoutError: the twin did not reply in time.
        CommandRejectedError: the twin refused the command.
    """
    contracts = contracts or load_contracts()
    kind = await twin_kind(thread, twin_id, contracts)
    ref = latest_contract(
        contracts, ["common", kind], f"command.{check_token(command)}"
    )
    payload = orjson.dumps(dict(data))
    contracts.validate(ref.urn, payload)

    subject = thread.subjects.twin(kind, twin_id, Channel.COMMAND, command)
    envelope = Envelope(
        source=source, type=ref.event_type, dataschema=ref.urn, subject=twin_id
    )
    reply = await thread.request(
        subject, envelope, payload, timeout=timeout, twin_id=twin_id
    )
    answer = contracts.validate(
        Envelope.from_headers(reply.headers, subject=subject).dataschema, reply.data
    )
    if not answer["ok"]:
        raise CommandRejectedError(twin_id, command, answer.get("error") or "no reason")
    result: dict[str, Any] = answer.get("result", {})
    return result


async def _registered(thread: Thread) -> list[str]:
    try:
        keys: list[str] = await thread.registry.keys()
    except NoKeysError:
        return []
    return keys
