"""Command-line entry points: one module per command, each returning an exit code."""
