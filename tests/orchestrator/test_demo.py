"""The demo end to end: every twin a process, real data, a real server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.console import Console

from orchestrator import EXTERNAL
from orchestrator._demo import DemoOptions, run_demo
from twins import load_network, plant_id, storage_id


def implied_links() -> set[tuple[str, str]]:
    network = load_network()
    return {
        (plant_id(plant), storage_id(storage))
        for plant in network.plants
        for storage in network.supplies(plant)
    }


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_demo_graph_after_january_has_the_nodes_and_links_the_data_implies(
    tmp_path: Path,
) -> None:
    options = DemoOptions(
        speed=20.0,
        end=dt.date(2023, 1, 31),
        status_every=1000,
        log_dir=tmp_path / "logs",
    )
    with (tmp_path / "out.txt").open("w") as out:
        outcome = await run_demo(options, Console(file=out))

    graph = outcome.graph
    supplies = {(u, v) for u, v in graph.edges if graph.nodes[u]["kind"] == "factory"}
    twins = {n for n, kind in graph.nodes(data="kind") if kind != EXTERNAL}
    assert len(outcome.days) == 31
    assert twins == {spec.twin_id for spec in load_network().specs()}
    assert supplies == implied_links()
