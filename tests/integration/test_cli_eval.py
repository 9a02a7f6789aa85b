"""``shipyard eval`` as a real process: single expressions, contexts, JSON lines."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path


def shipyard(
    *args: str, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shipyard", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_single_expression_prints_value() -> None:
    proc = shipyard("eval", "format('{0}-{1}', 'a', 1.50)")
    assert (proc.returncode, proc.stdout) == (0, "a-1.5\n")


def test_objects_print_as_json_and_numbers_without_fraction() -> None:
    proc = shipyard("eval", "fromJSON('{\"a\": [1, 2.5, null]}')")
    assert json.loads(proc.stdout) == {"a": [1, 2.5, None]}
    assert proc.stdout.strip() == '{"a": [1, 2.5, null]}'


def test_template_text_is_rendered() -> None:
    proc = shipyard("eval", "v${{ 1 == 1 }}-${{ 'x' }}")
    assert proc.stdout == "vtrue-x\n"


def test_context_file(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx.json"
    ctx.write_text(json.dumps({"github": {"ref": "refs/heads/main"}}))
    proc = shipyard("eval", "startsWith(github.REF, 'refs/heads/')", "--context", str(ctx))
    assert proc.stdout == "true\n"


def test_syntax_error_is_a_user_error_with_position() -> None:
    proc = shipyard("eval", "1 +")
    assert proc.returncode == 1
    expected = "Unexpected symbol: '+'. Located at position 3 within expression: 1 +"
    assert proc.stderr == f"error: {expected}\n"
    assert "Traceback" not in proc.stderr


def test_bad_context_file_is_reported(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx.json"
    ctx.write_text("{nope")
    proc = shipyard("eval", "1", "--context", str(ctx))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {ctx}: not valid JSON")


def test_jsonl_round_trip_with_status_functions_and_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    lines = [
        {"id": "s1", "expr": "success()", "contexts": {"job": {"status": "failure"}}},
        {"id": "s2", "expr": "failure()", "contexts": {"job": {"status": "failure"}}},
        {"id": "s3", "expr": "success()", "contexts": {}},
        {
            "id": "n1",
            "expr": "failure('b') && !success('a', 'b') && success('a')",
            "contexts": {"needs": {"a": {"result": "success"}, "b": {"result": "failure"}}},
        },
        {"id": "e1", "expr": "1 +", "contexts": {}},
        {"id": "c1", "expr": "fromJSON('[1]')", "contexts": {}},
        {"id": "h1", "expr": "hashFiles('*.txt')", "contexts": {}},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    proc = shipyard("eval", "--jsonl", stdin=stdin, cwd=tmp_path)
    assert proc.returncode == 0
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["s1", "s2", "s3", "n1", "e1", "c1", "h1", None]
    assert out[0] == {"id": "s1", "ok": True, "value": False, "coerced": "false"}
    assert out[1]["value"] is True and out[2]["value"] is True and out[3]["value"] is True
    assert out[4]["ok"] is False and "position 3" in out[4]["error"]
    assert out[5] == {"id": "c1", "ok": True, "value": [1], "coerced": "Array"}
    expected = hashlib.sha256(hashlib.sha256(b"hello").digest()).hexdigest()
    assert out[6]["value"] == expected
    assert out[7]["ok"] is False and out[7]["error"].startswith("line 8:")
