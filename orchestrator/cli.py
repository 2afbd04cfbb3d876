"""The ``twinweave`` command line: one typer app, extended through entry points.

Commands of other packages (the twins' ``twin`` group, say) are found through the
``twinweave.commands`` entry-point group, so the orchestrator never imports a
twin's code. Any failure ends as one readable line on stderr, with exit code 2
for an unusable argument and 1 for anything else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any, TypeVar

import orjson
import pydantic
import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup
from typer.exceptions import TyperException

from orchestrator._analysis_views import (
    render_exposure,
    render_propagation,
    render_scenario,
    render_whatif,
)
from orchestrator._client import OrchestratorClient, send_command
from orchestrator._demo import DemoOptions, run_demo
from orchestrator._export import GraphFormat, export_graph
from orchestrator._protocol import queries_pattern
from orchestrator._scenario import Scenario
from orchestrator._scenario_store import ScenarioStore
from orchestrator._service import Orchestrator
from orchestrator._views import render_command_result, render_impact, render_status
from orchestrator._web import Dashboard
from orchestrator._whatif import WhatIfResult, what_if
from thread import (
    ConfigurationError,
    ContractError,
    SubjectError,
    Subjects,
    Thread,
    ThreadSettings,
    TwinweaveError,
    UnknownTwinError,
)

T = TypeVar("T")

_BAD_ARGUMENT = (ConfigurationError, ContractError, SubjectError, UnknownTwinError)
_OPTION_OF = {
    "nats_url": "--nats-url",
    "prefix": "--prefix",
    "request_timeout": "--timeout",
}


class _OneLineErrors(TyperGroup):
    """The top-level group: every failure becomes one line and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = result if isinstance(result, int) else 0
        except TyperException as exc:
            # Usage errors; typer would draw them in a box with the usage line.
            # A bare group prints its help and raises one with no message.
            if message := exc.format_message():
                typer.echo(f"error: {message}", err=True)
            code = exc.exit_code
        except TwinweaveError as exc:
            typer.echo(f"error: {exc}", err=True)
            code = 2 if isinstance(exc, _BAD_ARGUMENT) else 1
        except typer.Abort:
            typer.echo("aborted", err=True)
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    name="twinweave",
    cls=_OneLineErrors,
    help="Federated digital twins for supply chains over a NATS digital thread.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
command_app = typer.Typer(
    help="Send a command to one twin: twinweave command TWIN stop --days N.",
    no_args_is_help=True,
)
app.add_typer(command_app, name="command")
scenario_app = typer.Typer(
    help="Save, list, show and run scenarios (YAML or JSON files of disruptions).",
    no_args_is_help=True,
)
app.add_typer(scenario_app, name="scenario")

NatsUrl = Annotated[
    str | None,
    typer.Option(
        "--nats-url",
        help="NATS server URL [default: $TWINWEAVE_NATS_URL or nats://127.0.0.1:4222]",
        show_default=False,
    ),
]
Prefix = Annotated[
    str | None,
    typer.Option(
        "--prefix",
        help="first token of every subject [default: $TWINWEAVE_PREFIX or tw]",
        show_default=False,
    ),
]
Timeout = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        help="seconds to wait for the server and each answer"
        " [default: $TWINWEAVE_REQUEST_TIMEOUT or 2]",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON, not a table")]


class LogLevel(enum.StrEnum):
    """How much the orchestrator logs."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"


@app.command("orchestrator")
def orchestrator_command(
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    log_level: Annotated[
        LogLevel, typer.Option("--log-level", help="what to log")
    ] = LogLevel.INFO,
) -> None:
    """Run the orchestrator until SIGINT or SIGTERM."""
    settings = _settings(nats_url, prefix, timeout)
    logging.getLogger().setLevel(log_level.upper())
    asyncio.run(_serve(settings))


@app.command()
def serve(
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    host: Annotated[
        str, typer.Option("--host", help="address to listen on")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="port; 0 picks a free one")
    ] = 8080,
    log_level: Annotated[
        LogLevel, typer.Option("--log-level", help="what to log")
    ] = LogLevel.INFO,
) -> None:
    """Serve the dashboard and its HTTP API, with an orchestrator of its own."""
    settings = _settings(nats_url, prefix, timeout)
    logging.getLogger().setLevel(log_level.upper())
    asyncio.run(_serve_dashboard(settings, host, port))


@app.command()
def status(
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    as_json: AsJson = False,
) -> None:
    """Show every twin: phase, online or offline, day and key figures."""
    settings = _settings(nats_url, prefix, timeout)
    answer = asyncio.run(_ask(settings, lambda client: client.status()))
    _show(answer, None if as_json else render_status(answer))


@app.command()
def graph(
    fmt: Annotated[
        GraphFormat, typer.Option("--format", "-f", help="what to write")
    ] = GraphFormat.JSON,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="file to write [default: stdout]"),
    ] = None,
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
) -> None:
    """Export the dependency graph as node-link JSON, GraphML, DOT or Mermaid."""
    settings = _settings(nats_url, prefix, timeout)
    text = export_graph(asyncio.run(_ask(settings, lambda c: c.graph())), fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError("--output", f"cannot write {output}: {exc}") from exc


@app.command()
def impact(
    twins: Annotated[
        list[str] | None,
        typer.Argument(help="ids of the twins that stop", show_default=False),
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", "-d", min=1, max=365, help="days they stop")
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario", "-s", help="a scenario file (YAML or JSON) instead of TWINS"
        ),
    ] = None,
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    as_json: AsJson = False,
) -> None:
    """Show which nodes run short, when, and the volume at risk if TWINS stop.

    With --scenario FILE: for each node the scenario leaves short, the day its
    stock runs out, the day it recovers and the volume short.
    """
    settings = _settings(nats_url, prefix, timeout)
    if scenario is not None:
        if twins or days is not None:
            raise ConfigurationError(
                "--scenario", "give TWINS with --days, or --scenario, not both"
            )
        body = {"scenario": _scenario_data(Scenario.from_file(scenario))}
        answer = asyncio.run(_ask(settings, lambda c: c.ask("propagate", body)))
        _show(answer, None if as_json else render_propagation(answer))
        return
    if not twins:
        raise ConfigurationError(
            "TWINS", "name the twins that stop, or give --scenario"
        )
    if days is None:
        raise ConfigurationError("--days", "say for how many days the twins stop")
    stopped, length = twins, days
    report = asyncio.run(_ask(settings, lambda c: c.impact(stopped, length)))
    _show(report.as_dict(), None if as_json else render_impact(report))


@app.command()
def exposure(
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario", "-s", help="a scenario file whose time_to_recover_days apply"
        ),
    ] = None,
    ttr_default: Annotated[
        float | None,
        typer.Option(
            "--ttr-default",
            min=0,
            help="time to recover of a node without one [default: per kind]",
        ),
    ] = None,
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    as_json: AsJson = False,
) -> None:
    """Rank every node by the volume lost if it alone fails for its time to
    recover; mark the exposed ones (TTS < TTR) and single points of failure."""
    settings = _settings(nats_url, prefix, timeout)
    body: dict[str, Any] = {}
    if scenario is not None:
        body["scenario"] = _scenario_data(Scenario.from_file(scenario))
    if ttr_default is not None:
        body["ttr_default"] = ttr_default
    answer = asyncio.run(_ask(settings, lambda c: c.ask("exposure", body)))
    _show(answer, None if as_json else render_exposure(answer))


WhatIfDays = Annotated[
    int | None,
    typer.Option(
        "--days", "-d", min=1, help="days to run [default: to the scenario's horizon]"
    ),
]


@app.command("whatif")
def whatif_command(
    scenario: Annotated[
        Path, typer.Argument(help="a scenario file (YAML or JSON)", show_default=False)
    ],
    days: WhatIfDays = None,
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    as_json: AsJson = False,
) -> None:
    """Run a scenario forward on a fork of the live state, against a baseline.

    Reads the registry and state buckets only: nothing is published and no twin
    is touched.
    """
    settings = _settings(nats_url, prefix, timeout)
    _what_if(settings, Scenario.from_file(scenario), days, as_json)


ScenarioDir = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="folder of saved scenarios"
        " [default: $TWINWEAVE_SCENARIO_DIR or ~/.twinweave/scenarios]",
        show_default=False,
    ),
]
ScenarioName = Annotated[
    str, typer.Argument(help="the scenario's name", show_default=False)
]


@scenario_app.command("save")
def scenario_save(
    file: Annotated[
        Path, typer.Argument(help="a scenario file (YAML or JSON)", show_default=False)
    ],
    folder: ScenarioDir = None,
) -> None:
    """Check a scenario file and keep it under its name."""
    scenario = Scenario.from_file(file)
    path = ScenarioStore(folder).save(scenario)
    typer.echo(f"saved {scenario.name} as {path}")


@scenario_app.command("list")
def scenario_list(folder: ScenarioDir = None) -> None:
    """List the saved scenarios."""
    for name in ScenarioStore(folder).names():
        typer.echo(name)


@scenario_app.command("show")
def scenario_show(
    name: ScenarioName, folder: ScenarioDir = None, as_json: AsJson = False
) -> None:
    """Show a saved scenario's disruptions."""
    scenario = ScenarioStore(folder).load(name)
    if as_json:
        typer.echo(scenario.to_json(), nl=False)
    else:
        Console().print(render_scenario(scenario))


@scenario_app.command("run")
def scenario_run(
    name: ScenarioName,
    folder: ScenarioDir = None,
    days: WhatIfDays = None,
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    as_json: AsJson = False,
) -> None:
    """Run a saved scenario again, as a what-if on the live state."""
    scenario = ScenarioStore(folder).load(name)
    settings = _settings(nats_url, prefix, timeout)
    _what_if(settings, scenario, days, as_json)


def _what_if(
    settings: ThreadSettings, scenario: Scenario, days: int | None, as_json: bool
) -> None:
    async def run() -> WhatIfResult:
        async with _thread(settings) as thread:
            return await what_if(thread, scenario, days=days)

    result = asyncio.run(run()).as_dict()
    _show(result, None if as_json else render_whatif(result))


def _scenario_data(scenario: Scenario) -> dict[str, Any]:
    data: dict[str, Any] = scenario.model_dump(mode="json")
    return data


@command_app.callback()
def _command_target(
    ctx: typer.Context,
    twin: Annotated[str, typer.Argument(help="the twin's id", show_default=False)],
) -> None:
    ctx.obj = twin


@command_app.command("stop")
def stop_command(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=365)],
    reason: Annotated[str, typer.Option("--reason")] = "planner command",
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    as_json: AsJson = False,
) -> None:
    """Stop the twin's node for a number of simulated days."""
    settings = _settings(nats_url, prefix, timeout)
    _command(settings, str(ctx.obj), "stop", {"days": days, "reason": reason}, as_json)


@command_app.command("resume")
def resume_command(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason")] = "planner command",
    nats_url: NatsUrl = None,
    prefix: Prefix = None,
    timeout: Timeout = None,
    as_json: AsJson = False,
) -> None:
    """Lift a stop at once."""
    settings = _settings(nats_url, prefix, timeout)
    _command(settings, str(ctx.obj), "resume", {"reason": reason}, as_json)


@app.command()
def demo(
    nats_url: Annotated[
        str | None,
        typer.Option(
            "--nats-url",
            help="join this NATS server [default: start an embedded one]",
            show_default=False,
        ),
    ] = None,
    prefix: Prefix = None,
    speed: Annotated[
        float,
        typer.Option("--speed", min=0.01, max=1000, help="simulated days per second"),
    ] = 5.0,
    start: Annotated[
        dt.datetime | None,
        typer.Option("--start", formats=["%Y-%m-%d"], help="first day replayed"),
    ] = None,
    end: Annotated[
        dt.datetime | None,
        typer.Option("--end", formats=["%Y-%m-%d"], help="last day replayed"),
    ] = None,
    stop_days: Annotated[
        int,
        typer.Option(
            "--stop-days", min=1, max=365, help="length assumed for a network stop"
        ),
    ] = 5,
    status_every: Annotated[
        int, typer.Option("--status-every", min=1, help="days between status views")
    ] = 30,
    graph_out: Annotated[
        Path | None,
        typer.Option("--graph-out", help="write the final graph (.json/.graphml/.dot)"),
    ] = None,
    log_dir: Annotated[
        Path | None, typer.Option("--log-dir", help="folder for the twins' logs")
    ] = None,
) -> None:
    """Run the whole network on the real data, with an embedded NATS by default."""
    settings = _settings(nats_url, prefix, None)
    options = DemoOptions(
        nats_url=nats_url and settings.nats_url,
        prefix=settings.prefix,
        speed=speed,
        start=start.date() if start else None,
        end=end.date() if end else None,
        stop_days=stop_days,
        status_every=status_every,
        graph_out=graph_out,
        log_dir=log_dir,
    )
    outcome = asyncio.run(run_demo(options, Console()))
    if outcome.interrupted:
        raise typer.Exit(130)


def _command(
    settings: ThreadSettings,
    twin_id: str,
    command: str,
    data: Mapping[str, Any],
    as_json: bool,
) -> None:
    async def send() -> dict[str, Any]:
        async with _thread(settings) as thread:
            return await send_command(
                thread, twin_id, command, data, timeout=settings.request_timeout
            )

    result = asyncio.run(send())
    _show(result, None if as_json else render_command_result(twin_id, command, result))


def _settings(
    nats_url: str | None, prefix: str | None, timeout: float | None
) -> ThreadSettings:
    given = {"nats_url": nats_url, "prefix": prefix, "request_timeout": timeout}
    chosen: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    try:
        return ThreadSettings(**chosen)
    except pydantic.ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        name = _OPTION_OF.get(field, f"TWINWEAVE_{field.upper()}")
        raise ConfigurationError(name, error["msg"]) from exc


def _thread(settings: ThreadSettings, name: str = "twinweave-cli") -> Thread:
    return Thread(
        settings.nats_url,
        subjects=Subjects(settings.prefix),
        name=name,
        connect_timeout=settings.request_timeout,
    )


async def _ask(
    settings: ThreadSettings, ask: Callable[[OrchestratorClient], Awaitable[T]]
) -> T:
    async with _thread(settings) as thread:
        return await ask(OrchestratorClient(thread, timeout=settings.request_timeout))


async def _serve(settings: ThreadSettings) -> None:
    async with (
        _thread(settings, "twinweave-orchestrator") as thread,
        Orchestrator(thread, settings) as orchestrator,
    ):
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, orchestrator.stop)
        pattern = queries_pattern(thread.subjects)
        typer.echo(f"orchestrator answering on {pattern}; Ctrl-C stops it", err=True)
        await orchestrator.wait_stopped()


async def _serve_dashboard(settings: ThreadSettings, host: str, port: int) -> None:
    async with (
        _thread(settings, "twinweave-dashboard") as thread,
        Orchestrator(thread, settings) as orchestrator,
        Dashboard(orchestrator, host=host, port=port) as dashboard,
    ):
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, dashboard.stop)
        typer.echo(f"dashboard on {dashboard.url}; Ctrl-C stops it", err=True)
        await dashboard.wait_stopped()


def _show(data: Any, table: Table | None) -> None:
    if table is None:
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        Console().print(table)


def _add_plugins() -> None:
    for entry in entry_points(group="twinweave.commands"):
        sub = entry.load()
        app.add_typer(sub, name=entry.name)


def main() -> None:
    """Run the command line; a twinweave error becomes one readable line."""
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    _add_plugins()
    app()
