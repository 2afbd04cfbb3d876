"""Child processes the demo starts and must stop: twins, the clock, their logs."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from thread import ConfigurationError

log = logging.getLogger(__name__)


def twin_command(*args: str) -> list[str]:
    """The command line that runs ``twinweave twin ARGS`` in a light process.

    ``python -m twins`` loads the twin SDK alone, not the orchestrator: a twin
    process stays small.
    """
    return [sys.executable, "-m", "twins", *args]


def list_twins(env: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Every twin the built-in kinds would run, as (kind, id), from ``twin list``.

    Asking the command line keeps the orchestrator free of twin code.

    Raises:
        ConfigurationError: the twin group is missing or refuses its data.
    """
    done = subprocess.run(
        twin_command("list"),
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else None,
        check=False,
    )
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise ConfigurationError("twin list", reason[0])
    pairs = [line.split() for line in done.stdout.splitlines() if line.strip()]
    return [(kind, twin_id) for kind, twin_id in pairs]


class ProcessGroup:
    """Starts named child processes and stops every one of them on exit.

    Children write their output to ``<log_dir>/<name>.log``. Leaving the block,
    normally or through an exception or Ctrl-C, sends SIGTERM to each child
    still running, waits up to ``grace`` seconds, then kills what is left.
    """

    def __init__(self, log_dir: Path, env: Mapping[str, str], grace: float = 10.0):
        self.log_dir = log_dir
        self.env = dict(env)
        self.grace = grace
        self._children: dict[str, tuple[subprocess.Popen[bytes], IO[bytes]]] = {}

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        """Start ``command`` as the child ``name``."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        output = (self.log_dir / f"{name}.log").open("wb")
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=self.env,
        )
        self._children[name] = (child, output)
        return child

    def running(self) -> list[str]:
        """Names of the children still running."""
        return [n for n, (c, _) in self._children.items() if c.poll() is None]

    def failed(self) -> dict[str, int]:
        """Children that ended with a non-zero exit code, and their codes."""
        return {
            name: child.returncode
            for name, (child, _) in self._children.items()
            if child.poll() is not None and child.returncode not in (0, -signal.SIGTERM)
        }

    def stop_all(self) -> None:
        """Stop every child: SIGTERM, a grace period, then SIGKILL."""
        for child, _ in self._children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for name, (child, output) in self._children.items():
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", name)
                child.kill()
                child.wait()
            output.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_all()


def child_env(nats_url: str, prefix: str, heartbeat: float) -> dict[str, str]:
    """The environment of a child: ours, with the thread's settings in it."""
    env = dict(os.environ)
    env.update(
        {
            "TWINWEAVE_NATS_URL": nats_url,
            "TWINWEAVE_PREFIX": prefix,
            "TWINWEAVE_HEARTBEAT_INTERVAL": str(heartbeat),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env
