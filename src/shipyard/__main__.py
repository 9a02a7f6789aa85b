"""Entry point for ``python -m shipyard``."""

from shipyard.cli.main import entry

entry()
