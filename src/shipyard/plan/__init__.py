"""The planner: from a read workflow to the job instances of a run (pure, no I/O).

:mod:`~shipyard.plan.matrix` expands matrices, :mod:`~shipyard.workflow.graph` checks and
orders the ``needs`` graph, :mod:`~shipyard.plan.strategy` reads ``strategy``, and
:mod:`~shipyard.plan.planner` puts them together into a :class:`RunPlan`.
"""

from __future__ import annotations

from shipyard.plan.matrix import (
    MAX_CONFIGURATIONS,
    MatrixConfiguration,
    MatrixError,
    MatrixLimitError,
    expand_matrix,
    expand_matrix_configurations,
    matrix_job_name,
)
from shipyard.plan.planner import (
    Evaluate,
    JobInstance,
    PlanError,
    RunPlan,
    evaluate_with_expr,
    expand_deferred,
    plan_workflow,
)
from shipyard.plan.strategy import Strategy, parse_strategy, strategy_context
from shipyard.workflow.graph import (
    GraphError,
    GraphProblem,
    JobGraph,
    build_graph,
    find_graph_problems,
)

__all__ = [
    "MAX_CONFIGURATIONS",
    "Evaluate",
    "GraphError",
    "GraphProblem",
    "JobGraph",
    "JobInstance",
    "MatrixConfiguration",
    "MatrixError",
    "MatrixLimitError",
    "PlanError",
    "RunPlan",
    "Strategy",
    "build_graph",
    "evaluate_with_expr",
    "expand_deferred",
    "expand_matrix",
    "expand_matrix_configurations",
    "find_graph_problems",
    "matrix_job_name",
    "parse_strategy",
    "plan_workflow",
    "strategy_context",
]
