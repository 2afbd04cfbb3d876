"""Writing the built-in contracts to JSON Schema files, as ``schemas/`` holds them."""

from __future__ import annotations

from pathlib import Path

import schemas
from twins._messages import model_contracts


def export_schemas(root: Path = schemas.SCHEMA_DIR) -> list[Path]:
    """Write every built-in contract as ``<root>/<kind>/<message>.<version>.json``.

    Returns the files written, sorted. Existing files are overwritten; files of
    contracts no model has any more are left alone.
    """
    written = []
    for contract in model_contracts():
        path = schemas.schema_path(contract.ref, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(schemas.document(contract.ref, contract.json_schema()))
        written.append(path)
    return sorted(written)
