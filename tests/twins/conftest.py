"""Fixtures of the twin tests: the network of the real data, registered contracts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import schemas
from thread import SchemaRegistry, Subjects, Thread
from twins import SupplyNetwork, load_network


@pytest.fixture(scope="session")
def network() -> SupplyNetwork:
    """The network of the SupplyGraph data shipped in ``data/``."""
    return load_network()


@pytest.fixture
async def registered(nats_url: str, subjects: Subjects) -> None:
    """The contracts of ``schemas/`` registered on the test's server and prefix,
    as the orchestrator registers them when it starts: twins join only then."""
    async with Thread(nats_url, subjects=subjects, name="registrar") as thread:
        await SchemaRegistry(thread).seed_from_files(schemas.SCHEMA_DIR)


@pytest.fixture
async def thread(registered: None, thread: Thread) -> AsyncIterator[Thread]:
    """The test's thread, on which the contracts are registered."""
    yield thread
