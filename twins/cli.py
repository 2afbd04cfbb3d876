"""``twinweave twin``: run one twin of a built-in kind as its own process."""

from __future__ import annotations

import typer

app = typer.Typer(help="Run and inspect twins.", no_args_is_help=True)
