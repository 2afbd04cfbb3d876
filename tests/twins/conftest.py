"""Fixtures of the twin tests: the network of the real data."""

from __future__ import annotations

import pytest

from twins import SupplyNetwork, load_network


@pytest.fixture(scope="session")
def network() -> SupplyNetwork:
    """The network of the SupplyGraph data shipped in ``data/``."""
    return load_network()
