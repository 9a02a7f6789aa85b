"""A job's environment: its name, its url, and the secrets and variables scoped to it."""

from __future__ import annotations

import pytest

from shipyard.diagnostics import Span
from shipyard.engine.environment import (
    Environment,
    evaluate_environment,
    evaluate_url,
    scoped_values,
    split_scoped,
)
from shipyard.engine.evaluation import EvaluationFailed
from shipyard.workflow.tokens import BasicExpressionToken, MappingToken, StringToken

CONTEXTS = {"vars": {"TARGET": "staging"}, "steps": {"d": {"outputs": {"url": "https://x"}}}}


def test_a_name_alone_a_mapping_and_an_empty_name() -> None:
    assert evaluate_environment(StringToken(value="prod"), CONTEXTS, {}) == Environment("prod")
    name = BasicExpressionToken(None, "vars.TARGET")
    url = BasicExpressionToken(None, "steps.d.outputs.url")
    token = MappingToken(pairs=((StringToken(value="name"), name), (StringToken(value="url"), url)))
    environment = evaluate_environment(token, CONTEXTS, {})
    assert environment == Environment("staging", url)
    assert environment is not None and evaluate_url(environment, CONTEXTS, {}) == "https://x"
    assert evaluate_environment(BasicExpressionToken(None, "vars.NONE"), CONTEXTS, {}) is None
    assert evaluate_environment(None, CONTEXTS, {}) is None
    assert evaluate_url(Environment("prod"), CONTEXTS, {}) is None


def test_a_name_that_cannot_be_evaluated_fails() -> None:
    token = BasicExpressionToken(Span("w.yml", 7, 18), "fromJSON('{')")
    with pytest.raises(EvaluationFailed, match="environment"):
        evaluate_environment(token, CONTEXTS, {})


def test_scoped_pairs_split_at_the_last_colon_and_override_for_their_environment() -> None:
    plain, scoped = split_scoped(
        {"KEY": "repo", "prod:KEY": "p", "Prod:OTHER": "o", "stage:KEY": "s"}
    )
    assert plain == {"KEY": "repo"}
    assert scoped == {"prod": {"KEY": "p"}, "Prod": {"OTHER": "o"}, "stage": {"KEY": "s"}}
    assert scoped_values(plain, scoped, Environment("PROD")) == {"KEY": "p", "OTHER": "o"}
    assert scoped_values(plain, scoped, None) == {"KEY": "repo"}
    assert scoped_values(plain, scoped, Environment("qa")) == {"KEY": "repo"}
