"""The ``twinweave`` command line: one typer app, extended through entry points.

Commands of other packages (the twins' ``twin`` group, say) are found through the
``twinweave.commands`` entry-point group, so the orchestrator never imports a
twin's code. Any failure ends as one readable line on stderr, with exit code 2
for an unusable argument and 1 for anything else. The commands themselves live
in ``_cli_live`` (the running thread) and ``_cli_planning`` (planning views).
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from orchestrator import _cli_live, _cli_planning
from orchestrator._cli_app import app

# Importing the command modules registers their commands on ``app``.
_COMMANDS = (_cli_live, _cli_planning)


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


__all__ = ["app", "main"]
