"""Conversion of a workflow's template tokens to the model, with every check GitHub makes.

A port of ``@actions/workflow-parser``'s ``model/convert.js`` and ``model/converter/*``
(version 0.3.61), plus the checks GitHub's service makes that the TypeScript does not,
and Shipyard's own warnings (never errors) for what GitHub only notices at run time.
The input is the token tree of :mod:`shipyard.workflow.templates`; the output is a
:class:`~shipyard.workflow.model.Workflow` whose ``diagnostics`` list the problems.
"""

from __future__ import annotations

from shipyard.workflow.convert.called import link_called_workflow
from shipyard.workflow.convert.workflow import convert_workflow

__all__ = ["convert_workflow", "link_called_workflow"]
