"""Expression benchmarks: parsing and evaluating the expressions workflows are made of.

``shipyard bench run`` times each ``bench_*`` function; on a pull request the performance
gate (``3-performance.yml``) times the base's and the head's versions interleaved. A
``setup_*`` function's result is prepared once, outside the timing.
"""

from __future__ import annotations

from collections.abc import Callable

from shipyard.expr import HOST_FUNCTIONS, Expr, evaluate, parse_expression

# what real workflows write in `if:`, `name:`, `with:` and `env:` (the status functions
# and hashFiles are host functions: HOST_FUNCTIONS makes them known to the parser)
EXPRESSIONS = (
    "github.event_name == 'push' && github.ref == 'refs/heads/main'",
    "startsWith(github.ref, 'refs/tags/v') || (github.event_name == 'workflow_dispatch'"
    " && inputs.environment == 'production')",
    "!cancelled() && needs.build.result == 'success' && needs.test.outputs.version != ''",
    "format('{0}-{1}-{2}', runner.os, matrix.python-version, hashFiles('**/requirements.txt'))",
    'contains(fromJSON(\'["3.10", "3.11", "3.12"]\'), matrix.python-version)',
    "github.event.pull_request.base.sha || 'HEAD~1'",
    "env.SHIPYARD_LOCAL != 'true' && '--online' || ''",
    "join(github.event.commits.*.message, ', ')",
    "toJSON(matrix) == '{}' || matrix.os == 'ubuntu-latest' && matrix.python-version >= 3.11",
    "always() && (needs.deploy-staging.result == 'failure' || needs.deploy-production.result "
    "== 'failure')",
)
CONTEXTS: dict[str, object] = {
    "github": {
        "event_name": "push",
        "ref": "refs/heads/main",
        "event": {
            "pull_request": {"base": {"sha": "0123abcd"}},
            "commits": [{"message": f"commit {i}"} for i in range(20)],
        },
    },
    "inputs": {"environment": "staging"},
    "env": {"SHIPYARD_LOCAL": "true"},
    "runner": {"os": "Linux"},
    "matrix": {"os": "ubuntu-latest", "python-version": "3.12"},
    "needs": {
        "build": {"result": "success", "outputs": {}},
        "test": {"result": "success", "outputs": {"version": "1.2.3"}},
        "deploy-staging": {"result": "success", "outputs": {}},
        "deploy-production": {"result": "skipped", "outputs": {}},
    },
}
# host functions with fixed answers, as a job's step conditions see them
FUNCTIONS: dict[str, Callable[..., object]] = {
    "always": lambda: True,
    "cancelled": lambda: False,
    "failure": lambda: False,
    "success": lambda: True,
    "hashFiles": lambda *patterns: "9f86d081884c7d65",
}


def bench_parse_expressions() -> None:
    """Parse ten typical expressions (lexer and parser; no cache in between)."""
    for text in EXPRESSIONS:
        parse_expression(text, functions=HOST_FUNCTIONS)


def setup_evaluate_expressions() -> list[Expr]:
    return [parse_expression(text, functions=HOST_FUNCTIONS) for text in EXPRESSIONS]


def bench_evaluate_expressions(parsed: list[Expr]) -> None:
    """Evaluate the ten expressions, already parsed, 20 times each against real contexts."""
    for _ in range(20):
        for expr in parsed:
            evaluate(expr, CONTEXTS, FUNCTIONS)
