"""The contracts, as language-neutral JSON Schema (draft 2020-12) files.

One folder per twin kind (``common`` for what every kind shares), one file per
message and version: ``<kind>/<message>.<major>.<minor>.<patch>.json``. Each file
carries its contract URN as ``$id`` and, under ``x-twinweave``, its version and
compatibility mode. Teams writing twins in other languages use the files as
they are; Python consumers load them with :func:`load_contracts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from thread import Contracts, JsonSchemaContract, SchemaRef

SCHEMA_DIR = Path(__file__).resolve().parent
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_path(ref: SchemaRef, root: Path = SCHEMA_DIR) -> Path:
    """Where the file of contract ``ref`` lives under ``root``."""
    return root / ref.kind / f"{ref.message}.{ref.version}.json"


def document(ref: SchemaRef, schema: dict[str, Any], mode: str = "BACKWARD") -> bytes:
    """The file content for a contract: the schema with its URN, version and mode."""
    doc: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": ref.urn,
        "x-twinweave": {
            "kind": ref.kind,
            "message": ref.message,
            "version": ref.version,
            "compatibility": mode,
        },
    }
    doc.update(schema)
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def iter_files(root: Path = SCHEMA_DIR) -> list[Path]:
    """Every contract file under ``root``, sorted."""
    return sorted(root.glob("*/*.json"))


def read(path: Path) -> tuple[SchemaRef, dict[str, Any]]:
    """Read one contract file into its reference and schema."""
    doc = orjson.loads(path.read_bytes())
    return SchemaRef.parse(doc["$id"]), doc


def load_contracts(root: Path = SCHEMA_DIR) -> Contracts:
    """Every contract under ``root``, ready to validate messages."""
    contracts = Contracts()
    for path in iter_files(root):
        ref, doc = read(path)
        contracts.add(JsonSchemaContract(ref, doc))
    return contracts


__all__ = [
    "DIALECT",
    "SCHEMA_DIR",
    "document",
    "iter_files",
    "load_contracts",
    "read",
    "schema_path",
]
