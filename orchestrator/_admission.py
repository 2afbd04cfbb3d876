"""Admission: which twins the orchestrator takes into the graph, and which it refuses.

A twin is taken in only if every contract its manifest lists is registered on
the thread (a manifest listing none needs its kind to have one). Every
registered contract is read from the schema bucket as it is registered, so that
a kind outside ``schemas/`` joins through its registered contract alone, and
its first state validates. A refused twin stays out of the graph until it puts
its manifest again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from nats.js.kv import KeyValue

from orchestrator._intake import kept_value, until_current
from thread import (
    ContractError,
    Contracts,
    JsonSchemaContract,
    SchemaRef,
    SchemaRegistry,
    TwinRefusedError,
    admit_twin,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A twin the orchestrator refused, and why (one readable line)."""

    twin_id: str
    kind: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """The refusal as the ``status`` answer lists it."""
        return {"id": self.twin_id, "kind": self.kind, "reason": self.reason}


class Admissions:
    """Checks manifests against the schema registry and keeps the refusals.

    Args:
        registry: the thread's schema registry.
        contracts: the lookup the orchestrator validates with; every contract
            registered on the thread is added to it.
    """

    def __init__(self, registry: SchemaRegistry, contracts: Contracts) -> None:
        self.registry = registry
        self.contracts = contracts
        self._refused: dict[str, Refusal] = {}

    async def start(self, seed: Path | None) -> KeyValue.KeyWatcher:
        """Register the contract files under ``seed``, then read every contract.

        Returns the watcher of the schema bucket, for :meth:`follow`; the
        caller stops it.

        Raises:
            SchemaRejectedError: a file cannot be registered.
            ThreadUnavailableError: the schema bucket did not answer in time.
        """
        if seed is not None:
            await self.registry.seed_from_files(seed)
        thread = self.registry.thread
        watcher = await thread.schema_store.watchall()
        async with contextlib.AsyncExitStack() as on_failure:
            on_failure.push_async_callback(watcher.stop)
            bucket = thread.subjects.schema_bucket
            current = await until_current(watcher, thread, bucket)
            on_failure.pop_all()
        for entry in current:
            self._on_schema(entry)
        return watcher

    async def follow(self, watcher: KeyValue.KeyWatcher) -> None:
        """Learn every contract registered from now on."""
        async for entry in watcher:
            if entry is not None:
                self._on_schema(entry)

    async def admit(self, manifest: Mapping[str, Any]) -> bool:
        """True if the twin of ``manifest`` may join; a refusal is kept and logged.

        Raises:
            ContractError: the manifest lists something that is not a contract URN.
        """
        twin_id: str = manifest["twin_id"]
        try:
            found = await admit_twin(
                self.registry, twin_id, manifest["kind"], manifest.get("contracts", [])
            )
        except TwinRefusedError as exc:
            self._refused[twin_id] = Refusal(twin_id, exc.kind, str(exc))
            log.warning("%s", exc, extra={"twin_id": twin_id})
            return False
        self._refused.pop(twin_id, None)
        self._learn(found)
        return True

    def withdraw(self, twin_id: str) -> None:
        """Forget a refusal: the twin took its manifest back."""
        self._refused.pop(twin_id, None)

    def is_refused(self, twin_id: str) -> bool:
        """True while ``twin_id`` stands refused."""
        return twin_id in self._refused

    def refusals(self) -> list[Refusal]:
        """Every twin standing refused, by id."""
        return [self._refused[twin_id] for twin_id in sorted(self._refused)]

    def _learn(self, documents: Mapping[SchemaRef, Mapping[str, Any]]) -> None:
        for ref, document in documents.items():
            if ref.urn not in self.contracts:
                self.contracts.add(JsonSchemaContract(ref, document))

    def _on_schema(self, entry: KeyValue.Entry) -> None:
        value = kept_value(entry)
        ref = _ref_of_key(entry.key)
        if value is not None and ref is not None:
            self._learn({ref: orjson.loads(value)})


def _ref_of_key(key: str) -> SchemaRef | None:
    """The contract a schema bucket key names (``<kind>.<message>.<x.y.z>``).

    The bucket also keeps each message's mode, under keys starting with ``_``.
    """
    parts = key.split(".")
    if key.startswith("_") or len(parts) < 5:
        return None
    kind, message, version = parts[0], ".".join(parts[1:-3]), ".".join(parts[-3:])
    try:
        return SchemaRef.parse(f"urn:twinweave:schema:{kind}:{message}:{version}")
    except ContractError:
        return None
