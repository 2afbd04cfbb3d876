"""One twin as its own process: from (kind, id) to a running twin, of any kind."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from thread import Subjects, Thread, UnknownTwinError, check_token
from twins._ids import KINDS, TwinSpec
from twins._kinds import kind_names, twin_kind
from twins._network import load_network
from twins._settings import TwinSettings
from twins._twin import Twin

log = logging.getLogger(__name__)


def twin_specs(data_dir: Path | None = None) -> list[TwinSpec]:
    """Every twin process the SupplyGraph data implies, as (kind, id): 25
    factories, 13 warehouses and the fleet with the data shipped in ``data/``.
    This is the network ``twinweave demo`` runs.

    Raises:
        ConfigurationError: the data folder is missing or malformed.
    """
    return load_network(data_dir).specs()


def kind_specs(kinds: list[str], settings: TwinSettings) -> list[TwinSpec]:
    """The twins each of ``kinds`` implies, kind by kind.

    The SupplyGraph kinds keep the data's order (plants and storage locations
    by code); others are sorted by id. A kind that runs under any id implies
    none.

    Raises:
        ConfigurationError: a kind is unknown, or its data is unusable.
    """
    specs: list[TwinSpec] = []
    if any(kind in KINDS for kind in kinds):
        network = load_network(settings.data_dir)
        specs = [spec for spec in network.specs() if spec.kind in kinds]
    for kind in kinds:
        if kind not in KINDS:
            ids = twin_kind(kind).twin_ids(settings)
            specs += [TwinSpec(kind, twin_id) for twin_id in sorted(ids)]
    return specs


def every_kind() -> list[str]:
    """Every kind that can run here, the SupplyGraph kinds first."""
    return [*KINDS, *(kind for kind in kind_names() if kind not in KINDS)]


def resolve_spec(kind: str, twin_id: str, settings: TwinSettings) -> TwinSpec:
    """Check that a twin ``twin_id`` of ``kind`` can run.

    Raises:
        ConfigurationError: ``kind`` is not known here.
        SubjectError: ``twin_id`` cannot be a twin id.
        UnknownTwinError: the kind's data implies no such twin.
    """
    cls = twin_kind(kind)
    check_token(twin_id, "twin id")
    implied = cls.twin_ids(settings)
    if implied and twin_id not in implied:
        raise UnknownTwinError(twin_id, implied)
    return TwinSpec(kind, twin_id)


def build_twin(spec: TwinSpec, thread: Thread, settings: TwinSettings) -> Twin:
    """The twin ``spec`` names, on ``thread``, built by its kind.

    Raises:
        ConfigurationError: the kind is unknown or its data unusable.
        UnknownTwinError: the kind's data implies no such twin.
    """
    spec = resolve_spec(spec.kind, spec.twin_id, settings)
    return twin_kind(spec.kind).create(thread, spec.twin_id, settings)


async def run_twin(spec: TwinSpec, settings: TwinSettings) -> None:
    """Run one twin until SIGINT or SIGTERM, then leave gracefully.

    The twin first waits up to ``settings.contract_wait`` seconds for its
    contracts to be registered on the thread. The last heartbeat is marked
    ``leaving`` and the connection is drained.

    Raises:
        ConfigurationError: the data folder is unusable or ``spec`` unknown.
        ThreadUnavailableError: no NATS server answered.
        TwinRefusedError: the thread refused the twin's contracts.
    """
    resolve_spec(spec.kind, spec.twin_id, settings)
    async with Thread(
        settings.nats_url, subjects=Subjects(settings.prefix), name=spec.twin_id
    ) as thread:
        twin = build_twin(spec, thread, settings)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, twin.stop)
        try:
            log.info("%s %s is running", spec.kind, spec.twin_id)
            await twin.run(contract_wait=settings.contract_wait)
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
