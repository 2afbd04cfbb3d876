"""``twinweave demo``: the whole federated network on real data, on one machine.

The demo starts (or joins) a nats-server, runs the orchestrator in this process
and one OS process per twin, replays the SupplyGraph days at a chosen speed with
a progress bar, prints the status view as it goes, and when every plant stops at
once (the Eid al-Fitr shutdown of April 2023 in the data) shows what the impact
view says. Every process it started is stopped when it ends or is interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from orchestrator._export import GraphFormat, export_graph
from orchestrator._impact import ImpactReport
from orchestrator._model import NetworkModel
from orchestrator._processes import (
    ProcessGroup,
    child_env,
    list_twins,
    twin_command,
)
from orchestrator._service import Orchestrator
from orchestrator._views import render_impact, render_status
from thread import (
    Channel,
    Message,
    NatsServer,
    Subjects,
    Thread,
    ThreadSettings,
    TwinsAbsentError,
)

FACTORY = "factory"


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """What the demo runs and how fast.

    Attributes:
        nats_url: join this server; None starts an embedded one.
        speed: simulated days per second.
        start, end: the replay window (None: the data's whole window).
        stop_days: how long the impact view assumes a network-wide stop lasts.
        status_every: print the status view every this many simulated days.
    """

    nats_url: str | None = None
    prefix: str = "tw"
    speed: float = 5.0
    start: dt.date | None = None
    end: dt.date | None = None
    stop_days: int = 5
    status_every: int = 30
    heartbeat: float = 2.0
    join_timeout: float = 120.0
    graph_out: Path | None = None
    log_dir: Path | None = None


@dataclass(slots=True)
class DemoOutcome:
    """What a demo run saw, for the caller to check or print."""

    twins: int = 0
    days: list[str] = field(default_factory=list)
    stop_day: str | None = None
    impact: ImpactReport | None = None
    status: dict[str, Any] = field(default_factory=dict)
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    log_dir: Path | None = None
    interrupted: bool = False


async def run_demo(options: DemoOptions, console: Console) -> DemoOutcome:
    """Run the demo to the end of its window and return what it saw.

    Raises:
        TwinsAbsentError: not every twin joined within ``join_timeout``.
        NatsServerError: the embedded server would not start.
    """
    outcome = DemoOutcome()
    interrupted = _interrupt_event()
    log_dir = options.log_dir or Path(tempfile.mkdtemp(prefix="twinweave-demo-"))
    outcome.log_dir = log_dir
    with contextlib.ExitStack() as stack:
        url = options.nats_url
        if url is None:
            url = stack.enter_context(NatsServer()).url
            console.print(f"embedded nats-server with JetStream on [bold]{url}[/]")
        env = child_env(url, options.prefix, options.heartbeat)
        specs = list_twins(env)
        outcome.twins = len(specs)
        children = stack.enter_context(ProcessGroup(log_dir, env))
        settings = ThreadSettings(
            nats_url=url, prefix=options.prefix, heartbeat_interval=options.heartbeat
        )
        async with (
            Thread(url, subjects=Subjects(options.prefix), name="demo") as thread,
            Orchestrator(thread, settings) as orchestrator,
        ):
            for kind, twin_id in specs:
                children.start(twin_id, twin_command("run", kind, "--id", twin_id))
            await _wait_for_twins(
                orchestrator, children, len(specs), options, console, interrupted
            )
            if not interrupted.is_set():
                await _replay(
                    thread,
                    orchestrator,
                    children,
                    options,
                    console,
                    outcome,
                    interrupted,
                )
            if interrupted.is_set():
                outcome.interrupted = True
                console.print(
                    f"interrupted: stopping {len(children.running())} processes"
                )
            outcome.status = orchestrator.status()
            outcome.graph = orchestrator.graph()

    console.print(render_status(outcome.status))
    if options.graph_out is not None:
        fmt = _format_of(options.graph_out)
        options.graph_out.write_text(export_graph(outcome.graph, fmt), encoding="utf-8")
        console.print(f"graph written to {options.graph_out}")
    console.print(f"twin logs in {log_dir}")
    return outcome


async def _wait_for_twins(
    orchestrator: Orchestrator,
    children: ProcessGroup,
    count: int,
    options: DemoOptions,
    console: Console,
    interrupted: asyncio.Event,
) -> None:
    def all_online(model: NetworkModel) -> bool:
        online = [t for t in model.twin_ids() if model.node(t)["online"]]
        return interrupted.is_set() or len(online) >= count

    with console.status(f"starting {count} twin processes ..."):
        try:
            await orchestrator.wait_until(all_online, timeout=options.join_timeout)
        except TimeoutError:
            seen = [t for t in orchestrator.model.twin_ids()]
            failed = ", ".join(f"{n} (exit {c})" for n, c in children.failed().items())
            if failed:
                console.print(f"[red]twins that exited:[/] {failed}")
            raise TwinsAbsentError(count, seen, options.join_timeout) from None
    if not interrupted.is_set():
        console.print(f"{count} twins joined the thread")


async def _replay(
    thread: Thread,
    orchestrator: Orchestrator,
    children: ProcessGroup,
    options: DemoOptions,
    console: Console,
    outcome: DemoOutcome,
    interrupted: asyncio.Event,
) -> None:
    news: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    watch = _StopWatch(len(_plants(orchestrator.model)))

    async def on_day(message: Message) -> None:
        news.put_nowait(("day", message.data))

    async def on_plant_state(message: Message) -> None:
        stopped = watch.record(message.envelope.subject or "", message.data)
        if stopped is not None:
            news.put_nowait(("stop", stopped))

    contracts = orchestrator.contracts
    subjects = thread.subjects
    await thread.subscribe(subjects.clock, on_day, contracts)
    plant_states = subjects.pattern(Channel.STATE, kind=FACTORY)
    await thread.subscribe(plant_states, on_plant_state, contracts)
    replayer = children.start("clock", twin_command(*_clock_args(options)))

    with Progress(*_COLUMNS, console=console) as progress:
        bar = progress.add_task("", total=None)
        while (
            replayer.poll() is None or not news.empty()
        ) and not interrupted.is_set():
            try:
                what, data = await asyncio.wait_for(news.get(), timeout=0.5)
            except TimeoutError:
                continue
            match what:
                case "day":
                    outcome.days.append(str(data["day"]))
                    progress.update(
                        bar,
                        total=data["total"],
                        completed=data["index"] + 1,
                        description=str(data["day"]),
                    )
                    if (data["index"] + 1) % options.status_every == 0:
                        progress.console.print(render_status(orchestrator.status()))
                case "stop" if outcome.stop_day is None:
                    outcome.stop_day = data
                    outcome.impact = orchestrator.impact(
                        _plants(orchestrator.model), options.stop_days
                    )
                    progress.console.print(
                        f"\n[bold red]{data}: every plant produced nothing[/]"
                        f" (a network-wide stop). If it lasts {options.stop_days}"
                        " days, the impact view says:"
                    )
                    progress.console.print(render_impact(outcome.impact))
                case _:
                    pass
    # Let the last day's states reach the orchestrator before the final view.
    await asyncio.sleep(min(2.0, 2.0 / options.speed))


def _interrupt_event() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so that the demo can stop its children."""
    interrupted = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, interrupted.set)
    return interrupted


class _StopWatch:
    """Adds up each day's production over the plants, as their states arrive."""

    def __init__(self, plants: int) -> None:
        self.plants = plants
        self._days: dict[str, dict[str, float]] = {}

    def record(self, plant: str, state: dict[str, Any]) -> str | None:
        """Note one plant's state; return the day if every plant produced nothing."""
        day = state.get("day")
        if day is None:
            return None
        produced = self._days.setdefault(str(day), {})
        produced[plant] = float(state.get("figures", {}).get("production_today", 0))
        if len(produced) == self.plants and not any(produced.values()):
            return str(day)
        return None


def _clock_args(options: DemoOptions) -> list[str]:
    args = ["clock", "--speed", f"{options.speed:g}"]
    if options.start is not None:
        args += ["--start", options.start.isoformat()]
    if options.end is not None:
        args += ["--end", options.end.isoformat()]
    return args


_COLUMNS = (
    TextColumn("replaying"),
    BarColumn(),
    MofNCompleteColumn(),
    TextColumn("{task.description}"),
)


def _plants(model: NetworkModel) -> list[str]:
    return [t for t in model.twin_ids() if model.node(t)["kind"] == FACTORY]


def _format_of(path: Path) -> GraphFormat:
    match path.suffix.lower():
        case ".graphml":
            return GraphFormat.GRAPHML
        case ".dot" | ".gv":
            return GraphFormat.DOT
        case _:
            return GraphFormat.JSON
