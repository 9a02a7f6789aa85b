"""Entry point for ``python -m shipyard``: the same as the ``shipyard`` console script."""

from shipyard.cli.launch import entry

entry()
