#!/usr/bin/env python3
"""Set up twinweave in a local virtual environment, then run the demo or the tests.

    python3 dev.py demo [DEMO OPTIONS]     set up, then run ``twinweave demo``
    python3 dev.py test [PYTEST OPTIONS]   set up, then run the test suite
    python3 dev.py lint                    set up, then ruff format --check, ruff, mypy

Needs only Python 3.11+. The environment lives in ``.venv`` and is brought up to
date whenever ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".twinweave-installed"


def _fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def setup() -> None:
    """Create ``.venv`` and install the project with its test extras, if needed."""
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    print("installing twinweave and its dependencies into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-e", f"{ROOT}[test,dev]"], check=True)
    STAMP.write_text(_fingerprint())


def main(argv: list[str]) -> int:
    """Run one of the commands above; return its exit code."""
    if sys.version_info < (3, 11):  # noqa: UP036 (this file runs before any check)
        print("twinweave needs Python 3.11 or newer", file=sys.stderr)
        return 2
    if not argv or argv[0] not in {"demo", "test", "lint"}:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    setup()
    match command:
        case "demo":
            run = [str(BIN / "twinweave"), "demo", *rest]
        case "test":
            run = [str(PYTHON), "-m", "pytest", *rest]
        case _:
            checks = [
                [str(PYTHON), "-m", "ruff", "format", "--check", "."],
                [str(PYTHON), "-m", "ruff", "check", "."],
                [str(PYTHON), "-m", "mypy", "thread", "twins", "orchestrator"],
            ]
            return max(subprocess.run(c, cwd=ROOT).returncode for c in checks)
    return subprocess.run(run, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
