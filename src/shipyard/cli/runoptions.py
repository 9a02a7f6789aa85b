"""``shipyard run``'s options, read and checked before anything is loaded or recorded.

A malformed ``--secret``/``--var``/``--env`` (or their files), ``--platform``,
``--action``, ``--matrix``, ``--jobs`` or ``--report-json`` is a user error before the run
exists, so a mistake never leaves a half-made run in the records.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from pathlib import Path

from shipyard.cli.options import collect_pairs, parse_choices, parse_pairs
from shipyard.errors import UserError
from shipyard.valueclass import dataclass, field

_ACTION = re.compile(r"[^/@\s]+/[^@\s]+@\S+")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """The values of ``shipyard run``'s options, checked."""

    secrets: Mapping[str, str] = field(default_factory=dict)
    environment_secrets: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)
    environment_vars: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    platforms: Mapping[str, str] = field(default_factory=dict)  # label (lower case) -> host
    actions: Mapping[str, Path] = field(default_factory=dict)  # owner/repo@ref -> folder
    matrix: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    debug: bool = False


def read_run_options(args: argparse.Namespace) -> RunOptions:
    """Every option of ``args`` read and checked; raises :class:`UserError` on the first
    bad one."""
    from shipyard.engine.environment import split_scoped

    if args.jobs < 1:
        raise UserError(f"--jobs {args.jobs}: at least one job must run at once", hint="--jobs 1")
    _check_report_path(args.report_json)
    secrets, environment_secrets = split_scoped(
        collect_pairs(args.secret, "--secret", args.secret_file)
    )
    variables, environment_vars = split_scoped(collect_pairs(args.var, "--var", args.var_file))
    return RunOptions(
        secrets=secrets,
        environment_secrets=environment_secrets,
        variables=variables,
        environment_vars=environment_vars,
        env=collect_pairs(args.env, "--env", args.env_file),
        platforms=_platforms(args.platform),
        actions=_actions(args.action),
        matrix=parse_choices(args.matrix, "--matrix"),
        # as GitHub's step debug logging: --debug, or ACTIONS_STEP_DEBUG=true as a secret
        # or a variable
        debug=args.debug
        or any(
            values.get("ACTIONS_STEP_DEBUG", "").strip().lower() == "true"
            for values in (secrets, variables)
        ),
    )


def _check_report_path(report: Path | None) -> None:
    if report is None:
        return
    if not str(report).strip() or str(report) == ".":  # argparse makes '' the path '.'
        raise UserError("--report-json needs a file name", hint="--report-json report.json")
    if report.is_dir():
        raise UserError(
            f"--report-json {report}: that is a folder", hint=f"--report-json {report}/report.json"
        )


def _platforms(given: list[str]) -> dict[str, str]:
    platforms: dict[str, str] = {}
    for item in given:
        label, sep, where = item.partition("=")
        if not sep or not label.strip() or where.strip().lower() != "host":
            raise UserError(
                f"bad --platform {item!r}: jobs can only be mapped to this host",
                hint="write it as --platform LABEL=host, e.g. --platform windows-latest=host",
            )
        platforms[label.strip().lower()] = "host"
    return platforms


def _actions(given: list[str]) -> dict[str, Path]:
    actions: dict[str, Path] = {}
    for name, path in parse_pairs(given, "--action").items():
        if not _ACTION.fullmatch(name):
            raise UserError(
                f"bad --action {name}={path}: {name!r} is not OWNER/REPO@REF",
                hint="write it as --action OWNER/REPO@REF=PATH, e.g. "
                "--action actions/setup-node@v4=../setup-node",
            )
        folder = Path(path).resolve()
        if not folder.is_dir():
            raise UserError(f"--action {name}={path}: no folder {folder}")
        if not any((folder / f).is_file() for f in ("action.yml", "action.yaml")):
            raise UserError(
                f"--action {name}={path}: {folder} has no action.yml",
                hint="point it at the folder that holds the action's action.yml",
            )
        actions[name] = folder
    return actions
