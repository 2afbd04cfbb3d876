"""The ``twinweave`` app itself: its error handling, shared options and helpers."""

from __future__ import annotations

import enum
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, TypeVar

import orjson
import pydantic
import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup
from typer.exceptions import TyperException

from orchestrator._client import OrchestratorClient
from orchestrator._scenario import Scenario
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

BAD_ARGUMENT = (ConfigurationError, ContractError, SubjectError, UnknownTwinError)
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
            code = 2 if isinstance(exc, BAD_ARGUMENT) else 1
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


def cli_settings(
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


def cli_thread(settings: ThreadSettings, name: str = "twinweave-cli") -> Thread:
    return Thread(
        settings.nats_url,
        subjects=Subjects(settings.prefix),
        name=name,
        connect_timeout=settings.request_timeout,
    )


async def ask_orchestrator(
    settings: ThreadSettings, ask: Callable[[OrchestratorClient], Awaitable[T]]
) -> T:
    async with cli_thread(settings) as thread:
        return await ask(OrchestratorClient(thread, timeout=settings.request_timeout))


def show_result(data: Any, table: Table | None) -> None:
    if table is None:
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        Console().print(table)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as the JSON body of a query."""
    data: dict[str, Any] = scenario.model_dump(mode="json")
    return data
