"""Commands on the live thread: run the orchestrator, the dashboard and the demo;
ask for status, the graph and impact; send commands to twins."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from orchestrator._analysis_views import (
    render_propagation,
)
from orchestrator._cli_app import (
    AsJson,
    LogLevel,
    NatsUrl,
    Prefix,
    Timeout,
    app,
    ask_orchestrator,
    cli_settings,
    cli_thread,
    command_app,
    scenario_data,
    show_result,
)
from orchestrator._client import send_command
from orchestrator._demo import DemoOptions, run_demo
from orchestrator._export import GraphFormat, export_graph
from orchestrator._protocol import queries_pattern
from orchestrator._scenario import Scenario
from orchestrator._service import Orchestrator
from orchestrator._views import render_command_result, render_impact, render_status
from orchestrator._web import Dashboard
from thread import (
    ConfigurationError,
    ThreadSettings,
)


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
    settings = cli_settings(nats_url, prefix, timeout)
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
    settings = cli_settings(nats_url, prefix, timeout)
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
    settings = cli_settings(nats_url, prefix, timeout)
    answer = asyncio.run(ask_orchestrator(settings, lambda client: client.status()))
    show_result(answer, None if as_json else render_status(answer))


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
    settings = cli_settings(nats_url, prefix, timeout)
    text = export_graph(
        asyncio.run(ask_orchestrator(settings, lambda c: c.graph())), fmt
    )
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
    settings = cli_settings(nats_url, prefix, timeout)
    if scenario is not None:
        if twins or days is not None:
            raise ConfigurationError(
                "--scenario", "give TWINS with --days, or --scenario, not both"
            )
        body = {"scenario": scenario_data(Scenario.from_file(scenario))}
        answer = asyncio.run(
            ask_orchestrator(settings, lambda c: c.ask("propagate", body))
        )
        show_result(answer, None if as_json else render_propagation(answer))
        return
    if not twins:
        raise ConfigurationError(
            "TWINS", "name the twins that stop, or give --scenario"
        )
    if days is None:
        raise ConfigurationError("--days", "say for how many days the twins stop")
    stopped, length = twins, days
    report = asyncio.run(
        ask_orchestrator(settings, lambda c: c.impact(stopped, length))
    )
    show_result(report.as_dict(), None if as_json else render_impact(report))


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
    settings = cli_settings(nats_url, prefix, timeout)
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
    settings = cli_settings(nats_url, prefix, timeout)
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
    settings = cli_settings(nats_url, prefix, None)
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
        async with cli_thread(settings) as thread:
            return await send_command(
                thread, twin_id, command, data, timeout=settings.request_timeout
            )

    result = asyncio.run(send())
    show_result(
        result, None if as_json else render_command_result(twin_id, command, result)
    )


async def _serve(settings: ThreadSettings) -> None:
    async with (
        cli_thread(settings, "twinweave-orchestrator") as thread,
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
        cli_thread(settings, "twinweave-dashboard") as thread,
        Orchestrator(thread, settings) as orchestrator,
        Dashboard(orchestrator, host=host, port=port) as dashboard,
    ):
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, dashboard.stop)
        typer.echo(f"dashboard on {dashboard.url}; Ctrl-C stops it", err=True)
        await dashboard.wait_stopped()
