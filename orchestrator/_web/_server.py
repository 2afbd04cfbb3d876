"""The dashboard served over HTTP by uvicorn, beside a running orchestrator."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from types import TracebackType
from typing import Self

import uvicorn

from orchestrator._scenario_store import ScenarioStore
from orchestrator._service import Orchestrator
from orchestrator._web._app import create_app
from thread import ConfigurationError

log = logging.getLogger(__name__)

_STARTUP_S = 10.0
_DRAIN_S = 5


class _Uvicorn(uvicorn.Server):
    """uvicorn that tells when it listens and leaves the signals to its owner."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn would take SIGINT and SIGTERM for itself and raise them again
        # once it stops, killing the process before the orchestrator and the
        # thread close behind it; the owner stops it instead.
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()


class Dashboard:
    """The dashboard and its API, served by uvicorn on the orchestrator's event loop.

    Use it as an async context manager: entering binds the port and serves,
    leaving closes the event streams and stops serving.

    Args:
        orchestrator: a running orchestrator.
        host: the address to listen on.
        port: the port to listen on; 0 picks a free one (see :attr:`url`).
        scenarios: where scenarios are saved; the default folder if None.
        interval: seconds between two batches of changes on an event stream.
    """

    def __init__(
        self,
        orchestrator: Orchestrator,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        scenarios: ScenarioStore | None = None,
        interval: float = 0.5,
    ) -> None:
        self.orchestrator = orchestrator
        self.scenarios = scenarios
        self.host = host
        self.port = port
        self.interval = interval
        self._closing = asyncio.Event()
        self._stopping = asyncio.Event()
        self._server: _Uvicorn | None = None
        self._stack = contextlib.AsyncExitStack()

    @property
    def url(self) -> str:
        """The dashboard's address, with the port actually bound."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def __aenter__(self) -> Self:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stack.aclose()
        log.info("dashboard stopped")

    def stop(self) -> None:
        """Ask a serving dashboard to stop (safe from a signal handler)."""
        self._stopping.set()

    async def wait_stopped(self) -> None:
        """Return once :meth:`stop` has been called."""
        await self._stopping.wait()

    async def _start(self) -> None:
        listener = _listen(self.host, self.port)
        self._stack.callback(listener.close)
        self.port = listener.getsockname()[1]

        app = create_app(
            self.orchestrator,
            scenarios=self.scenarios,
            closing=self._closing,
            interval=self.interval,
        )
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=_DRAIN_S,
        )
        server = self._server = _Uvicorn(config)
        tasks = await self._stack.enter_async_context(asyncio.TaskGroup())
        # Runs before the task group waits for uvicorn: open event streams
        # end first, so that uvicorn has no connection left to wait for.
        self._stack.callback(self._shut)
        tasks.create_task(server.serve(sockets=[listener]), name="dashboard-http")
        async with asyncio.timeout(_STARTUP_S):
            await server.listening.wait()
        log.info("dashboard on %s", self.url)

    def _shut(self) -> None:
        self._stopping.set()
        self._closing.set()
        if self._server is not None:
            self._server.should_exit = True


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
    except OSError as exc:
        listener.close()
        raise ConfigurationError(
            "--host/--port", f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from exc
    return listener
