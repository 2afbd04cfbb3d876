"""docker-compose.yml runs real twinweave commands against its own NATS service.

Docker may not run where the tests do, so this checks what can be checked without
it: every command parses as a twinweave command, every twin ``twin list --all``
prints has a service, and the NATS settings handed to the services match the NATS
service.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer
import yaml

from orchestrator import cli
from thread import ThreadSettings
from twins import TwinSettings, every_kind, kind_specs

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
OURS = {name: s for name, s in SERVICES.items() if s.get("image") == "twinweave:latest"}
# What `twinweave twin list --all` prints: the twins of every built-in kind.
LISTED = {(s.kind, s.twin_id) for s in kind_specs(every_kind(), TwinSettings())}


def twinweave_words(service: dict[str, Any]) -> list[str]:
    """The service's command as ``twinweave`` words, whichever entry point runs it.

    ``twinweave-twin`` runs the ``twin`` group of ``twinweave`` on its own.
    """
    match service.get("entrypoint"):
        case ["twinweave-twin"]:
            return ["twin", *service["command"]]
        case None:
            return list(service["command"])
        case other:
            raise AssertionError(f"unknown entry point {other}")


def parse(args: list[str]) -> Any:
    """Parse ``twinweave ARGS`` down to the leaf command, without running it."""
    if "twin" not in [g.name for g in cli.app.registered_groups]:
        cli._add_plugins()
    command: Any = typer.main.get_command(cli.app)
    context = command.make_context("twinweave", list(args))
    while hasattr(command, "resolve_command"):
        # Groups keep the sub-command's name apart from the rest of the words.
        words = [*getattr(context, "_protected_args", []), *context.args]
        name, command, rest = command.resolve_command(context, words)
        context = command.make_context(name, rest, parent=context)
    return context


@pytest.mark.parametrize("service", sorted(OURS), ids=str)
def test_every_service_command_is_a_twinweave_command_that_parses(
    service: str,
) -> None:
    context = parse(twinweave_words(OURS[service]))
    assert context.command.callback is not None


def test_every_listed_twin_has_a_service() -> None:
    commands = [twinweave_words(s) for s in OURS.values()]
    running = {(c[2], c[4]) for c in commands if c[:2] == ["twin", "run"]}
    assert running == LISTED


def test_the_clock_waits_for_every_twin() -> None:
    clock = twinweave_words(OURS["clock"])
    assert int(clock[clock.index("--wait-for") + 1]) == len(LISTED)


def test_services_reach_the_nats_service_on_its_client_port_with_jetstream() -> None:
    nats = SERVICES["nats"]
    urls = {urlsplit(s["environment"]["TWINWEAVE_NATS_URL"]) for s in OURS.values()}
    published = {int(p.split(":")[-1]) for p in nats["ports"]}
    assert {(u.hostname, u.port) for u in urls} == {("nats", 4222)}
    assert 4222 in published and "-js" in nats["command"]


@pytest.mark.parametrize("service", ["orchestrator", "clock"], ids=str)
def test_service_environment_is_accepted_as_thread_settings(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in OURS[service]["environment"].items():
        monkeypatch.setenv(name, str(value))
    settings = ThreadSettings()
    assert settings.nats_url == "nats://nats:4222"


def test_the_light_twin_entry_point_is_the_twin_group_of_twinweave() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    scripts = project["project"]["scripts"]
    plugins = project["project"]["entry-points"]["twinweave.commands"]
    assert scripts["twinweave-twin"] == "twins.cli:main"
    assert plugins["twin"] == "twins.cli:app"
