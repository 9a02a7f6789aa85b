"""``actions/upload-artifact`` (v4) within one run.

Owns the action's inputs, outputs and messages. ``path`` is matched as ``@actions/glob``
does with implicit descendants (:mod:`shipyard.actions.globs`), hidden files are left out
unless ``include-hidden-files``, and the files are stored relative to the least common
ancestor of the patterns' search paths — or, for a single file named without a wildcard,
to its folder — exactly as upload-artifact lays them out. Storage is
:mod:`shipyard.actions.artifact_store`; downloads are :mod:`shipyard.actions.download`.

Inputs are read as ``getInputs`` reads them: ``retention-days`` and ``compression-level``
with ``parseInt`` (``5d`` is 5); an input it rejects with ``core.setFailed`` (which does
not stop the action) fails the step after the upload, as on GitHub; an empty ``name``
(the runner applies the default ``artifact`` only when the input is absent) fails the
toolkit's name check.

Deviations: ``artifact-url`` is a ``file://`` URL of the stored folder;
``artifact-digest`` hashes the stored files (no zip is made); ``retention-days`` is
recorded only; ``compression-level`` is checked and ignored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from shipyard.actions.artifact_store import CONFLICT, ArtifactExists, store_artifact
from shipyard.actions.base import ActionFailed, StepServices
from shipyard.actions.globs import PatternError, glob_paths, parse_patterns, search_paths
from shipyard.actions.inputs import Inputs, parse_int, read_inputs

UPLOAD_INPUTS = {
    "name": "artifact",
    "path": "",
    "if-no-files-found": "warn",
    "retention-days": "",
    "compression-level": "6",
    "overwrite": "false",
    "include-hidden-files": "false",
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
        failed: list[str] = []  # core.setFailed: the step fails, the upload goes on
        try:
            self._upload(services, args, failed)
        except ActionFailed as error:  # thrown: run().catch → core.setFailed
            failed.append(str(error))
        if failed:
            raise ActionFailed("\n".join(failed))

    def _upload(self, services: StepServices, args: Inputs, failed: list[str]) -> None:
        # the runner applies the default name only when the input is absent: an empty
        # one (from an expression) reaches the toolkit's name check as it is
        name, search = args.get("name"), args.get("path")
        if not args.lines("path"):
            raise ActionFailed("Input required and not supplied: path")
        overwrite, hidden = args.flag("overwrite"), args.flag("include-hidden-files")
        policy: str | None = args.get("if-no-files-found")
        if policy not in ("warn", "error", "ignore"):
            failed.append(
                f"Unrecognized if-no-files-found input. Provided: {policy}. "
                "Available options: warn,error,ignore"
            )
            policy = None
        retention = args.get("retention-days")
        if retention and parse_int(retention) is None:
            failed.append("Invalid retention-days")
        level_text = args.get("compression-level")
        level = parse_int(level_text) if level_text else 6
        if level is None:
            failed.append("Invalid compression-level")
        elif not 0 <= level <= 9:  # zlib refuses the level: nothing is uploaded
            raise ActionFailed("Invalid compression-level. Valid values are 0-9")
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
                failed.append(message)
            elif policy is not None:
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
    if not name:
        raise ActionFailed("Provided artifact name input during validation is empty")
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
