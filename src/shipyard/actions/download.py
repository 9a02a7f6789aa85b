"""``actions/download-artifact`` within one run: by name, ``artifact-ids``, ``pattern``, or all.

Owns the action's inputs, outputs and messages (``src/download-artifact.ts``). One named
artifact's files go directly into ``path``; several artifacts go into ``path/<name>/``
each, or all into ``path`` with ``merge-multiple``. A selection (``artifact-ids``,
``pattern`` or all) of exactly one artifact goes directly into ``path`` from v5 on and
into ``path/<name>/`` in v4 and before: the major version is read from the ``uses:`` ref
(``@v4``, ``@v4.1.7``); any other ref (a SHA, a branch) gets the current major's (v5)
layout. ``artifact-ids`` is read as the action reads it (``parseInt(id, 10)``; unknown
ids are a warning, none found an error) and ignores ``pattern``. Storage is
:mod:`shipyard.actions.artifact_store`.

Deviation: another run's artifacts (``run-id``, ``github-token``, ``repository``) cannot
be downloaded offline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from shipyard.actions.artifact_store import Artifact, copy_out, list_artifacts
from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.inputs import Inputs, failure, parse_int, read_inputs, resolve_path

DOWNLOAD_INPUTS = {
    "name": "",
    "artifact-ids": "",
    "path": "",
    "pattern": "",
    "merge-multiple": "false",
    "github-token": "",
    "repository": "",
    "run-id": "",
}
_FAILED = "Unable to download artifact(s): "


class DownloadArtifact:
    """The built-in ``actions/download-artifact``; ``major`` is the ``uses:`` ref's major version.

    ``None`` (a ref that is no version) behaves as the current major version.
    """

    def __init__(self, major: int | None = None) -> None:
        self.major = major
        self._single_in_place = major is None or major >= 5

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        args = read_inputs(services, inputs, DOWNLOAD_INPUTS)
        merge = args.flag("merge-multiple")
        _check_same_run(services, args.get("run-id"), args.get("repository"))
        name, ids = args.get("name"), args.get("artifact-ids")
        if name and ids:
            raise ActionFailed(
                f"{_FAILED}Inputs 'name' and 'artifact-ids' cannot be used together. "
                "Please specify only one."
            )
        destination = resolve_path(args.get("path") or str(services.workspace), services)
        available = list_artifacts(services.info.run_dir)
        if name:
            chosen = _by_name(services, available, name)
        elif ids:
            chosen = _by_ids(services, available, ids)
        else:
            chosen = _filtered(services, available, args, merge)
        if not chosen:
            return  # the real action sets no output when nothing was downloaded
        services.log("Preparing to download the following artifacts:")
        for artifact in chosen:
            services.log(f"- {artifact.name} (ID: {artifact.id}, Size: {artifact.size})")
        in_place = bool(name) or merge or (self._single_in_place and len(chosen) == 1)
        for artifact in chosen:
            copy_out(artifact, destination if in_place else destination / artifact.name)
        services.log(f"Total of {len(chosen)} artifact(s) downloaded")
        services.set_output("download-path", str(destination))
        services.log("Download artifact has finished successfully")


def _by_name(services: StepServices, available: list[Artifact], name: str) -> list[Artifact]:
    services.log("Downloading single artifact")
    chosen = [a for a in available if a.name == name]
    if not chosen:
        uploaded = ", ".join(a.name for a in available) or "none"
        raise failure(
            f"{_FAILED}Artifact not found for name: {name}",
            f"artifacts uploaded so far in this run: {uploaded}",
        )
    return chosen


def _by_ids(services: StepServices, available: list[Artifact], ids: str) -> list[Artifact]:
    services.log("Downloading artifacts by ID")
    listed = [each.strip() for each in ids.split(",") if each.strip()]
    if not listed:
        raise ActionFailed(f"{_FAILED}No valid artifact IDs provided in 'artifact-ids' input")
    wanted: list[int] = []
    for each in listed:
        number = parse_int(each, decimal=True)
        if number is None:
            raise ActionFailed(f"{_FAILED}Invalid artifact ID: '{each}'. Must be a number.")
        wanted.append(number)
    chosen = [a for a in available if a.id in wanted]
    if not chosen:
        raise ActionFailed(f"{_FAILED}None of the provided artifact IDs were found")
    if len(chosen) < len(wanted):
        found = {a.id for a in chosen}
        missing = ", ".join(str(n) for n in wanted if n not in found)
        services.warning(f"Could not find the following artifact IDs: {missing}")
    return chosen


def _filtered(
    services: StepServices, available: list[Artifact], args: Inputs, merge: bool
) -> list[Artifact]:
    pattern = args.get("pattern")
    if pattern:
        services.log(f"Filtering artifacts by pattern '{pattern}'")
        return [a for a in available if _minimatch(pattern, a.name)]
    services.log(
        "No input name, artifact-ids or pattern filtered specified, downloading all artifacts"
    )
    if not merge:
        services.log("An extra directory with the artifact name will be created for each download")
    return available


def _check_same_run(services: StepServices, run_id: str, repository: str) -> None:
    this_run = services.env.get("GITHUB_RUN_ID", "")
    this_repo = services.env.get("GITHUB_REPOSITORY", "")
    other_run = bool(run_id) and run_id != this_run
    other_repo = bool(repository) and repository.lower() != this_repo.lower()
    if other_run or other_repo:
        what = f"run {run_id}" if other_run else f"repository {repository}"
        raise failure(
            f"Unable to download artifact(s): artifacts of {what} cannot be downloaded "
            "offline; only this run's artifacts are available locally",
            "download them first (gh run download) and point a step at the folder, "
            "or remove run-id/repository to use this run's artifacts",
        )


def _minimatch(pattern: str, name: str) -> bool:
    """``minimatch(name, pattern)`` for artifact names: braces, ``*``, ``?``, ``[...]``."""
    brace = re.search(r"\{([^{}]*,[^{}]*)\}", pattern)
    if brace:
        return any(
            _minimatch(pattern[: brace.start()] + option + pattern[brace.end() :], name)
            for option in brace[1].split(",")
        )
    if name.startswith(".") and not pattern.startswith("."):
        return False
    regex = ""
    i = 0
    while i < len(pattern):
        char, end = pattern[i], pattern.find("]", i + 2)
        if char == "*":
            regex += ".*" if pattern.startswith("**", i) else "[^/]*"
            i += 2 if pattern.startswith("**", i) else 1
            continue
        if char == "?":
            regex += "[^/]"
        elif char == "[" and end != -1:
            body = pattern[i + 1 : end]
            regex += "[" + ("^" + body[1:] if body[:1] in "!^" and body else body) + "]"
            i = end
        else:
            regex += re.escape(char)
        i += 1
    return re.fullmatch(regex, name) is not None
