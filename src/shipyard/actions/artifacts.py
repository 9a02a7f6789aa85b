"""``actions/upload-artifact`` and ``actions/download-artifact`` (v4) within one run.

Owns the two actions' inputs, outputs and messages. Upload matches ``path`` as
``@actions/glob`` does with implicit descendants (:mod:`shipyard.actions.globs`),
leaves out hidden files unless ``include-hidden-files``, and stores the files relative
to the least common ancestor of the patterns' search paths — or, for a single file named
without a wildcard, to its folder — exactly as upload-artifact lays them out. Download
gives one named artifact's files directly in ``path``, or every artifact (filtered by
``pattern`` or ``artifact-ids``) in ``path/<name>/`` — or all in ``path`` with
``merge-multiple``. Storage is :mod:`shipyard.actions.artifact_store`.

Deviations: ``artifact-url`` is a ``file://`` URL of the stored folder;
``artifact-digest`` hashes the stored files (no zip is made); ``retention-days`` is
recorded only; ``compression-level`` is checked and ignored; another run's artifacts
(``run-id``, ``github-token``, ``repository``) cannot be downloaded offline.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from shipyard.actions.artifact_store import (
    CONFLICT,
    ArtifactExists,
    copy_out,
    list_artifacts,
    store_artifact,
)
from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.globs import PatternError, glob_paths, parse_patterns, search_paths
from shipyard.actions.inputs import failure, read_inputs, resolve_path

UPLOAD_INPUTS = {
    "name": "artifact",
    "path": "",
    "if-no-files-found": "warn",
    "retention-days": "",
    "compression-level": "6",
    "overwrite": "false",
    "include-hidden-files": "false",
}
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
_BAD = {
    '"': ' Double quote "',
    ":": " Colon :",
    "<": " Less than <",
    ">": " Greater than >",
    "|": " Vertical bar |",
    "*": " Asterisk *",
    "?": " Question mark ?",
    "\r": " Carriage return \\r",
    "\n": " Line feed \\n",
}
_BAD_NAME = {**_BAD, "\\": " Backslash \\", "/": " Forward slash /"}


class UploadArtifact:
    """The built-in ``actions/upload-artifact``."""

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        args = read_inputs(services, inputs, UPLOAD_INPUTS)
        name, search = args.get("name") or "artifact", args.get("path")
        if not args.lines("path"):
            raise ActionFailed("Input required and not supplied: path")
        policy = args.get("if-no-files-found")
        if policy not in ("warn", "error", "ignore"):
            raise ActionFailed(
                f"Unrecognized if-no-files-found input. Provided: {policy}. "
                "Available options: warn,error,ignore"
            )
        retention = args.get("retention-days")
        if retention and not re.fullmatch(r"-?\d+", retention):
            raise ActionFailed("Invalid retention-days")
        level = args.get("compression-level")
        if level and not re.fullmatch(r"\d+", level):
            raise ActionFailed("Invalid compression-level")
        if level and not 0 <= int(level) <= 9:
            raise ActionFailed("Invalid compression-level. Valid values are 0-9")
        overwrite, hidden = args.flag("overwrite"), args.flag("include-hidden-files")
        try:
            patterns = parse_patterns(
                args.lines("path"),
                cwd=services.workspace,
                env=services.env,
                implicit_descendants=True,
            )
        except PatternError as error:
            raise ActionFailed(str(error)) from None
        files = glob_paths(patterns, exclude_hidden=not hidden, directories=False)
        if not files:
            message = (
                f"No files were found with the provided path: {search}. "
                "No artifacts will be uploaded."
            )
            if policy == "error":
                raise ActionFailed(message)
            (services.warning if policy == "warn" else services.log)(message)
            return
        s = "" if len(files) == 1 else "s"
        services.log(f"With the provided path, there will be {len(files)} file{s} uploaded")
        root = _root_directory(search_paths(patterns), files)
        _check_name(name)
        pairs = [(path, os.path.relpath(path, root)) for path in files]
        for _, relative in pairs:
            _check_path(relative)
        extra: dict[str, object] = {"retention-days": retention, "job": services.info.job_key}
        try:
            artifact = store_artifact(
                services.info.run_dir, name, pairs, overwrite=overwrite, extra=extra
            )
        except ArtifactExists:
            raise ActionFailed(CONFLICT) from None
        url = artifact.folder.as_uri()
        services.log(
            f"Artifact {name} has been successfully uploaded! Final size is {artifact.size} "
            f"bytes. Artifact ID is {artifact.id}"
        )
        services.log(f"Artifact download URL: {url}")
        services.set_output("artifact-id", str(artifact.id))
        services.set_output("artifact-url", url)
        services.set_output("artifact-digest", artifact.digest)


def _root_directory(searched: list[str], files: list[str]) -> str:
    """upload-artifact's root: the search paths' common ancestor, or a lone file's folder."""
    if len(searched) > 1:
        return os.path.commonpath(searched)
    if len(files) == 1 and searched[0] == files[0]:
        return os.path.dirname(files[0])
    return searched[0]


def _check_name(name: str) -> None:
    for char, described in _BAD_NAME.items():
        if char in name:
            raise ActionFailed(
                f"The artifact name is not valid: {name}. Contains the following character: "
                f"{described}\n          \nInvalid characters include: "
                f"{','.join(_BAD_NAME.values())}"
                "\n          \nThese characters are not allowed in the artifact name due to "
                "limitations with certain file systems such as NTFS. To maintain file system "
                "agnostic behavior, these characters are intentionally not allowed to prevent "
                "potential problems with downloads on different file systems."
            )


def _check_path(path: str) -> None:
    for char, described in _BAD.items():
        if char in path:
            raise ActionFailed(
                f"The path for one of the files in artifact is not valid: {path}. Contains the "
                f"following character: {described}\n          \nInvalid characters include: "
                f"{','.join(_BAD.values())}\n          \nThe following characters are not "
                "allowed in files that are uploaded due to limitations with certain file "
                "systems such as NTFS. To maintain file system agnostic behavior, these "
                "characters are intentionally not allowed to prevent potential problems with "
                "downloads on different file systems.\n          "
            )


class DownloadArtifact:
    """The built-in ``actions/download-artifact``."""

    def main(self, services: StepServices, inputs: Mapping[str, str]) -> None:
        args = read_inputs(services, inputs, DOWNLOAD_INPUTS)
        _check_same_run(services, args.get("run-id"), args.get("repository"))
        name, ids = args.get("name"), args.get("artifact-ids")
        if name and ids:
            raise ActionFailed(
                "Unable to download artifact(s): Inputs 'name' and 'artifact-ids' cannot be "
                "used together. Please specify only one."
            )
        destination = resolve_path(args.get("path") or str(services.workspace), services)
        available = list_artifacts(services.info.run_dir)
        if name:
            services.log("Downloading single artifact")
            chosen = [a for a in available if a.name == name]
            if not chosen:
                uploaded = ", ".join(a.name for a in available) or "none"
                raise failure(
                    f"Unable to download artifact(s): Artifact not found for name: {name}",
                    f"artifacts uploaded so far in this run: {uploaded}",
                )
        else:
            chosen = available
            if ids:
                wanted = {i.strip() for i in ids.split(",") if i.strip()}
                chosen = [a for a in chosen if str(a.id) in wanted]
            if args.get("pattern"):
                services.log(f"Filtering artifacts by pattern '{args.get('pattern')}'")
                chosen = [a for a in chosen if _minimatch(args.get("pattern"), a.name)]
            else:
                services.log(
                    "No input name or pattern filtered specified, downloading all artifacts"
                )
                if not args.flag("merge-multiple"):
                    services.log(
                        "An extra directory with the artifact name will be created "
                        "for each download"
                    )
        if not chosen:
            return  # the real action sets no output when nothing was downloaded
        services.log("Preparing to download the following artifacts:")
        for artifact in chosen:
            services.log(f"- {artifact.name} (ID: {artifact.id}, Size: {artifact.size})")
        together = bool(name) or args.flag("merge-multiple")
        for artifact in chosen:
            copy_out(artifact, destination if together else destination / artifact.name)
        services.log(f"Total of {len(chosen)} artifact(s) downloaded")
        services.set_output("download-path", str(destination))
        services.log("Download artifact has finished successfully")


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
