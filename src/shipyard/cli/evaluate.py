"""``shipyard eval``: evaluate expressions, one from the command line or many as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from shipyard.errors import UserError


def add_parser(sub: Any, name: str, help_text: str) -> None:
    """Define the command's options."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("expression", nargs="?", metavar="EXPR", help="e.g. \"format('{0}', 1)\"")
    parser.add_argument(
        "--context", metavar="FILE.json", help='contexts as a JSON object: {"github": {...}}'
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"id", "expr", "contexts"} lines on stdin, write one result line each',
    )


def run(args: argparse.Namespace) -> int:
    """Evaluate; exit 1 when the single expression fails."""
    if args.jsonl:
        return run_jsonl(sys.stdin, sys.stdout)
    if args.expression is None:
        raise UserError("no expression given", hint='shipyard eval "1 == 1", or --jsonl')
    contexts = _load_contexts(args.context) if args.context else {}
    result = evaluate_line(args.expression, contexts)
    if not result["ok"]:
        raise UserError(str(result["error"]))
    value = result["value"]
    print(value if isinstance(value, str) else dumps(value))
    return 0


def run_jsonl(stdin: TextIO, stdout: TextIO) -> int:
    """One output line per input line, in order; a bad line is reported, never fatal."""
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("each line must be a JSON object")
        except (ValueError, RecursionError) as err:
            why = "JSON nested too deeply" if isinstance(err, RecursionError) else err
            out: dict[str, object] = {"id": None, "ok": False, "error": f"line {number}: {why}"}
        else:
            contexts = request.get("contexts") or {}
            expr = request.get("expr")
            if not isinstance(expr, str) or not isinstance(contexts, Mapping):
                out = {
                    "ok": False,
                    "error": f"line {number}: need a string expr and object contexts",
                }
            else:
                out = evaluate_line(expr, contexts)
            out = {"id": request.get("id"), **out}
        stdout.write(dumps(out) + "\n")
        stdout.flush()
    return 0


def evaluate_line(expr: str, contexts: Mapping[str, Any]) -> dict[str, object]:
    """Evaluate one expression (bare, or a ``${{ }}`` template) with standalone host functions."""
    from shipyard.expr import (
        EvaluationError,
        ExpressionError,
        evaluate,
        render_template,
        to_display_string,
    )
    from shipyard.plan.conditions import status_functions

    job = contexts.get("job")
    status = job.get("status") if isinstance(job, Mapping) else None
    needs = contexts.get("needs")
    functions = status_functions(
        status=str(status) if status is not None else None,
        needs=needs if isinstance(needs, Mapping) else None,
    )
    functions["hashFiles"] = _hash_files
    try:
        text = expr.strip()
        if "${{" in text:
            inner = _whole_expression(text)
            value = (
                evaluate(inner, contexts, functions)
                if inner is not None
                else render_template(expr, contexts, functions)
            )
        else:
            value = evaluate(expr, contexts, functions)
    except (ExpressionError, EvaluationError) as err:
        return {"ok": False, "error": err.message}
    return {"ok": True, "value": value, "coerced": to_display_string(value)}


def _hash_files(*patterns: object) -> str:
    """``hashFiles()`` over the current folder (the workspace when run standalone)."""
    from shipyard.hashfiles import hash_files

    return hash_files(Path.cwd(), [str(p) for p in patterns])


def _whole_expression(text: str) -> str | None:
    """``${{ x }}`` → ``x`` when the whole text is one expression, else None."""
    from shipyard.expr import split_template

    parts = split_template(text)
    if len(parts) == 1 and parts[0].expression is not None:
        return parts[0].expression
    return None


def dumps(value: object) -> str:
    """JSON with GitHub's numbers: integral floats print without ``.0``."""
    from shipyard.expr.values import plain_json

    return json.dumps(plain_json(value), ensure_ascii=False)


def _load_contexts(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise UserError(f"cannot read {path}: {err.strerror}") from None
    except ValueError as err:
        raise UserError(f"{path}: not valid JSON: {err}") from None
    except RecursionError:
        raise UserError(f"{path}: JSON nested too deeply to read") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: must hold a JSON object of contexts", hint='{"github": {...}}')
    return data
