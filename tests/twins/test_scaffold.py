"""``twinweave new-twin``: a package that runs as generated and joins the graph."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from orchestrator import Orchestrator
from tests.twins.support import running
from thread import SchemaRegistry, Subjects, Thread
from twins import TwinSettings
from twins.cli import new_twin_app


@pytest.fixture
def coldstore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A coldstore package scaffolded by the command line, importable."""
    result = CliRunner().invoke(new_twin_app, ["coldstore", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [n for n in sys.modules if n.startswith("twinweave_coldstore")]:
        del sys.modules[name]


def package() -> ModuleType:
    return importlib.import_module("twinweave_coldstore")


def test_new_twin_writes_the_contract_twin_pyproject_and_test(coldstore: Path) -> None:
    written = sorted(str(p.relative_to(coldstore)) for p in coldstore.rglob("*.*"))

    assert written == [
        "README.md",
        "pyproject.toml",
        "schemas/coldstore/state.1.0.0.json",
        "tests/test_twin.py",
        "twinweave_coldstore/__init__.py",
        "twinweave_coldstore/_twin.py",
    ]


def test_pyproject_names_the_twin_class_in_the_twins_entry_points(
    coldstore: Path,
) -> None:
    pyproject = (coldstore / "pyproject.toml").read_text()

    assert '[project.entry-points."twinweave.twins"]' in pyproject
    assert 'coldstore = "twinweave_coldstore:ColdstoreTwin"' in pyproject


async def test_scaffolded_twin_is_admitted_once_registered_and_joins_the_graph(
    coldstore: Path, nats_url: str, subjects: Subjects
) -> None:
    settings = TwinSettings(nats_url=nats_url, prefix=subjects.prefix)
    async with (
        Thread(nats_url, subjects=subjects, name="orchestrator") as own,
        Orchestrator(own, settings) as orchestrator,
        Thread(nats_url, subjects=subjects, name="coldstore-1") as thread,
    ):
        await SchemaRegistry(thread).seed_from_files(coldstore / "schemas")
        twin = package().ColdstoreTwin.create(thread, "coldstore-1", settings)
        async with running(twin):
            await orchestrator.wait_until(
                lambda m: "coldstore-1" in m.graph and m.node("coldstore-1")["figures"]
            )
        graph = orchestrator.graph()

    assert graph.nodes["coldstore-1"]["figures"] == {"days_seen": 0.0}
    assert graph.has_edge("coldstore-1", "distributors")


@pytest.mark.parametrize(
    "kind",
    ["Cold Store", "1cold", "cold--store", "cold_store", "factory", "common"],
    ids=["space", "digit-first", "double-hyphen", "underscore", "built-in", "common"],
)
def test_unusable_kind_gives_one_readable_line(kind: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(new_twin_app, [kind, "--dir", str(tmp_path / "x")])

    assert (result.exit_code, result.stderr.count("\n")) == (2, 1)
    assert result.stderr.startswith("error: KIND: ")


def test_new_twin_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(new_twin_app, ["coldstore", "--dir", str(tmp_path)])

    assert (result.exit_code, result.stderr.strip()) == (
        2,
        f"error: --dir: {tmp_path} exists and is not empty",
    )
