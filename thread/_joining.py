"""Admission: may a twin join the thread with the contracts it publishes?

A twin joins only if every contract its manifest names is registered in the
schema registry and, when the twin brings its own documents, each registered
one reads everything the twin writes. Whoever starts the thread's services
(the orchestrator, the demo) registers the built-in contracts; a twin never
registers its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from thread._errors import TwinRefusedError, UnknownContractError
from thread._incompat import Incompatibility
from thread._registry import Document, SchemaRegistry
from thread._schemaref import SchemaRef
from thread._subset import can_read

log = logging.getLogger(__name__)

# How often a twin waiting for its contracts asks the registry again.
_POLL_SECONDS = 0.25


async def admit_twin(
    registry: SchemaRegistry,
    twin_id: str,
    kind: str,
    urns: Iterable[str],
    own: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    wait: float = 0.0,
) -> dict[SchemaRef, Document]:
    """The registered documents of the contracts a joining twin publishes.

    Args:
        registry: the thread's schema registry.
        twin_id: the joining twin, for the error.
        kind: its kind. With no ``urns``, every registered contract of the
            kind is the twin's, and the kind must have one.
        urns: the contract URNs its manifest lists.
        own: the twin's own documents by URN, checked against the registered
            ones: each registered document must read what the twin writes.
        wait: seconds to wait for missing contracts. Services started beside
            the twin (the orchestrator of a compose file, say) may register
            the built-in contracts a moment after the twin starts. A
            registered document that differs is not waited for: it will not
            change.

    Raises:
        TwinRefusedError: a contract is missing or incompatible, or the kind
            has none.
        ContractError: a URN is not a contract URN.
    """
    refs = sorted({SchemaRef.parse(urn) for urn in urns})
    try:
        return await _check(registry, twin_id, kind, refs, own or {})
    except TwinRefusedError as exc:
        if wait <= 0 or exc.incompatible:
            raise
        log.warning(
            "%s waits up to %g s for its contracts: %s",
            twin_id,
            wait,
            exc,
            extra={"twin_id": twin_id},
        )
        refused = exc

    try:
        async with asyncio.timeout(wait):
            while True:
                await asyncio.sleep(_POLL_SECONDS)
                try:
                    return await _check(registry, twin_id, kind, refs, own or {})
                except TwinRefusedError as exc:
                    if exc.incompatible:
                        raise
                    refused = exc
    except TimeoutError:
        raise refused from None


async def _check(
    registry: SchemaRegistry,
    twin_id: str,
    kind: str,
    refs: list[SchemaRef],
    own: Mapping[str, Mapping[str, Any]],
) -> dict[SchemaRef, Document]:
    if not refs:
        refs = [ref for ref in await registry.list() if ref.kind == kind]
        if not refs:
            raise TwinRefusedError(twin_id, kind, kind_unknown=True)

    found: dict[SchemaRef, Document] = {}
    missing: list[SchemaRef] = []
    for ref in refs:
        try:
            found[ref] = await registry.get(ref)
        except UnknownContractError:
            missing.append(ref)

    broken: dict[SchemaRef, list[Incompatibility]] = {}
    for ref, registered in found.items():
        written = own.get(ref.urn)
        if written is None:
            continue
        if reasons := can_read(registered, written, reader_is_newer=False):
            broken[ref] = reasons
    if missing or broken:
        raise TwinRefusedError(twin_id, kind, missing=missing, incompatible=broken)
    return found
