"""``python -m twins``: the same as ``twinweave-twin``."""

from twins.cli import main

main()
