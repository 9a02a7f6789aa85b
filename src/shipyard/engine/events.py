"""The event a local run answers, built from the repository's git state.

:func:`build_event` returns a :class:`LocalEvent`: the trigger :class:`Event` that decides
which workflows fire, the payload workflows read as ``github.event`` (also the file at
``GITHUB_EVENT_PATH``), and the ``github`` context fields that come from git. Payloads
follow GitHub's webhook payloads, keeping the fields workflows read.

Choices for a local run:

- Changed paths (for ``paths`` filters) are the event's committed changes *plus* the
  uncommitted ones (staged, unstaged, and untracked files that are not ignored), because
  Shipyard runs the working tree as it is. They count only when the event's commit is the
  checked-out one (HEAD). A rename counts as both of its paths.
- ``ref`` names a tag when one has that name, else a branch (local, else ``origin``'s);
  a full ``refs/...`` is taken as it is. Without it, events run on the current branch
  (a detached HEAD is an error), and ``schedule`` on the default branch: ``origin/HEAD``,
  else ``main``, else ``master``.
- ``push``: ``before`` is the pushed commit's first parent (40 zeros for a root commit),
  so ``commits`` lists what that commit brings (itself, plus what a merge merges).
- ``pull_request``: the head branch is the current one (or ``ref``), the base is ``base``
  or the default branch, the pull request is number 1, ``github.ref`` is
  ``refs/pull/1/merge`` but ``github.sha`` is the head commit: no merge commit is made
  (GitHub tests a merge of head into base). ``pull_request_target`` has the same payload,
  with the base branch's ref and commit. ``github.base_ref``/``head_ref`` are empty for
  other events, as on GitHub.
- ``repository`` is the ``owner/name`` of the ``origin`` remote when its URL is GitHub-style
  (``https://host/owner/name``, ``git@host:owner/name.git``, ``ssh://...``), else
  ``local/<folder>``; URLs always point at github.com. ``actor`` is git's ``user.name``
  (``shipyard`` when unset), where GitHub has a login.
- An event file (``event_path``) replaces the built payload. What it says about refs,
  commits, the activity and inputs wins over the arguments, which win over git."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from shipyard.errors import UserError
from shipyard.repository import (
    default_branch,
    git_bytes,
    git_output,
    remote_slug,
    uncommitted_paths,
)
from shipyard.valueclass import dataclass

if TYPE_CHECKING:  # at run time imported where events are made: the trigger rules are a
    # heavy import, which ``shipyard run`` does while git answers the questions here
    from shipyard.workflow.triggers import Event

ZERO_SHA = "0" * 40
SERVER_URL = "https://github.com"
API_URL = "https://api.github.com"
GRAPHQL_URL = "https://api.github.com/graphql"
PULL_NUMBER = 1
MAX_COMMITS = 2048
"""GitHub's limit on ``commits`` in a push payload."""

_PULL_EVENTS = frozenset({"pull_request", "pull_request_target"})
_SHA = re.compile(r"[0-9a-f]{40}")
_NO_INPUTS: Mapping[str, str] = MappingProxyType({})
_REF_HINT = "list them with git branch --all and git tag"

T = TypeVar("T")


class _Later(Generic[T]):
    """A call started in a thread now; :meth:`get` waits for its value (or its exception).

    Git's answers are read concurrently where they do not depend on each other: each git
    process costs milliseconds of start-up, and a run reads several of them.
    """

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._function()
        except BaseException as error:  # handed to the caller by get()
            self._error = error

    def get(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class LocalEvent:
    """The trigger event, the ``github.event`` payload and the git-derived ``github`` fields."""

    event: Event
    payload: dict[str, Any]
    github: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Repo:
    """The git facts every event needs, read once."""

    top: Path
    owner: str
    name: str
    head_sha: str
    head_parent: str | None  # HEAD's first parent; None for a root commit
    head_branch: str | None
    default_branch: str | None
    actor: str
    email: str | None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def git(self, *args: str) -> str | None:
        return git_output(*args, cwd=self.top)

    def commit(self, rev: str) -> str | None:
        """The commit ``rev`` names (tags peeled), or None."""
        return self.git("rev-parse", "--verify", "-q", f"{rev}^{{commit}}") or None

    def branch_sha(self, branch: str) -> str | None:
        """A local branch's commit, else ``origin``'s branch of that name."""
        return self.commit(f"refs/heads/{branch}") or self.commit(f"refs/remotes/origin/{branch}")

    def repository(self) -> dict[str, Any]:
        default = self.default_branch or self.head_branch or "main"
        return {
            "name": self.name,
            "full_name": self.full_name,
            "owner": {"login": self.owner, "name": self.owner},
            "html_url": f"{SERVER_URL}/{self.full_name}",
            "clone_url": f"{SERVER_URL}/{self.full_name}.git",
            "default_branch": default,
            "master_branch": default,
        }

    def sender(self) -> dict[str, Any]:
        return {"login": self.actor, "type": "User"}


@dataclass(frozen=True, slots=True)
class _Built:
    event: Event
    payload: dict[str, Any]
    sha: str


def build_event(
    repo: Path,
    *,
    name: str = "push",
    ref: str | None = None,
    base: str | None = None,
    inputs: Mapping[str, str] = _NO_INPUTS,
    event_path: Path | None = None,
    schedule: str | None = None,
    activity: str | None = None,
) -> LocalEvent:
    """Build event ``name`` from the git state of ``repo`` (see the module docstring)."""
    given = _read_payload(event_path) if event_path is not None else {}
    state = _load_repo(repo)
    if name == "push":
        built = _push(state, ref, given)
    elif name in _PULL_EVENTS:
        built = _pull_request(state, name, ref, base, activity, given)
    elif name == "schedule":
        built = _schedule(state, ref, schedule, given)
    elif name == "workflow_dispatch":
        built = _dispatch(state, ref, inputs, given)
    else:
        built = _other(state, name, ref, activity, given)
    sender = given.get("sender")
    login = sender.get("login") if isinstance(sender, dict) else None
    actor = login if isinstance(login, str) and login else state.actor
    return LocalEvent(built.event, built.payload, _github(state, built, actor))


def _read_payload(path: Path) -> dict[str, Any]:
    hint = "pass a file holding one JSON object, as GitHub's file at GITHUB_EVENT_PATH"
    try:
        data = json.loads(path.read_bytes())
    except OSError as err:
        raise UserError(f"cannot read the event file {path}: {err.strerror}", hint=hint) from None
    except ValueError as err:
        raise UserError(f"{path}: not valid JSON: {err}", hint=hint) from None
    except RecursionError:
        raise UserError(f"{path}: JSON nested too deeply to read", hint=hint) from None
    if not isinstance(data, dict):
        kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
        kind = kinds.get(type(data), "a number")
        raise UserError(f"{path}: the event payload must be a JSON object, not {kind}", hint=hint)
    return data


def _load_repo(repo: Path) -> _Repo:
    if shutil.which("git") is None:
        raise UserError("git is not installed", hint="Shipyard reads events from git; install it")
    keys = r"^(user\.name|user\.email|remote\.origin\.url)$"
    found_later = _Later(lambda: git_output("config", "--get-regexp", keys, cwd=repo) or "")
    default_later = _Later(lambda: default_branch(repo))
    parents_later = _Later(lambda: git_output("rev-list", "--parents", "-n", "1", "HEAD", cwd=repo))
    args = ("rev-parse", "--show-toplevel", "HEAD^{commit}", "--symbolic-full-name", "HEAD", "--")
    lines = (git_output(*args, cwd=repo) or "").splitlines()
    if len(lines) < 3:
        found_top = git_output("rev-parse", "--show-toplevel", cwd=repo)
        if not found_top:
            raise UserError(
                f"not a git repository: {repo}",
                hint="run shipyard inside a git repository, or git init",
            )
        raise UserError(
            f"the repository has no commits yet: {found_top}",
            hint="commit something first: workflows run for a commit",
        )
    top, head_sha, head_ref = Path(lines[0]), lines[1], lines[2]
    config = dict(line.partition(" ")[::2] for line in found_later.get().splitlines())
    parents = (parents_later.get() or "").split()
    slug = remote_slug(config.get("remote.origin.url", ""))
    owner, name = slug or ("local", top.name)
    return _Repo(
        top=top,
        owner=owner,
        name=name,
        head_sha=head_sha,
        # Read alongside rev-parse: it counts only if it names the same HEAD commit.
        head_parent=parents[1] if len(parents) > 1 and parents[0] == head_sha else None,
        head_branch=head_ref.removeprefix("refs/heads/") if head_ref != "HEAD" else None,
        default_branch=default_later.get(),
        actor=config.get("user.name") or "shipyard",
        email=config.get("user.email") or None,
    )


def _push(state: _Repo, ref_arg: str | None, given: dict[str, Any]) -> _Built:
    ref, sha = _target(state, ref_arg, _text(given.get("ref")), _sha(given.get("after")))
    before = _sha(given.get("before")) or _first_parent(state, sha) or ZERO_SHA
    changed_later = _Later(lambda: _changed(state, before, sha))
    payload = given or _push_payload(state, ref, before, sha)
    changed = changed_later.get()
    from shipyard.workflow.triggers import Event, find_skip_ci  # see the imports above

    head = _mapping(payload.get("head_commit"))
    skip = find_skip_ci(_text(head.get("message")))
    return _Built(Event("push", ref=ref, changed_paths=changed, skip_ci=skip), payload, sha)


def _first_parent(state: _Repo, sha: str) -> str | None:
    """``sha^1`` (None for a root commit), without asking git again for HEAD."""
    if sha == state.head_sha:
        return state.head_parent
    return state.commit(f"{sha}^1")


def _pull_request(
    state: _Repo,
    name: str,
    ref_arg: str | None,
    base_arg: str | None,
    activity: str | None,
    given: dict[str, Any],
) -> _Built:
    pull = _mapping(given.get("pull_request"))
    head_info, base_info = _mapping(pull.get("head")), _mapping(pull.get("base"))
    head = _text(head_info.get("ref")) or _branch(ref_arg) or state.head_branch
    if head is None:
        raise UserError(
            f"HEAD is detached at {state.head_sha[:7]}, so there is no head branch",
            hint="check out the pull request's branch, or pass --ref BRANCH",
        )
    head_sha = _sha(head_info.get("sha")) or state.branch_sha(head)
    if head_sha is None and not given and ref_arg is not None:
        raise UserError(f"no branch named '{head}' for the pull request's head", hint=_REF_HINT)
    head_sha = head_sha or state.head_sha
    base = _text(base_info.get("ref")) or _branch(base_arg) or state.default_branch
    if base is None:
        raise UserError(
            "cannot tell the pull request's base: no origin/HEAD, and no 'main' or 'master' branch",
            hint="pass --base BRANCH",
        )
    base_sha = _sha(base_info.get("sha")) or state.branch_sha(base)
    if base_sha is None and not given:
        raise UserError(f"no branch named '{base}' for the pull request's base", hint=_REF_HINT)
    merge_base = state.git("merge-base", base_sha, head_sha) if base_sha else None
    changed = _changed(state, merge_base, head_sha) if merge_base else None
    action = _text(given.get("action")) or activity or "opened"
    number = _number(given.get("number")) or _number(pull.get("number")) or PULL_NUMBER
    if name == "pull_request":
        ref, sha = f"refs/pull/{number}/merge", head_sha
    else:
        ref, sha = f"refs/heads/{base}", base_sha or head_sha
    from shipyard.workflow.triggers import Event, find_skip_ci  # see the imports above

    message = state.git("log", "-1", "--format=%B", head_sha) or ""
    event = Event(
        name,
        ref=ref,
        base_ref=base,
        head_ref=head,
        changed_paths=changed,
        action=action,
        skip_ci=find_skip_ci(message),
    )
    if given:
        return _Built(event, given, sha)
    subject, _, body = message.partition("\n")
    repository = state.repository()

    def side(branch: str, commit: str | None) -> dict[str, Any]:
        label = f"{state.owner}:{branch}"
        return {"ref": branch, "sha": commit, "label": label, "repo": state.repository()}

    pull_payload = {
        "number": number,
        "title": subject,
        "body": body.strip() or None,
        "state": "open",
        "draft": False,
        "merged": False,
        "html_url": f"{SERVER_URL}/{state.full_name}/pull/{number}",
        "user": {"login": state.actor},
        "labels": [],
        "head": side(head, head_sha),
        "base": side(base, base_sha),
    }
    payload = {
        "action": action,
        "number": number,
        "pull_request": pull_payload,
        "repository": repository,
        "sender": state.sender(),
    }
    return _Built(event, payload, sha)


def _schedule(
    state: _Repo, ref_arg: str | None, schedule: str | None, given: dict[str, Any]
) -> _Built:
    cron = _text(given.get("schedule")) or schedule
    if ref_arg is not None:
        ref, sha = _resolve(state, ref_arg)
    else:
        branch = state.default_branch
        sha_or_none = state.branch_sha(branch) if branch else None
        if branch is None or sha_or_none is None:
            raise UserError(
                "cannot tell the default branch, where scheduled workflows run: "
                "no origin/HEAD, and no 'main' or 'master' branch",
                hint="pass --ref BRANCH",
            )
        ref, sha = f"refs/heads/{branch}", sha_or_none
    payload = given or ({"schedule": cron} if cron is not None else {})
    from shipyard.workflow.triggers import Event  # see the imports above

    return _Built(Event("schedule", ref=ref, schedule=cron), payload, sha)


def _dispatch(
    state: _Repo, ref_arg: str | None, inputs: Mapping[str, str], given: dict[str, Any]
) -> _Built:
    ref, sha = _target(state, ref_arg, _text(given.get("ref")), None)
    raw = given.get("inputs")  # an event file's inputs win over --input, which fill the rest
    from_file = raw if isinstance(raw, Mapping) else {}
    values = {**inputs, **{str(k): _input_text(v) for k, v in from_file.items()}}
    payload = given or {
        "inputs": dict(inputs),
        "ref": ref,
        "repository": state.repository(),
        "sender": state.sender(),
    }
    from shipyard.workflow.triggers import Event  # see the imports above

    event = Event("workflow_dispatch", ref=ref, inputs=MappingProxyType(values))
    return _Built(event, payload, sha)


def _other(
    state: _Repo, name: str, ref_arg: str | None, activity: str | None, given: dict[str, Any]
) -> _Built:
    given_ref = _text(given.get("ref"))
    ref, sha = _target(state, ref_arg, given_ref if given_ref.startswith("refs/") else "", None)
    action = _text(given.get("action")) or activity
    run = _mapping(given.get("workflow_run"))
    from shipyard.workflow.triggers import Event  # see the imports above

    event = Event(
        name,
        ref=ref,
        action=action,
        head_ref=_text(run.get("head_branch")) or None,
        workflow_name=_text(run.get("name")) or None,
    )
    payload = given or {"repository": state.repository(), "sender": state.sender()}
    if action is not None and not given:
        payload = {"action": action, **payload}
    return _Built(event, payload, sha)


def _target(
    state: _Repo, ref_arg: str | None, given_ref: str, given_sha: str | None
) -> tuple[str, str]:
    """The event's full ref and commit: from the event file, ``--ref``, or HEAD's branch."""
    if given_ref:
        ref = given_ref if given_ref.startswith("refs/") else f"refs/heads/{given_ref}"
        return ref, given_sha or state.commit(ref) or state.head_sha
    if ref_arg is not None:
        return _resolve(state, ref_arg)
    if state.head_branch is None:
        raise UserError(
            f"HEAD is detached at {state.head_sha[:7]}, so there is no branch for the event",
            hint="pass --ref with a branch or tag name, or check out a branch",
        )
    return f"refs/heads/{state.head_branch}", state.head_sha


def _resolve(state: _Repo, name: str) -> tuple[str, str]:
    """``--ref NAME``: a full ref as given, else a tag of that name, else a branch."""
    if name.startswith("refs/"):
        candidates = [(name, name)]
    else:
        candidates = [(f"refs/tags/{name}", f"refs/tags/{name}")]
        candidates += [(f"refs/heads/{name}", f"refs/{kind}/{name}") for kind in _BRANCH_HOMES]
    for ref, where in candidates:
        sha = state.commit(where)
        if sha:
            return ref, sha
    raise UserError(f"no branch or tag named '{name}'", hint=_REF_HINT)


_BRANCH_HOMES = ("heads", "remotes/origin")


def _changed(state: _Repo, before: str, sha: str) -> tuple[str, ...] | None:
    """Paths changed from ``before`` to ``sha`` (plus uncommitted ones when ``sha`` is HEAD)."""
    head = sha == state.head_sha
    uncommitted = _Later(lambda: uncommitted_paths(state.top)) if head else None
    if before == ZERO_SHA:
        out = git_bytes("ls-tree", "-r", "-z", "--name-only", "--full-tree", sha, cwd=state.top)
    else:
        args = ("diff-tree", "-r", "-z", "--name-only", "--no-renames", before, sha)
        out = git_bytes(*args, cwd=state.top)
    if out is None:
        return None
    paths = set(_split(out))
    if uncommitted is not None:
        paths.update(uncommitted.get())
    return tuple(sorted(paths))


def _push_payload(state: _Repo, ref: str, before: str, after: str) -> dict[str, Any]:
    commits = _commits(state, before, after)
    created = before == ZERO_SHA
    compare = f"{SERVER_URL}/{state.full_name}/compare/"
    compare += _ref_parts(ref)[0] if created else f"{before[:12]}...{after[:12]}"
    return {
        "ref": ref,
        "before": before,
        "after": after,
        "created": created,
        "deleted": False,
        "forced": False,
        "base_ref": None,
        "compare": compare,
        "commits": commits,
        "head_commit": next((c for c in commits if c["id"] == after), None),
        "repository": state.repository(),
        "pusher": {"name": state.actor, "email": state.email},
        "sender": state.sender(),
    }


_COMMIT_FIELDS = ("%H", "%T", "%P", "%aI", "%an", "%ae", "%cn", "%ce", "%B")


def _commits(state: _Repo, before: str, after: str) -> list[dict[str, Any]]:
    """The commits in ``before..after``, oldest first, as in a push payload."""
    fmt = "%x00".join(_COMMIT_FIELDS)
    revs = [after] if before == ZERO_SHA else [after, f"^{before}"]
    args = ("log", "-z", f"--format={fmt}", f"--max-count={MAX_COMMITS}", "--reverse")
    out = git_bytes(*args, *revs, "--", cwd=state.top) or b""
    fields = out.decode("utf-8", "replace").split("\0")
    size = len(_COMMIT_FIELDS)
    rows = [fields[i : i + size] for i in range(0, len(fields) - size + 1, size)]
    files = _commit_files(state.top, [(row[0], row[2].split(" ")[0]) for row in rows])
    commits = []
    for sha, tree, _, date, author, author_email, committer, committer_email, message in rows:
        added, removed, modified = files.get(sha, ([], [], []))
        commits.append(
            {
                "id": sha,
                "tree_id": tree,
                "distinct": True,
                "message": message.rstrip("\n"),
                "timestamp": date,
                "url": f"{SERVER_URL}/{state.full_name}/commit/{sha}",
                "author": {"name": author, "email": author_email},
                "committer": {"name": committer, "email": committer_email},
                "added": added,
                "removed": removed,
                "modified": modified,
            }
        )
    return commits


def _commit_files(
    top: Path, commits: list[tuple[str, str]]
) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """Added, removed and modified paths of each commit against its first parent."""
    lines = "".join(f"{sha} {parent}".rstrip() + "\n" for sha, parent in commits)
    args = ("diff-tree", "--stdin", "-z", "-r", "--root", "--no-renames", "--name-status")
    out = git_bytes(*args, cwd=top, stdin=lines.encode()) or b""
    files: dict[str, tuple[list[str], list[str], list[str]]] = {}
    current: tuple[list[str], list[str], list[str]] = ([], [], [])
    tokens = iter(_split(out))
    for token in tokens:
        if len(token) != 1:  # a commit id starts the next commit's entries
            current = files.setdefault(token, ([], [], []))
            continue
        path = next(tokens, "")
        added, removed, modified = current
        (added if token == "A" else removed if token == "D" else modified).append(path)
    return files


def _github(state: _Repo, built: _Built, actor: str) -> dict[str, Any]:
    event = built.event
    ref = event.ref or ""
    ref_name, ref_type = _ref_parts(ref)
    pull = event.name in _PULL_EVENTS
    return {
        "event_name": event.name,
        "ref": ref,
        "ref_name": ref_name,
        "ref_type": ref_type,
        "sha": built.sha,
        "base_ref": (event.base_ref or "") if pull else "",
        "head_ref": (event.head_ref or "") if pull else "",
        "repository": state.full_name,
        "repository_owner": state.owner,
        "repositoryUrl": f"git://github.com/{state.full_name}.git",
        "server_url": SERVER_URL,
        "api_url": API_URL,
        "graphql_url": GRAPHQL_URL,
        "actor": actor,
        "triggering_actor": actor,
    }


def _ref_parts(ref: str) -> tuple[str, str]:
    """(``ref_name``, ``ref_type``) of a full ref, as GitHub sets them."""
    for prefix, kind in (
        ("refs/heads/", "branch"),
        ("refs/tags/", "tag"),
        ("refs/pull/", "branch"),
    ):
        if ref.startswith(prefix):
            return ref[len(prefix) :], kind
    return ref, ""


def _split(out: bytes) -> list[str]:
    return [part.decode("utf-8", "replace") for part in out.split(b"\0") if part]


def _branch(name: str | None) -> str | None:
    return name.removeprefix("refs/heads/") if name else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _sha(value: object) -> str | None:
    if isinstance(value, str) and _SHA.fullmatch(value) and value != ZERO_SHA:
        return value
    return None


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _input_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
