"""The ``twinweave`` command line: one typer app, extended through entry points.

Commands of other packages (the twins' ``twin`` group, say) are found through the
``twinweave.commands`` entry-point group, so the orchestrator never imports a
twin's code.
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import entry_points

import typer

from thread import TwinweaveError

app = typer.Typer(
    name="twinweave",
    help="Federated digital twins for supply chains over a NATS digital thread.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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
    try:
        app()
    except TwinweaveError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
