"""Planning commands: exposure, what-if, and saved scenarios."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from orchestrator._analysis_views import (
    render_exposure,
    render_scenario,
    render_whatif,
)
from orchestrator._cli_app import (
    AsJson,
    NatsUrl,
    Prefix,
    Timeout,
    app,
    ask_orchestrator,
    cli_settings,
    cli_thread,
    scenario_app,
    scenario_data,
    show_result,
)
from orchestrator._scenario import Scenario
from orchestrator._scenario_store import ScenarioStore
from orchestrator._whatif import WhatIfResult, what_if
from thread import (
    ThreadSettings,
)


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
    settings = cli_settings(nats_url, prefix, timeout)
    body: dict[str, Any] = {}
    if scenario is not None:
        body["scenario"] = scenario_data(Scenario.from_file(scenario))
    if ttr_default is not None:
        body["ttr_default"] = ttr_default
    answer = asyncio.run(ask_orchestrator(settings, lambda c: c.ask("exposure", body)))
    show_result(answer, None if as_json else render_exposure(answer))


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
    settings = cli_settings(nats_url, prefix, timeout)
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
    settings = cli_settings(nats_url, prefix, timeout)
    _what_if(settings, scenario, days, as_json)


def _what_if(
    settings: ThreadSettings, scenario: Scenario, days: int | None, as_json: bool
) -> None:
    async def run() -> WhatIfResult:
        async with cli_thread(settings) as thread:
            return await what_if(thread, scenario, days=days)

    result = asyncio.run(run()).as_dict()
    show_result(result, None if as_json else render_whatif(result))
