"""Tools: running external analysers (ruff, mypy, bandit, coverage, …) and reading their files."""
