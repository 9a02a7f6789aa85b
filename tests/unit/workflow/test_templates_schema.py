"""GitHub's workflow schema as definitions (shipyard.workflow.schema)."""

from __future__ import annotations

import pytest

from shipyard.workflow.schema import (
    ANY,
    BooleanDefinition,
    DefinitionInfo,
    MappingDefinition,
    NullDefinition,
    NumberDefinition,
    OneOfDefinition,
    SchemaError,
    SequenceDefinition,
    StringDefinition,
    TemplateSchema,
    action_schema,
    split_allowed_context,
    workflow_schema,
)
from shipyard.workflow.tokens import BooleanToken, NullToken, NumberToken, StringToken


def test_the_shipped_schemas_are_consistent() -> None:
    workflow_schema().validate()
    action_schema().validate()
    assert workflow_schema() is workflow_schema()  # parsed once


def test_builtin_definitions() -> None:
    schema = workflow_schema()
    assert isinstance(schema.get_definition("null"), NullDefinition)
    assert isinstance(schema.get_definition("boolean"), BooleanDefinition)
    assert isinstance(schema.get_definition("number"), NumberDefinition)
    assert isinstance(schema.get_definition("string"), StringDefinition)
    sequence = schema.get_definition("sequence")
    assert isinstance(sequence, SequenceDefinition) and sequence.item_type == ANY
    mapping = schema.get_definition("mapping")
    assert isinstance(mapping, MappingDefinition)
    assert (mapping.loose_key_type, mapping.loose_value_type) == ("string", ANY)
    any_ = schema.get_definition(ANY)
    assert isinstance(any_, OneOfDefinition) and len(any_.one_of) == 6
    with pytest.raises(SchemaError, match="Schema definition 'nope' not found"):
        schema.get_definition("nope")


def test_properties_and_required() -> None:
    root = workflow_schema().get_definition("workflow-root")
    assert isinstance(root, MappingDefinition)
    assert root.properties["jobs"].required
    assert root.properties["jobs"].type == "jobs"
    assert not root.properties["name"].required


def test_allowed_values_become_string_constants() -> None:
    schema = workflow_schema()
    queue = schema.get_definition("concurrency-queue")
    assert isinstance(queue, OneOfDefinition)
    assert queue.one_of == ("concurrency-queue-single", "concurrency-queue-max")
    single = schema.get_definition("concurrency-queue-single")
    assert isinstance(single, StringDefinition) and single.constant == "single"


def test_string_matching() -> None:
    assert StringDefinition("s").is_match(StringToken(value=""))
    assert not StringDefinition("s", require_non_empty=True).is_match(StringToken(value=""))
    constant = StringDefinition("c", constant="read-all")
    assert constant.is_match(StringToken(value="read-all"))
    assert not constant.is_match(StringToken(value="READ-ALL"))
    assert StringDefinition("c", constant="x", ignore_case=True).is_match(StringToken(value="X"))
    assert not StringDefinition("s").is_match(NumberToken(value=1.0))
    assert NullDefinition("n").is_match(NullToken())
    assert BooleanDefinition("b").is_match(BooleanToken(value=False))
    assert NumberDefinition("n").is_match(NumberToken(value=1.0))


def test_contexts_split_into_names_and_functions() -> None:
    definition = workflow_schema().get_definition("step-if")
    assert "hashFiles(1,255)" in definition.reader_context
    assert "hashFiles()" in definition.evaluator_context
    names, functions = split_allowed_context(("github", "hashFiles(1,255)", "failure(0,MAX)"))
    assert names == ("github",)
    assert functions == (("hashFiles", 1, 255), ("failure", 0, 2**53 - 1))


def test_definition_info_inherits_allowed_context() -> None:
    schema = workflow_schema()
    root = schema.info("workflow-root")
    assert root.allowed_context == ()
    jobs = root.child("jobs")
    job = jobs.child("job")
    assert "github" in job.allowed_context or job.allowed_context == ()
    steps = schema.info("steps")
    step_env = steps.child("step-env")
    assert set(steps.allowed_context) <= set(step_env.allowed_context)
    assert root.child("jobs") is jobs  # cached
    assert isinstance(root, DefinitionInfo)
    assert "workflow-root" in repr(root)


def test_match_property_and_filter() -> None:
    schema = workflow_schema()
    definitions = [
        d for d in schema.info("steps-item").mappings if isinstance(d, MappingDefinition)
    ]
    assert len(definitions) > 2
    prop = schema.match_property_and_filter(definitions, "uses")
    assert prop is not None and prop.type == "step-uses"
    assert [d.key for d in definitions] == ["regular-step"]
    assert schema.match_property_and_filter(definitions, "nope") is None
    assert [d.key for d in definitions] == ["regular-step"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"definitions": {"x": {"sequence": {}}}}, "'x' does not defined 'item-type'"),
        ({"definitions": {"x": {"one-of": []}}}, "'x' does not contain any references"),
        ({"definitions": {"x": {"one-of": ["nope"]}}}, "Schema definition 'nope' not found"),
        (
            {"definitions": {"x": {"mapping": {"loose-key-type": "string"}}}},
            "'loose-key-type' is defined but not 'loose-value-type' on 'x'",
        ),
        (
            {"definitions": {"x": {"string": {"constant": "a", "require-non-empty": True}}}},
            "'x' sets both 'constant' and 'require-non-empty'",
        ),
        (
            {"definitions": {"x": {"context": ["a", "A"], "null": {}}}},
            "Duplicate context item 'A'",
        ),
        ({"definitions": {"x": {"description": "d"}}}, "Not enough information"),
        ({"definitions": {"x": {"bogus": {}}}}, "Unexpected definition key 'bogus'"),
    ],
)
def test_schema_errors(data: dict[str, object], message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        TemplateSchema(data).validate()
