"""GitHub's server limits in the template reader, and how errors are collected."""

from __future__ import annotations

from shipyard.diagnostics import Diagnostic, Span
from shipyard.workflow.templates import (
    DEFAULT_LIMITS,
    TemplateErrors,
    TemplateLimits,
    TemplateMemory,
    read_template,
)

WORKFLOW = (
    "on: push\njobs:\n  job1:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: echo Deploying 1...\n      - run: echo Deploying 2...\n"
    "      - run: echo Deploying 3...\n"
)


def _errors(text: str, path: str = "w.yml", **limits: int) -> list[str]:
    result = read_template(text, path, limits=TemplateLimits(**limits))
    return [d.render() for d in result.diagnostics]


def test_defaults_are_githubs() -> None:
    githubs = TemplateLimits(
        max_file_size=1024 * 1024,
        max_depth=50,
        max_result_size=10 * 1024 * 1024,
        max_errors=10,
        max_message_length=500,
    )
    assert githubs == DEFAULT_LIMITS


def test_max_file_size() -> None:
    assert _errors(WORKFLOW, max_file_size=len(WORKFLOW)) == []
    assert _errors(WORKFLOW, max_file_size=len(WORKFLOW) - 1) == [
        f"w.yml: The maximum file size of {len(WORKFLOW) - 1} characters has been exceeded"
    ]


def test_file_size_counts_utf16_units() -> None:
    text = "on: push # 😀\njobs: {}\n"
    assert _errors(text, max_file_size=len(text)) != []
    assert _errors(text, max_file_size=len(text) + 1) == []


def test_max_depth_counts_nested_collections() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - uses: a/b@v1\n        with:\n          x: 1\n"
    )
    # root, jobs, a, steps, the step, with: six levels
    assert _errors(text, max_depth=6) == []
    result = read_template(text, "w.yml", limits=TemplateLimits(max_depth=5))
    assert result.value is None
    assert [d.render() for d in result.diagnostics] == ["w.yml: Maximum object depth exceeded"]


def test_default_max_depth() -> None:
    nested = "on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n        m: "
    # root, jobs, a, strategy, matrix: 5 levels, so 45 sequences make 50
    assert _errors(nested + "[" * 45 + "]" * 45 + "\n") == []
    assert _errors(nested + "[" * 46 + "]" * 46 + "\n") == ["w.yml: Maximum object depth exceeded"]


def test_max_result_size_counts_like_github() -> None:
    # GitHub's estimate of this workflow is 1028 bytes plus its file name (26 + 2/char);
    # the corpus pins it: 1128 is enough for ".github/workflows/max-result-size.yml".
    path = ".github/workflows/max-result-size.yml"
    assert _errors(WORKFLOW, path, max_result_size=1128) == []
    assert _errors(WORKFLOW, path, max_result_size=1127) == [
        f"{path}: Maximum object size exceeded"
    ]


def test_memory_can_be_shared_between_reads() -> None:
    memory = TemplateMemory(2000)
    assert read_template(WORKFLOW, "a.yml", memory=memory).diagnostics == []
    used = memory.used
    assert used == 1028 + 26 + 2 * len("a.yml")
    assert read_template(WORKFLOW, "a.yml", memory=memory).diagnostics == [
        Diagnostic("Maximum object size exceeded", Span("a.yml"))
    ]
    assert memory.files == {"A.YML"}


def test_aliases_count_every_time_they_are_read() -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    env: &e {A: '" + "x" * 100 + "'}\n"
    text += "    steps:\n" + "".join("      - run: a\n        env: *e\n" for _ in range(20))
    assert _errors(text, max_result_size=4000) == ["w.yml: Maximum object size exceeded"]
    assert _errors(text) == []


def test_errors_are_capped_at_ten() -> None:
    text = "on: push\n" + "".join(f"k{i}: x\n" for i in range(15)) + "jobs: {}\n"
    errors = _errors(text)
    assert len(errors) == 10
    assert errors[0] == "w.yml (Line: 2, Col: 1): Unexpected value 'k0'"
    assert len(_errors(text, max_errors=0)) == 15  # 0: no cap


def test_long_messages_are_cut_at_500_characters_with_their_prefix() -> None:
    errors = TemplateErrors()
    errors.add("x" * 600, Span("w.yml", 1, 2))
    (diagnostic,) = errors.items
    rendered = diagnostic.render()
    assert len(rendered) == 500 + len("[...]")
    assert rendered.startswith("w.yml (Line: 1, Col: 2): xxx")
    assert rendered.endswith("x[...]")
    short = TemplateErrors()
    short.add("x" * 100, Span("w.yml"))
    assert short.items[0].message == "x" * 100
