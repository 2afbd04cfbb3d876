"""Writing contracts to JSON Schema files, as ``schemas/`` holds them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel

import schemas
from thread import ModelContract, SchemaRef
from twins._messages import model_contracts


def export_schemas(
    root: Path = schemas.SCHEMA_DIR,
    models: Mapping[SchemaRef, type[BaseModel]] | None = None,
) -> list[Path]:
    """Write contracts as ``<root>/<kind>/<message>.<version>.json``.

    Args:
        root: the folder of contract files.
        models: the contracts to write, with the model of each; every
            built-in contract by default.

    Returns the files written, sorted. Existing files are overwritten; files of
    contracts no model has any more are left alone.
    """
    contracts = (
        model_contracts()
        if models is None
        else [ModelContract(ref, model) for ref, model in models.items()]
    )
    written = []
    for contract in contracts:
        path = schemas.schema_path(contract.ref, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(schemas.document(contract.ref, contract.json_schema()))
        written.append(path)
    return sorted(written)
