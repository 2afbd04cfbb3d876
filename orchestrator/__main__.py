"""``python -m orchestrator``: the same command line as ``twinweave``."""

from orchestrator.cli import main

main()
