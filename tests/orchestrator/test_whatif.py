"""What-if runs on a fork of the live state: pure, on a real server, and asked
of the orchestrator and through the command line."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
import pytest
from nats.aio.msg import Msg
from typer.testing import CliRunner, Result

from orchestrator import (
    ExposureReport,
    Fork,
    Orchestrator,
    OrchestratorClient,
    Scenario,
    WhatIfResult,
    what_if,
    what_if_on,
)
from orchestrator.cli import app
from tests.orchestrator.conftest import (
    Connect,
    Plant,
    Store,
    plant_manifest,
    running,
    store_manifest,
)
from thread import ConfigurationError, Thread, ThreadSettings, UnknownTwinError

runner = CliRunner()


def five_node_fork() -> Fork:
    """The network of ``docs/exposure.md`` as the KV buckets would hold it."""

    def relation(target: str, kind: str) -> dict[str, Any]:
        return {"target": target, "kind": kind, "lead_time_days": 1.0}

    return Fork(
        manifests={
            "plant-a": {
                "twin_id": "plant-a",
                "kind": "factory",
                "relations": [relation("store-x", "supplies")],
            },
            "plant-b": {
                "twin_id": "plant-b",
                "kind": "factory",
                "relations": [relation("store-x", "supplies")],
            },
            "store-x": {
                "twin_id": "store-x",
                "kind": "warehouse",
                "relations": [relation("fleet", "stores")],
            },
            "fleet": {
                "twin_id": "fleet",
                "kind": "fleet",
                "relations": [relation("customers", "delivers")],
            },
        },
        states={
            "plant-a": {"day": "2023-03-14", "daily_outflow": {"p": 30.0}},
            "plant-b": {"day": "2023-03-14", "daily_outflow": {"p": 10.0}},
            "store-x": {
                "day": "2023-03-14",
                "stock": {"p": 100.0},
                "daily_outflow": {"p": 40.0},
            },
        },
    )


def stop(node: str = "plant-a", days: int = 5, **extra: Any) -> dict[str, Any]:
    return {
        "name": "stop",
        "start": "2023-03-15",
        "horizon_days": 10,
        "disruptions": [{"type": "node_down", "node": node, "duration_days": days}],
        **extra,
    }


def test_a_what_if_starts_the_day_after_the_latest_state() -> None:
    result = what_if_on(five_node_fork(), Scenario.from_data(stop()))

    assert (result.fork_day, result.first_day, result.days) == (
        "2023-03-14",
        "2023-03-15",
        10,
    )


def test_a_what_if_compares_the_store_with_its_baseline() -> None:
    store = what_if_on(five_node_fork(), Scenario.from_data(stop())).node("store-x")

    assert store is not None
    assert store.scenario.stockout_date == "2023-03-19"
    assert (store.scenario.fill_rate, store.scenario.volume_short) == (0.875, 50.0)
    assert (store.baseline.fill_rate, store.baseline.stockout_day) == (1.0, None)


def test_a_later_start_moves_the_stop_within_the_run() -> None:
    scenario = Scenario.from_data(stop(start="2023-03-17"))

    result = what_if_on(five_node_fork(), scenario, days=12)

    store = result.node("store-x")
    assert store is not None and store.scenario.stockout_date == "2023-03-21"


def test_the_ends_add_up_what_the_customers_miss() -> None:
    result = what_if_on(five_node_fork(), Scenario.from_data(stop()))

    assert (result.ends.extra_short, result.ends.scenario.stockout_day) == (50.0, 6)


def test_a_what_if_naming_a_node_not_in_the_fork_is_refused() -> None:
    with pytest.raises(UnknownTwinError, match="plant-z"):
        what_if_on(five_node_fork(), Scenario.from_data(stop("plant-z")))


def test_a_result_reads_back_from_its_dict() -> None:
    result = what_if_on(five_node_fork(), Scenario.from_data(stop()))

    assert WhatIfResult.from_dict(result.as_dict()) == result


async def live_network(connect: Connect) -> None:
    """A plant and a store that joined, published their state and left."""
    plant = Plant(await connect("plant-1"), plant_manifest("plant-1", "storage-1"))
    store = Store(await connect("storage-1"), store_manifest())
    async with running(plant), running(store):
        await plant.report("2024-01-01", produced=100)
        await store.report("2024-01-01", {"p1": 30.0}, {"p1": 10.0})


async def revisions(thread: Thread) -> dict[str, int]:
    found = {}
    for name, bucket in [("registry", thread.registry), ("state", thread.state_store)]:
        for key in await bucket.keys():
            found[f"{name}.{key}"] = (await bucket.get(key)).revision
    return found


async def test_a_what_if_leaves_the_live_kv_and_subjects_untouched(
    connect: Connect, thread: Thread
) -> None:
    await live_network(connect)
    before = await revisions(thread)
    heard: list[str] = []

    async def hear(msg: Msg) -> None:
        heard.append(msg.subject)

    await thread.subscribe_raw(f"{thread.subjects.prefix}.>", hear)
    result = await what_if(thread, Scenario.from_data(stop("plant-1", days=3)))
    await thread.nc.flush()

    assert result.node("storage-1") is not None
    assert (heard, await revisions(thread)) == ([], before)


@pytest.fixture
async def network(orchestrator: Orchestrator, connect: Connect) -> None:
    await live_network(connect)
    await orchestrator.wait_until(
        lambda m: "storage-1" in m.graph and bool(m.node("storage-1")["stock"])
    )


async def test_the_orchestrator_answers_exposure_propagate_and_whatif(
    network: None, thread: Thread
) -> None:
    client = OrchestratorClient(thread)
    body = {"scenario": stop("plant-1", days=3)}

    ranked = ExposureReport.from_dict(await client.ask("exposure"))
    spread = await client.ask("propagate", body)
    forward = await client.ask("whatif", {**body, "days": 4})

    assert [n.node_id for n in ranked.nodes] == ["plant-1", "storage-1"]
    assert (spread["scenario"], forward["days"]) == ("stop", 4)


@pytest.mark.parametrize(
    ("query", "body", "error"),
    [
        pytest.param(
            "propagate", {"scenario": stop("plant-9")}, UnknownTwinError, id="unknown"
        ),
        pytest.param(
            "whatif", {"scenario": {"name": "x"}}, ConfigurationError, id="bad"
        ),
        pytest.param("exposure", {"ttr_default": "long"}, ConfigurationError, id="ttr"),
    ],
)
async def test_a_bad_analysis_query_raises_the_same_error_at_the_client(
    network: None, thread: Thread, query: str, body: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        await OrchestratorClient(thread).ask(query, body)


async def twinweave(*args: str) -> Result:
    return await asyncio.to_thread(
        runner.invoke, app, list(args), env={"COLUMNS": "200"}
    )


def on(settings: ThreadSettings) -> list[str]:
    return ["--nats-url", settings.nats_url, "--prefix", settings.prefix]


def scenario_file(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "plan.json"
    path.write_bytes(orjson.dumps(data))
    return str(path)


async def test_the_cli_shows_exposure_impact_and_whatif_of_a_scenario(
    network: None, settings: ThreadSettings, tmp_path: Path
) -> None:
    plan = scenario_file(tmp_path, stop("plant-1", days=3))

    ranked = await twinweave("exposure", *on(settings))
    spread = await twinweave("impact", "--scenario", plan, "--json", *on(settings))
    forward = await twinweave("whatif", plan, *on(settings))

    assert [r.exit_code for r in (ranked, spread, forward)] == [0, 0, 0]
    assert "storage-1" in ranked.stdout and "What-if stop" in forward.stdout
    assert orjson.loads(spread.stdout)["scenario"] == "stop"


async def test_a_malformed_scenario_file_is_one_line_naming_the_field(
    tmp_path: Path,
) -> None:
    bad = stop()
    bad["disruptions"][0]["duration_days"] = 0

    result = await twinweave("whatif", scenario_file(tmp_path, bad))

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'plan.json'}: disruptions[0].duration_days:"
        " Input should be greater than or equal to 1"
    ]


async def test_scenarios_are_saved_listed_and_shown(tmp_path: Path) -> None:
    folder = ["--dir", str(tmp_path / "saved")]

    saved = await twinweave(
        "scenario", "save", scenario_file(tmp_path, stop()), *folder
    )
    listed = await twinweave("scenario", "list", *folder)
    shown = await twinweave("scenario", "show", "stop", "--json", *folder)

    assert saved.exit_code == 0, saved.output
    assert listed.stdout == "stop\n"
    assert Scenario.from_text(shown.stdout) == Scenario.from_data(stop())
