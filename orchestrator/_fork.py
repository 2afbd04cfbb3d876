"""A fork of the live state: every manifest and last state, copied out of KV.

Reading a fork only reads the registry and state buckets: nothing is published
and no twin is asked anything, so a what-if run on it leaves the live network
as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import orjson
from nats.js.kv import KeyValue

from orchestrator._intake import kept_value, until_current
from orchestrator._model import NetworkModel, days_of_cover
from orchestrator._protocol import latest_contract
from schemas import load_contracts
from thread import (
    ContractError,
    Contracts,
    Envelope,
    EnvelopeError,
    SchemaRegistry,
    Thread,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fork:
    """A copy of the live network: manifests and last states, by twin id.

    States are the data of each twin's last state (``stock``,
    ``daily_outflow``, ``day``...), as its contract reads it.
    """

    manifests: Mapping[str, Mapping[str, Any]]
    states: Mapping[str, Mapping[str, Any]]

    @property
    def day(self) -> dt.date | None:
        """The latest day any state is of, None if no state has a day."""
        days = [
            dt.date.fromisoformat(str(s["day"]))
            for s in self.states.values()
            if s.get("day")
        ]
        return max(days, default=None)

    def graph(self) -> nx.DiGraph:
        """The network of the fork, with the attributes of the live graph."""
        model = NetworkModel()
        for manifest in self.manifests.values():
            model.register(manifest)
        for twin_id, state in self.states.items():
            if twin_id not in model.graph:
                continue  # a state left behind by a twin no longer registered
            stock = {p: float(q) for p, q in (state.get("stock") or {}).items()}
            outflow = {
                p: float(q) for p, q in (state.get("daily_outflow") or {}).items()
            }
            model.node(twin_id).update(
                day=None if state.get("day") is None else str(state["day"]),
                figures=dict(state.get("figures") or {}),
                stock=stock,
                daily_outflow=outflow,
                days_of_cover=days_of_cover(stock, outflow),
            )
        return model.graph


async def fork_live(thread: Thread, contracts: Contracts | None = None) -> Fork:
    """Copy every manifest and last state out of the thread's KV buckets.

    Entries that do not satisfy their contract are left out (and logged): the
    orchestrator has dead-lettered them already. So are twins that name a
    contract nobody registered: the orchestrator refused them.

    Args:
        contracts: what to validate with; by default the files in ``schemas/``
            and every contract registered on the thread.

    Raises:
        ThreadUnavailableError: a bucket did not answer in time.
    """
    if contracts is None:
        contracts = load_contracts()
        registered = await SchemaRegistry(thread).contracts()
        for ref in registered.refs():
            contracts.add(registered.get(ref.urn))
    subjects = thread.subjects
    manifest_urn = latest_contract(contracts, ["common"], "manifest").urn

    manifests: dict[str, Mapping[str, Any]] = {}
    for key, raw in await _read(thread, thread.registry, subjects.registry_bucket):
        try:
            manifest = contracts.validate(manifest_urn, raw)
        except ContractError as exc:
            log.warning("what-if leaves out the manifest of %s: %s", key, exc)
            continue
        unknown = [u for u in manifest.get("contracts", []) if u not in contracts]
        if unknown:
            log.warning("what-if leaves out %s, refused: %s", key, ", ".join(unknown))
            continue
        manifests[key] = manifest

    states: dict[str, Mapping[str, Any]] = {}
    for key, raw in await _read(thread, thread.state_store, subjects.state_bucket):
        try:
            envelope, data = Envelope.from_structured(raw)
            states[key] = contracts.validate(envelope.dataschema, orjson.dumps(data))
        except (EnvelopeError, ContractError) as exc:
            log.warning("what-if leaves out the state of %s: %s", key, exc)
    return Fork(
        manifests=manifests, states={k: v for k, v in states.items() if k in manifests}
    )


async def _read(thread: Thread, bucket: KeyValue, name: str) -> list[tuple[str, bytes]]:
    async with contextlib.AsyncExitStack() as cleanup:
        watcher = await bucket.watchall()
        cleanup.push_async_callback(watcher.stop)
        entries = await until_current(watcher, thread, name)
    kept = [(entry.key, kept_value(entry)) for entry in entries]
    return [(key, value) for key, value in kept if value is not None]
