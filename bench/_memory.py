"""Resident memory of one idle twin process, against an idle plain nats-py client."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

RAW_CLIENT = """
import asyncio, sys, nats
async def main():
    nc = await nats.connect(sys.argv[1])
    print("ready", flush=True)
    await asyncio.sleep(3600)
asyncio.run(main())
"""

# The thread admits a twin once its contracts are registered, which the
# orchestrator does when it starts; this bench runs the twin alone.
REGISTER_CONTRACTS = """
import asyncio, sys, schemas
from thread import SchemaRegistry, Subjects, Thread
async def main():
    async with Thread(sys.argv[1], subjects=Subjects(sys.argv[2])) as thread:
        await SchemaRegistry(thread).seed_from_files(schemas.SCHEMA_DIR)
asyncio.run(main())
"""


def _settled_rss(process: subprocess.Popen[bytes], settle: float) -> int:
    time.sleep(settle)
    if process.poll() is not None:
        raise RuntimeError(f"process exited with {process.returncode}")
    return int(psutil.Process(process.pid).memory_info().rss)


def _stopped(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def raw_client_rss(url: str, settle: float = 3.0) -> int:
    """RSS in bytes of a Python process holding one idle nats-py connection."""
    process = subprocess.Popen(
        [sys.executable, "-c", RAW_CLIENT, url], stdout=subprocess.PIPE
    )
    try:
        if process.stdout is not None:
            process.stdout.readline()
        return _settled_rss(process, settle)
    finally:
        _stopped(process)


def idle_twin_rss(url: str, twin_id: str = "plant-1903", settle: float = 5.0) -> int:
    """RSS in bytes of ``twinweave twin run factory`` once joined and idle."""
    command = [sys.executable, "-m", "twins", "run", "factory"]
    subprocess.run(
        [sys.executable, "-c", REGISTER_CONTRACTS, url, "memory"], check=True
    )
    process = subprocess.Popen(
        [*command, "--id", twin_id, "--nats-url", url, "--prefix", "memory"]
    )
    try:
        return _settled_rss(process, settle)
    finally:
        _stopped(process)
