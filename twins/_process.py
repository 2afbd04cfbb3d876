"""One built-in twin as its own process: from (kind, id) to a running twin."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from thread import ConfigurationError, Subjects, Thread, UnknownTwinError
from twins._factory import FactoryTwin
from twins._fleet import FleetTwin
from twins._ids import KINDS, TwinSpec, plant_code, storage_code
from twins._network import SupplyNetwork, load_network
from twins._settings import TwinSettings
from twins._twin import Twin
from twins._warehouse import WarehouseTwin

log = logging.getLogger(__name__)


def twin_specs(data_dir: Path | None = None) -> list[TwinSpec]:
    """Every twin process the data implies, as (kind, id): 25 factories, 13
    warehouses and the fleet with the data shipped in ``data/``.

    Raises:
        ConfigurationError: the data folder is missing or malformed.
    """
    return load_network(data_dir).specs()


def resolve_spec(network: SupplyNetwork, kind: str, twin_id: str) -> TwinSpec:
    """Check that the data implies a twin ``twin_id`` of ``kind``.

    Raises:
        ConfigurationError: ``kind`` is not a built-in kind.
        UnknownTwinError: the data implies no such twin of that kind.
    """
    if kind not in KINDS:
        raise ConfigurationError(
            "kind", f"{kind!r} is not a built-in kind (known: {', '.join(KINDS)})"
        )
    spec = TwinSpec(kind, twin_id)
    specs = network.specs()
    if spec not in specs:
        raise UnknownTwinError(twin_id, [s.twin_id for s in specs if s.kind == kind])
    return spec


def build_twin(
    spec: TwinSpec, thread: Thread, network: SupplyNetwork, settings: TwinSettings
) -> Twin:
    """The twin ``spec`` names, on ``thread``, with its figures from ``network``.

    Raises:
        ConfigurationError: ``spec`` names no built-in kind.
        UnknownTwinError: the data implies no such twin.
    """
    spec = resolve_spec(network, spec.kind, spec.twin_id)
    beat = settings.heartbeat_interval
    match spec.kind:
        case "factory":
            plant = plant_code(spec.twin_id)
            return FactoryTwin(thread, network, plant, heartbeat_interval=beat)
        case "warehouse":
            return WarehouseTwin(
                thread,
                network,
                storage_code(spec.twin_id),
                opening_cover_days=settings.opening_cover_days,
                heartbeat_interval=beat,
            )
        case "fleet":
            return FleetTwin(
                thread,
                network,
                request_timeout=settings.request_timeout,
                heartbeat_interval=beat,
            )
        case _:
            raise ConfigurationError("kind", f"no built-in kind {spec.kind!r}")


async def run_twin(
    spec: TwinSpec, settings: TwinSettings, network: SupplyNetwork | None = None
) -> None:
    """Run one twin until SIGINT or SIGTERM, then leave gracefully.

    The last heartbeat is marked ``leaving`` and the connection is drained.

    Raises:
        ConfigurationError: the data folder is unusable or ``spec`` unknown.
        ThreadUnavailableError: no NATS server answered.
    """
    network = network or load_network(settings.data_dir)
    resolve_spec(network, spec.kind, spec.twin_id)
    async with Thread(
        settings.nats_url, subjects=Subjects(settings.prefix), name=spec.twin_id
    ) as thread:
        twin = build_twin(spec, thread, network, settings)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, twin.stop)
        try:
            log.info("%s %s is running", spec.kind, spec.twin_id)
            await twin.run()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
