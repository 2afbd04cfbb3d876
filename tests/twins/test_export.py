"""The contract files in ``schemas/`` are exactly what the models generate."""

from __future__ import annotations

from pathlib import Path

import schemas
from twins import export_schemas


def test_schema_files_equal_what_the_models_generate(tmp_path: Path) -> None:
    generated = {
        path.relative_to(tmp_path): path.read_bytes()
        for path in export_schemas(tmp_path)
    }
    kept = {
        path.relative_to(schemas.SCHEMA_DIR): path.read_bytes()
        for path in schemas.iter_files()
    }
    assert generated == kept
