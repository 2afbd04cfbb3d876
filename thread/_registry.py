"""The schema registry: every contract version, kept on the thread in a KV bucket.

Keys are ``<kind>.<message>.<version>`` (``factory.event.issued.1.0.0``); each
subject's compatibility mode is kept beside them under ``_mode.<kind>.<message>``
(a kind never starts with ``_``). Registering a version checks, in order:

1. the document is a JSON Schema 2020-12 document for this reference;
2. the version is new and greater than every registered one (an identical
   document under a registered version is a no-op);
3. the subject's mode holds against the earlier versions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeAlias

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from thread._compat import Compatibility, check
from thread._connection import Thread
from thread._contracts import Contracts, JsonSchemaContract
from thread._errors import (
    ConfigurationError,
    ContractError,
    SchemaIncompatibleError,
    SchemaRejectedError,
    SchemaVersionError,
    UnknownContractError,
)
from thread._incompat import Incompatibility
from thread._schemaref import SchemaRef, semver

log = logging.getLogger(__name__)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_MODE = Compatibility.BACKWARD
_MODE_PREFIX = "_mode."

Document: TypeAlias = dict[str, Any]
Refs: TypeAlias = list[SchemaRef]
# The registry's list() method hides the builtin inside the class body.
Texts: TypeAlias = list[str]


def canonical(schema: Mapping[str, Any]) -> bytes:
    """A document as stored: compact JSON with sorted keys."""
    return orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)


def mode_of(schema: Mapping[str, Any]) -> Compatibility | None:
    """The mode a document asks for in ``x-twinweave.compatibility``, if any."""
    meta = schema.get("x-twinweave")
    if isinstance(meta, Mapping) and isinstance(meta.get("compatibility"), str):
        return Compatibility.parse(meta["compatibility"])
    return None


def admit(
    ref: SchemaRef,
    schema: Mapping[str, Any],
    existing: Mapping[str, Mapping[str, Any]],
    mode: Compatibility,
) -> list[Incompatibility]:
    """Check a new version against the registered ones (``existing`` by version).

    Returns the incompatibilities under ``mode``; an empty list admits it. An
    identical document under a registered version is admitted as it is.

    Raises:
        SchemaRejectedError: the document is not a 2020-12 schema for ``ref``.
        SchemaVersionError: the version is taken by another document, or is
            not greater than every registered version.
    """
    check_document(ref, schema)
    if ref.version in existing:
        if canonical(existing[ref.version]) == canonical(schema):
            return []
        raise SchemaVersionError(
            ref, "this version is registered with another document"
        )
    earlier = sorted(existing, key=semver)
    if earlier and semver(earlier[-1]) >= ref.semver:
        raise SchemaVersionError(
            ref, f"a version must be greater than the latest, {earlier[-1]}"
        )
    return check(mode, schema, [existing[v] for v in earlier])


def check_document(ref: SchemaRef, schema: Mapping[str, Any]) -> None:
    """Refuse a document that is not a JSON Schema 2020-12 contract for ``ref``.

    Raises:
        SchemaRejectedError: with the reason.
    """
    if schema.get("$schema", DIALECT) != DIALECT:
        raise SchemaRejectedError(ref, f"$schema must be {DIALECT}")
    if schema.get("$id", ref.urn) != ref.urn:
        raise SchemaRejectedError(ref, f"its $id is {schema['$id']!r}")
    meta = schema.get("x-twinweave", {})
    for field in ("kind", "message", "version"):
        if field in meta and meta[field] != getattr(ref, field):
            raise SchemaRejectedError(ref, f"x-twinweave.{field} is {meta[field]!r}")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise SchemaRejectedError(ref, f"not a valid schema: {exc.message}") from exc


def read_file(path: Path) -> tuple[SchemaRef, Document]:
    """One contract file: its reference (from ``$id``) and its document.

    Raises:
        ConfigurationError: the file cannot be read, is not JSON, or names no
            contract URN in ``$id``.
    """
    try:
        doc = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise ConfigurationError(str(path), exc.strerror or str(exc)) from exc
    except orjson.JSONDecodeError as exc:
        raise ConfigurationError(str(path), f"not JSON: {exc}") from exc
    urn = doc.get("$id") if isinstance(doc, dict) else None
    try:
        return SchemaRef.parse(urn if isinstance(urn, str) else ""), doc
    except ContractError:
        raise ConfigurationError(str(path), "its $id is not a contract URN") from None


class SchemaRegistry:
    """Every registered contract version, in the thread's schema bucket.

    Args:
        thread: a connected thread.
    """

    def __init__(self, thread: Thread) -> None:
        self.thread = thread

    @property
    def _kv(self) -> KeyValue:
        return self.thread.schema_store

    async def register(
        self,
        ref: SchemaRef,
        schema: Mapping[str, Any],
        mode: Compatibility | None = None,
    ) -> bool:
        """Register a contract version; True if stored, False if already there.

        The subject's mode is set with its first version: ``mode``, else the
        document's ``x-twinweave.compatibility``, else ``BACKWARD``; the
        registry keeps it from then on. A later ``mode`` must be the kept one:
        a registration cannot loosen the rules it is checked under.

        Raises:
            SchemaRejectedError: the document is not a contract for ``ref``, or
                ``mode`` differs from the subject's kept mode.
            SchemaVersionError: the version is taken, or not the greatest.
            SchemaIncompatibleError: it breaks the subject's mode.
        """
        kept = await self.mode(ref.kind, ref.message, default=None)
        if kept is not None and mode is not None and mode != kept:
            raise SchemaRejectedError(
                ref,
                f"{ref.kind}:{ref.message} is kept under {kept}, set with its first"
                f" version; a registration cannot change it to {mode}",
            )
        chosen = kept or mode or mode_of(schema) or DEFAULT_MODE
        existing = await self._documents(ref.kind, ref.message)
        broken = admit(ref, schema, existing, chosen)
        if broken:
            raise SchemaIncompatibleError(ref, chosen, broken)
        if ref.version in existing:
            return False

        try:
            await self._kv.create(_key(ref), canonical(schema))
        except KeyWrongLastSequenceError:
            # Someone registered this version meanwhile: fine if it is the same.
            if canonical(await self.get(ref)) == canonical(schema):
                return False
            raise SchemaVersionError(
                ref, "registered meanwhile with another document"
            ) from None
        if chosen != kept:
            await self._kv.put(_mode_key(ref.kind, ref.message), chosen.value.encode())
        log.info("registered contract %s under %s", ref.urn, chosen)
        return True

    async def mode(
        self, kind: str, message: str, default: Compatibility | None = DEFAULT_MODE
    ) -> Compatibility | None:
        """The compatibility mode of a subject (``default`` if none is kept)."""
        try:
            entry = await self._kv.get(_mode_key(kind, message))
        except KeyNotFoundError:
            return default
        return Compatibility.parse(entry.value.decode()) if entry.value else default

    async def versions(self, kind: str, message: str) -> Texts:
        """The registered versions of a message, oldest first."""
        return sorted(
            (
                r.version
                for r in await self.list()
                if (r.kind, r.message) == (kind, message)
            ),
            key=semver,
        )

    async def get(self, ref: SchemaRef) -> Document:
        """The document registered as ``ref``.

        Raises:
            UnknownContractError: nothing is registered under it.
        """
        try:
            entry = await self._kv.get(_key(ref))
        except KeyNotFoundError:
            raise UnknownContractError(ref.urn) from None
        if entry.value is None:
            raise UnknownContractError(ref.urn)
        doc: Document = orjson.loads(entry.value)
        return doc

    async def latest(self, kind: str, message: str) -> SchemaRef:
        """The latest registered version of a message.

        Raises:
            UnknownContractError: no version of it is registered.
        """
        versions = await self.versions(kind, message)
        if not versions:
            raise UnknownContractError(f"urn:twinweave:schema:{kind}:{message}")
        return SchemaRef(kind, message, versions[-1])

    async def contracts(self) -> Contracts:
        """Every registered version, ready to validate messages by the URN they name."""
        contracts = Contracts()
        for ref in await self.list():
            contracts.add(JsonSchemaContract(ref, await self.get(ref)))
        return contracts

    async def seed_from_files(self, root: Path) -> Refs:
        """Register every ``<kind>/<message>.<version>.json`` file under ``root``.

        Versions go in in semver order; ones already registered are skipped.
        Returns the references newly registered.

        Raises:
            SchemaRejectedError: a file cannot be registered (see :meth:`register`).
        """
        files = [read_file(path) for path in sorted(root.glob("*/*.json"))]
        files.sort(key=lambda item: (item[0].kind, item[0].message, item[0].semver))
        added = [ref for ref, doc in files if await self.register(ref, doc)]
        log.info("seeded %d contracts from %s", len(added), root)
        return added

    async def list(self) -> Refs:
        """Every registered contract version, by kind, message and version."""
        refs = [
            ref for key in await self._keys() if (ref := _parse_key(key)) is not None
        ]
        return sorted(refs, key=lambda r: (r.kind, r.message, r.semver))

    async def _keys(self) -> Texts:
        # The bucket's stream lists its subjects in one answer. nats-py's
        # kv.keys() goes through a watcher that can report no keys at all
        # under load (nats-io/nats.py#842), which would let a version in twice.
        bucket = self.thread.subjects.schema_bucket
        prefix = f"$KV.{bucket}."
        info = await self.thread.js.stream_info(
            f"KV_{bucket}", subjects_filter=f"{prefix}>"
        )
        return [subject[len(prefix) :] for subject in info.state.subjects or {}]

    async def _documents(self, kind: str, message: str) -> dict[str, Document]:
        return {
            version: await self.get(SchemaRef(kind, message, version))
            for version in await self.versions(kind, message)
        }


def _key(ref: SchemaRef) -> str:
    return f"{ref.kind}.{ref.message}.{ref.version}"


def _mode_key(kind: str, message: str) -> str:
    return f"{_MODE_PREFIX}{kind}.{message}"


def _parse_key(key: str) -> SchemaRef | None:
    if key.startswith(_MODE_PREFIX):
        return None
    parts = key.split(".")
    if len(parts) < 5:
        return None
    version = ".".join(parts[-3:])
    try:
        return SchemaRef.parse(
            f"urn:twinweave:schema:{parts[0]}:{'.'.join(parts[1:-3])}:{version}"
        )
    except ValueError:
        return None
