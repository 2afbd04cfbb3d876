"""The command line against a running orchestrator and real test twins.

Commands run in-process through typer's runner, on a worker thread, since each
runs its own event loop; ``twinweave orchestrator`` runs as a real process so
that it can be stopped with a signal.
"""

from __future__ import annotations

import asyncio
import io
import signal
import sys
from pathlib import Path

import networkx as nx
import orjson
import pytest
from typer.testing import CliRunner, Result

from orchestrator import Orchestrator
from orchestrator.cli import app
from tests.orchestrator.conftest import (
    Connect,
    Plant,
    Store,
    plant_manifest,
    running,
    store_manifest,
)
from thread import Subjects, Thread, ThreadSettings, free_port

runner = CliRunner()


async def twinweave(*args: str) -> Result:
    # A wide terminal, so that rich tables do not wrap what the tests look for.
    return await asyncio.to_thread(
        runner.invoke, app, list(args), env={"COLUMNS": "200"}
    )


def on(settings: ThreadSettings) -> list[str]:
    return ["--nats-url", settings.nats_url, "--prefix", settings.prefix]


def one_line_error(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


async def test_status_shows_each_twin_online_with_its_figures(
    orchestrator: Orchestrator, connect: Connect, settings: ThreadSettings
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest())
    async with running(plant):
        await plant.report("2024-01-01", produced=120)
        await orchestrator.wait_until(lambda m: m.node("plant-1")["online"])
        await orchestrator.wait_until(lambda m: m.node("plant-1")["day"] is not None)

        result = await twinweave("status", *on(settings))

    assert result.exit_code == 0, result.output
    assert "plant-1" in result.stdout
    assert "production_today 120" in result.stdout


async def test_status_json_carries_twins_and_counters(
    orchestrator: Orchestrator, settings: ThreadSettings
) -> None:
    result = await twinweave("status", "--json", *on(settings))

    answer = orjson.loads(result.stdout)
    assert (answer["twins"], sorted(answer["counters"])) == (
        [],
        ["dead_lettered", "duplicates", "received", "refused", "stale"],
    )


async def test_graph_as_graphml_file_reads_back_with_the_twins_edges(
    orchestrator: Orchestrator,
    connect: Connect,
    settings: ThreadSettings,
    tmp_path: Path,
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest("plant-1", "storage-1"))
    async with running(plant):
        await orchestrator.wait_until(
            lambda m: m.graph.has_edge("plant-1", "storage-1")
        )
        out = tmp_path / "network.graphml"
        result = await twinweave(
            "graph", "-f", "graphml", "-o", str(out), *on(settings)
        )

    assert result.exit_code == 0, result.output
    assert list(nx.read_graphml(out).edges) == [("plant-1", "storage-1")]


async def test_graph_as_dot_names_every_edge(
    orchestrator: Orchestrator, connect: Connect, settings: ThreadSettings
) -> None:
    store = Store(await connect("storage-1"), store_manifest())
    async with running(store):
        await orchestrator.wait_until(lambda m: "distributors" in m.graph)
        result = await twinweave("graph", "--format", "dot", *on(settings))

    assert '"storage-1" -> "distributors"' in result.stdout


async def test_impact_names_the_storage_the_stopped_plant_feeds(
    orchestrator: Orchestrator, connect: Connect, settings: ThreadSettings
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest("plant-1", "storage-1"))
    store = Store(await connect("storage-1"), store_manifest())
    async with running(plant), running(store):
        await plant.issue("2024-01-01", "storage-1", p1=30)
        await store.report("2024-01-01", {"p1": 90}, {"p1": 30})
        await orchestrator.wait_until(
            lambda m: (
                m.node("storage-1")["days_of_cover"] == 3
                and m.graph.edges["plant-1", "storage-1"]["volume"] == 30
            )
        )

        table = await twinweave("impact", "plant-1", "--days", "7", *on(settings))
        as_json = await twinweave(
            "impact", "plant-1", "-d", "7", "--json", *on(settings)
        )

    # 90 in stock at 30 a day: runs dry on day 3, 30 x (7 - 3) = 120 at risk.
    assert "storage-1" in table.stdout
    hits = orjson.loads(as_json.stdout)["hits"]
    assert [(h["node_id"], h["hit_day"], h["volume_at_risk"]) for h in hits] == [
        ("storage-1", 3, 120.0),
        ("distributors", 3, 120.0),
    ]


async def test_command_stop_reaches_the_twin_and_prints_its_reply(
    connect: Connect, settings: ThreadSettings
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest())
    async with running(plant):
        result = await twinweave(
            "command", "plant-1", "stop", "--days", "4", *on(settings)
        )

    assert (result.exit_code, plant.stopped_days) == (0, 4), result.output
    assert "stopped_days" in result.stdout


async def test_command_resume_lifts_the_stop(
    connect: Connect, settings: ThreadSettings
) -> None:
    plant = Plant(await connect("plant-1"), plant_manifest())
    plant.stopped_days = 4
    async with running(plant):
        result = await twinweave(
            "command", "plant-1", "resume", "--json", *on(settings)
        )

    assert orjson.loads(result.stdout) == {"resumed": True}
    assert plant.stopped_days is None


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["impact", "plant-9", "--days", "3"], id="impact"),
        pytest.param(["command", "plant-9", "stop", "--days", "3"], id="command"),
    ],
)
async def test_unknown_twin_gives_one_readable_line(
    orchestrator: Orchestrator, settings: ThreadSettings, args: list[str]
) -> None:
    result = await twinweave(*args, *on(settings))

    assert result.exit_code == 2
    assert "no twin named 'plant-9'" in one_line_error(result)


async def test_no_orchestrator_gives_one_readable_line(
    settings: ThreadSettings,
) -> None:
    result = await twinweave("status", *on(settings))

    assert result.exit_code == 1
    assert "no orchestrator answers" in one_line_error(result)


@pytest.mark.usefixtures("registered")
async def test_registered_twin_that_is_not_running_gives_one_readable_line(
    settings: ThreadSettings, subjects: Subjects
) -> None:
    # The twin's process is gone: its connection closes with it.
    async with (
        Thread(settings.nats_url, subjects=subjects, name="plant-1") as gone,
        running(Plant(gone, plant_manifest())),
    ):
        pass

    result = await twinweave("command", "plant-1", "resume", *on(settings))

    assert result.exit_code == 1
    assert "no answer from twin 'plant-1'" in one_line_error(result)


async def test_unreachable_server_gives_one_readable_line() -> None:
    url = f"nats://127.0.0.1:{free_port()}"
    result = await twinweave("status", "--nats-url", url, "--timeout", "0.3")

    assert result.exit_code == 1
    assert "cannot reach the thread" in one_line_error(result)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["impact", "plant-1", "--days", "0"], id="days-below-one"),
        pytest.param(["graph", "--format", "svg"], id="unknown-format"),
        pytest.param(["status", "--prefix", "a.b"], id="prefix-with-a-dot"),
        pytest.param(["status", "--nats-url", "http://x"], id="url-not-nats"),
        pytest.param(["forecast"], id="unknown-command"),
    ],
)
def test_bad_argument_gives_one_readable_line(args: list[str]) -> None:
    result = runner.invoke(app, args)

    assert result.exit_code == 2
    one_line_error(result)


async def test_orchestrator_command_answers_until_terminated(
    settings: ThreadSettings,
) -> None:
    twinweave_bin = Path(sys.executable).parent / "twinweave"
    process = await asyncio.create_subprocess_exec(
        twinweave_bin,
        "orchestrator",
        *on(settings),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(_line_with(process, "answering on"), 10)
        status = await twinweave("status", "--json", *on(settings))
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 5)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert (status.exit_code, code) == (0, 0)


async def _line_with(process: asyncio.subprocess.Process, text: str) -> None:
    assert process.stderr is not None
    seen = io.StringIO()
    async for line in process.stderr:
        seen.write(line.decode())
        if text in line.decode():
            return
    raise AssertionError(f"the orchestrator exited: {seen.getvalue()}")
