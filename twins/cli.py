"""``twinweave twin`` runs one twin of any kind, or the replay clock, as a process;
``twinweave new-twin`` scaffolds a twin package for a new kind.

A bad argument gives one line on stderr and exit code 2; a failure while running
gives one line and exit code 1.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import pydantic
import typer
from typer.core import TyperGroup

from thread import ConfigurationError, Subjects, Thread, TwinweaveError
from twins._clock import ReplayClock, replay_days
from twins._ids import KINDS
from twins._network import load_network
from twins._process import every_kind, kind_specs, resolve_spec, run_twin
from twins._scaffold import scaffold
from twins._settings import TwinSettings

USAGE = 2
RUNTIME = 1
INTERRUPTED = 130

T = TypeVar("T")

# typer exports BadParameter but not its base, the usage error of the click it
# runs on (its own vendored copy since typer 0.20, click itself before).
_UsageError: Any = typer.BadParameter.__mro__[1]


class _OneLineErrors(TyperGroup):
    """Reports a usage error of a sub-command as one line, not a usage box."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _UsageError as exc:
            _fail(exc.format_message(), USAGE)


app = typer.Typer(
    cls=_OneLineErrors,
    help="Run and list twins (built-in kinds and installed ones), and the clock.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

new_twin_app = typer.Typer(
    cls=_OneLineErrors,
    name="new-twin",
    help="Scaffold a twin package for a new kind.",
    # A group of no sub-commands, so that it joins 'twinweave' as a plugin;
    # its options may follow the kind, as for any command.
    context_settings={"allow_interspersed_args": True},
    subcommand_metavar="",
    pretty_exceptions_enable=False,
    add_completion=False,
)

NatsUrl = Annotated[
    str | None, typer.Option("--nats-url", help="NATS URL [env TWINWEAVE_NATS_URL]")
]
Prefix = Annotated[
    str | None, typer.Option("--prefix", help="subject prefix [env TWINWEAVE_PREFIX]")
]
DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="folder with supplygraph/ and usaid-scms/ [env TWINWEAVE_DATA_DIR]",
    ),
]


@app.command("run")
def run_command(
    kind: Annotated[
        str, typer.Argument(help="factory, warehouse, fleet, shipment or installed")
    ],
    twin_id: Annotated[str, typer.Option("--id", help="twin id, see 'twin list'")],
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    heartbeat: Annotated[
        float | None, typer.Option("--heartbeat", help="seconds between heartbeats")
    ] = None,
    contract_wait: Annotated[
        float | None,
        typer.Option(
            "--contract-wait",
            help="seconds to wait for the twin's contracts to be registered"
            " [env TWINWEAVE_CONTRACT_WAIT, default 10]",
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Run one twin until SIGINT or SIGTERM; refused if its contracts are missing."""
    try:
        settings = _settings(
            nats_url=nats_url,
            prefix=prefix,
            heartbeat_interval=heartbeat,
            contract_wait=contract_wait,
            data_dir=data_dir,
        )
        spec = resolve_spec(kind, twin_id, settings)
    except TwinweaveError as exc:
        _fail(str(exc), USAGE)
    _run(run_twin(spec, settings))


@app.command("clock")
def clock_command(
    speed: Annotated[
        float, typer.Option("--speed", help="simulated days per second")
    ] = 1.0,
    start: Annotated[
        str | None, typer.Option("--start", help="first day, YYYY-MM-DD")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="last day, YYYY-MM-DD")
    ] = None,
    wait_for: Annotated[
        int, typer.Option("--wait-for", help="twins to hear from before starting")
    ] = 0,
    wait_timeout: Annotated[
        float, typer.Option("--wait-timeout", help="seconds to wait for them")
    ] = 30.0,
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    data_dir: DataDir = None,
) -> None:
    """Replay the data's days on the thread, then exit."""
    try:
        settings = _settings(nats_url=nats_url, prefix=prefix, data_dir=data_dir)
        network = load_network(settings.data_dir)
        days = replay_days(network.window, _date(start, "--start"), _date(end, "--end"))
        if not 0.001 <= speed <= 10_000:  # also refuses nan and inf
            raise ConfigurationError("--speed", f"{speed:g} is not in 0.001..10000")
        if wait_for < 0:
            raise ConfigurationError("--wait-for", f"{wait_for} is negative")
        if not 0 <= wait_timeout <= 86_400:
            raise ConfigurationError(
                "--wait-timeout", f"{wait_timeout:g} is not in 0..86400 seconds"
            )
    except TwinweaveError as exc:
        _fail(str(exc), USAGE)
    published = _run(_replay(settings, days, speed, wait_for, wait_timeout))
    typer.echo(f"published {published} of {len(days)} days")


@app.command("list")
def list_command(
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="list this kind's twins (repeatable)"),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="list the twins of every kind")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Print twins the data implies, one per line: kind and id.

    Without options, the SupplyGraph network's (what 'twinweave demo' runs).
    """
    try:
        if kind and every:
            raise ConfigurationError("--all", "give --kind or --all, not both")
        kinds = every_kind() if every else kind or list(KINDS)
        specs = kind_specs(kinds, _settings(data_dir=data_dir))
    except TwinweaveError as exc:
        _fail(str(exc), USAGE)
    for spec in specs:
        typer.echo(f"{spec.kind} {spec.twin_id}")


@new_twin_app.callback(invoke_without_command=True)
def new_twin_command(
    kind: Annotated[str, typer.Argument(help="the new kind's name, e.g. coldstore")],
    folder: Annotated[
        Path | None,
        typer.Option("--dir", help="folder to write [default: ./twinweave-KIND]"),
    ] = None,
) -> None:
    """Write a twin package for KIND: its contract, twin class, pyproject, test."""
    try:
        written = scaffold(kind, folder)
    except TwinweaveError as exc:
        _fail(str(exc), USAGE)
    here = Path.cwd()
    for path in sorted(p for p in written.resolve().rglob("*") if p.is_file()):
        typer.echo(
            f"wrote {path.relative_to(here) if path.is_relative_to(here) else path}"
        )


async def _replay(
    settings: TwinSettings,
    days: list[dt.date],
    speed: float,
    wait_for: int,
    wait_timeout: float,
) -> int:
    async with Thread(
        settings.nats_url, subjects=Subjects(settings.prefix), name="replay-clock"
    ) as thread:
        clock = ReplayClock(thread, days, speed=speed)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, clock.stop)
        try:
            return await clock.run(wait_for=wait_for, wait_timeout=wait_timeout)
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        result = asyncio.run(coroutine)
    except TwinweaveError as exc:
        _fail(str(exc), RUNTIME)
    except KeyboardInterrupt:
        # Interrupted before the signal handlers were in place (while connecting).
        raise typer.Exit(INTERRUPTED) from None
    return result


def _settings(**overrides: object) -> TwinSettings:
    given = {name: value for name, value in overrides.items() if value is not None}
    try:
        return TwinSettings(**given)  # type: ignore[arg-type]
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        raise ConfigurationError(where, first["msg"]) from exc


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(
            option, f"{value!r} is not a YYYY-MM-DD date"
        ) from None


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    """Run ``twinweave-twin``: the ``twin`` commands alone, light enough for a twin.

    A twin process started this way loads the twin SDK and the thread, not the
    orchestrator, its graph library or its web server.
    """
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    app(prog_name="twinweave-twin")
