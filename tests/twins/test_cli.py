"""``twinweave twin``: readable one-line errors, the list, a graceful process."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.twins.support import watch
from thread import Channel, Thread
from twins.cli import app


@pytest.mark.parametrize(
    "args",
    [
        ["run", "boat", "--id", "boat-1"],
        ["run", "factory", "--id", "plant-9999"],
        ["run", "warehouse", "--id", "plant-2103"],
        ["run", "factory"],
        ["clock", "--start", "2023-02-30"],
        ["clock", "--end", "2023-06-01"],
        ["clock", "--speed", "fast"],
        ["list", "--data-dir", "/nonexistent"],
    ],
    ids=[
        "unknown-kind",
        "unknown-id",
        "id-of-another-kind",
        "missing-id",
        "bad-date",
        "date-after-window",
        "speed-not-a-number",
        "missing-data",
    ],
)
def test_bad_argument_gives_one_line_and_usage_exit_code(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert (result.exit_code, result.stderr.count("\n")) == (2, 1)
    assert result.stderr.startswith("error: ")


def test_list_prints_every_twin_the_data_implies() -> None:
    lines = CliRunner().invoke(app, ["list"]).stdout.splitlines()
    assert (len(lines), lines[0], lines[-1]) == (
        39,
        "factory plant-1901",
        "fleet fleet-national",
    )


@pytest.mark.parametrize(
    ("kind", "twin_id"),
    [("warehouse", "storage-330"), ("shipment", "shipment-ocean")],
    ids=["warehouse", "shipment"],
)
async def test_twin_process_joins_and_leaves_gracefully_on_sigterm(
    nats_url: str, thread: Thread, kind: str, twin_id: str
) -> None:
    beats = await watch(thread, Channel.HEARTBEAT, twin_id=twin_id)
    command = Path(sys.executable).with_name("twinweave")
    process = await asyncio.create_subprocess_exec(
        str(command),
        *("twin", "run", kind, "--id", twin_id),
        *("--nats-url", nats_url, "--prefix", thread.subjects.prefix),
    )
    try:
        await beats.until(lambda beat: not beat.leaving, timeout=8)
        process.send_signal(signal.SIGTERM)
        await beats.until(lambda beat: beat.leaving)
        async with asyncio.timeout(5):
            code = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert code == 0
