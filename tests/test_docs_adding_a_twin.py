"""docs/adding-a-twin.md works as written: every command of its console blocks runs.

The commands run in order, in a folder of the test's own, against an embedded
nats-server whose URL replaces the doc's. They run in a virtual environment of
their own that sees this one's packages, so that ``pip install -e .`` installs
the scaffolded package there (offline: without build isolation or
dependencies, which this environment already has) and leaves this one alone.

A command ending in ``&`` runs in the background until the test ends. The lines
under a command are what it prints: each of their words must be in its output,
and a first word ``error:`` means the command fails. A command after a
background one may run before that one is ready, so it is tried again until it
passes or time runs out.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from thread import NatsServer

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-a-twin.md"
DOC_URL = "nats://127.0.0.1:4222"
PATIENCE = 20.0


@dataclass
class Step:
    """One command of the doc, and what it prints."""

    words: list[str]
    background: bool
    expected: list[str] = field(default_factory=list)

    @property
    def fails(self) -> bool:
        return bool(self.expected) and self.expected[0].startswith("error:")

    def passed(self, done: subprocess.CompletedProcess[str]) -> bool:
        output = done.stdout + done.stderr
        printed = all(word in output for line in self.expected for word in line.split())
        return (done.returncode != 0) == self.fails and printed


def doc_steps(text: str) -> list[Step]:
    """The commands of the doc's console blocks, in order."""
    steps: list[Step] = []
    for block in re.findall(r"^```console\n(.*?)^```", text, re.M | re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                command = line.removeprefix("$ ").strip()
                background = command.endswith("&")
                steps.append(Step(shlex.split(command.rstrip("& ")), background))
            elif line.strip():
                steps[-1].expected.append(line)
    return steps


class Shell:
    """Runs the doc's commands in a folder and a virtual environment of its own."""

    def __init__(self, folder: Path, url: str) -> None:
        self.cwd = folder
        self.url = url
        venv = folder / "venv"
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", venv], check=True
        )
        self.python = str(venv / "bin" / "python")
        site = Path(self._site_packages(self.python))
        ours = sysconfig.get_paths()["purelib"]
        (site / "parent.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TWIN")}
        self.env.update(COLUMNS="200", PYTHONDONTWRITEBYTECODE="1")
        self.background: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []

    @staticmethod
    def _site_packages(python: str) -> str:
        code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        return subprocess.check_output([python, "-c", code], text=True).strip()

    def argv(self, words: list[str]) -> list[str]:
        words = [word.replace(DOC_URL, self.url) for word in words]
        match words:
            case ["twinweave", *rest]:
                return [self.python, "-m", "orchestrator", *rest]
            case ["pip", "install", *rest]:
                offline = ["--no-build-isolation", "--no-deps", "-q"]
                return [self.python, "-m", "pip", "install", *offline, *rest]
            case ["pytest", *rest]:
                return [self.python, "-m", "pytest", "-p", "no:cacheprovider", *rest]
            case _:
                raise AssertionError(f"the doc runs a command the test cannot: {words}")

    def run(self, step: Step, patient: bool) -> subprocess.CompletedProcess[str]:
        if step.words[0] == "cd":
            self.cwd = self.cwd / step.words[1]
            return subprocess.CompletedProcess(step.words, 0, "", "")
        if step.background:
            log = (self.cwd / f"background-{len(self.background)}.log").open("wb")
            self._logs.append(log)
            self.background.append(
                subprocess.Popen(
                    self.argv(step.words),
                    cwd=self.cwd,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            return subprocess.CompletedProcess(step.words, 0, "", "")
        deadline = time.monotonic() + (PATIENCE if patient else 0)
        while True:
            done = subprocess.run(
                self.argv(step.words),
                cwd=self.cwd,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            if step.passed(done) or time.monotonic() > deadline:
                return done

    def stop(self) -> None:
        for process in self.background:
            process.terminate()
        for process in self.background:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._logs:
            log.close()


@pytest.fixture
def shell(tmp_path: Path, nats_server: NatsServer) -> Iterator[Shell]:
    """A shell for the doc's commands; its background processes end with it."""
    running = Shell(tmp_path, nats_server.url)
    try:
        yield running
    finally:
        running.stop()


def test_the_doc_has_commands_to_run() -> None:
    assert len(doc_steps(DOC.read_text())) >= 8


def test_every_command_of_the_doc_does_what_the_doc_says(shell: Shell) -> None:
    for step in doc_steps(DOC.read_text()):
        done = shell.run(step, patient=bool(shell.background))
        assert step.passed(done), (
            f"$ {shlex.join(step.words)}\n{done.stdout}{done.stderr}"
        )
