"""Status functions (``success()``, ``failure()``, ``cancelled()``, ``always()``) as host functions.

The expression layer knows these only by name; their meaning depends on where the
expression runs:

- without arguments they read ``status``: the job's status so far in a step ``if:``, or
  the run's status (``cancelled`` once cancelled) in a job ``if:``; in a job ``if:``
  (``needs`` given, ``job_level=True``) ``success()`` also requires every needed job to have
  succeeded and ``failure()`` is true when any needed job failed — GitHub's rule that a
  failed or skipped dependency skips the job unless its condition says otherwise;
- with job-id arguments (``success('build', 'lint')``) they read ``needs.<id>.result`` of
  the named jobs only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

HostFunction = Callable[..., object]

STATUS_FUNCTION_NAMES = frozenset({"success", "failure", "cancelled", "always"})


def _results(needs: Mapping[str, object], ids: tuple[object, ...]) -> list[str]:
    lowered = {str(k).lower(): v for k, v in needs.items()}
    chosen = [lowered.get(str(i).lower()) for i in ids] if ids else list(lowered.values())
    out: list[str] = []
    for entry in chosen:
        result = entry.get("result") if isinstance(entry, Mapping) else None
        out.append(str(result).lower() if result is not None else "")
    return out


def status_functions(
    *,
    status: str | None = None,
    needs: Mapping[str, object] | None = None,
    job_level: bool = False,
    ancestor_failed: bool = False,
) -> dict[str, HostFunction]:
    """Host functions for an ``if:``; ``status`` absent means success.

    At job level, ``failure()`` is also true when a job further up the ``needs`` chain
    failed (``ancestor_failed``), as GitHub documents it.
    """
    needs = needs or {}
    current = (status or "success").lower()

    def success(*ids: object) -> bool:
        if ids:
            return all(r == "success" for r in _results(needs, ids))
        if job_level and any(r != "success" for r in _results(needs, ())):
            return False
        return current == "success"

    def failure(*ids: object) -> bool:
        if ids:
            return any(r == "failure" for r in _results(needs, ids))
        if job_level and (ancestor_failed or any(r == "failure" for r in _results(needs, ()))):
            return True
        return current == "failure"

    def cancelled(*ids: object) -> bool:
        if ids:
            return any(r == "cancelled" for r in _results(needs, ids))
        return current == "cancelled"

    def always(*_ids: object) -> bool:
        return True

    return {"success": success, "failure": failure, "cancelled": cancelled, "always": always}
