"""Contract tests: shipyard.valueclass behaves as the standard dataclasses for what Shipyard uses.

Each test builds the same classes with both implementations and checks the same outcome.
"""

from __future__ import annotations

import dataclasses
import pickle
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

from shipyard import valueclass

STD = SimpleNamespace(
    dataclass=dataclasses.dataclass,
    field=dataclasses.field,
    fields=dataclasses.fields,
    replace=dataclasses.replace,
    frozen_error=dataclasses.FrozenInstanceError,
)
OURS = SimpleNamespace(
    dataclass=valueclass._dataclass,
    field=valueclass._field,
    fields=valueclass._fields,
    replace=valueclass._replace,
    frozen_error=valueclass.FrozenInstanceError,
)


@pytest.fixture(params=["dataclasses", "valueclass"])
def impl(request: pytest.FixtureRequest) -> Any:
    return STD if request.param == "dataclasses" else OURS


def _point(impl: Any, **options: Any) -> Any:
    @impl.dataclass(**options)
    class Point:
        x: int
        y: int = 0
        tags: list[str] = impl.field(default_factory=list)
        note: str = impl.field(default="", compare=False, repr=False)
        limit: ClassVar[int] = 3

    return Point


def test_init_defaults_factories_and_classvars(impl: Any) -> None:
    point_class = _point(impl, frozen=True, slots=True)
    a, b = point_class(1), point_class(1, 2, ["t"], note="n")
    assert (a.x, a.y, a.tags, a.note) == (1, 0, [], "")
    assert (b.x, b.y, b.tags, b.note) == (1, 2, ["t"], "n")
    assert a.tags is not point_class(1).tags
    assert [f.name for f in impl.fields(point_class)] == ["x", "y", "tags", "note"]
    assert point_class.limit == 3
    assert point_class.__match_args__ == ("x", "y", "tags", "note")


def test_bad_calls_raise_what_dataclasses_raises(impl: Any) -> None:
    point_class = _point(impl, frozen=True, slots=True)
    with pytest.raises(
        TypeError, match=r"__init__\(\) missing 1 required positional argument: 'x'"
    ):
        point_class()
    with pytest.raises(TypeError, match="got multiple values for argument 'x'"):
        point_class(1, x=2)
    with pytest.raises(TypeError, match=r"__init__\(\) got an unexpected keyword argument 'z'"):
        point_class(1, z=2)
    with pytest.raises(TypeError, match=r"takes from 2 to 5 positional arguments but 6 were given"):
        point_class(1, 2, [], "", 5)


def test_repr_eq_and_hash(impl: Any) -> None:
    point_class = _point(impl, frozen=True, slots=True)
    a = point_class(1, 2, note="left out")
    assert repr(a) == "_point.<locals>.Point(x=1, y=2, tags=[])"
    assert a == point_class(1, 2, note="other")  # compare=False
    assert a != point_class(1, 3)
    assert a.__eq__(object()) is NotImplemented
    frozen = impl.dataclass(frozen=True, slots=True)(
        type("F", (), {"__annotations__": {"a": "int"}})
    )
    assert hash(frozen(5)) == hash((5,))
    mutable = _point(impl, slots=True)
    assert mutable.__hash__ is None


def test_hash_false_and_explicit_methods_are_kept(impl: Any) -> None:
    @impl.dataclass(frozen=True, slots=True)
    class Keyed:
        key: str
        payload: dict[str, int] = impl.field(default_factory=dict, hash=False)

        def __repr__(self) -> str:
            return f"<{self.key}>"

    assert hash(Keyed("k", {"a": 1})) == hash(("k",))
    assert repr(Keyed("k")) == "<k>"

    @impl.dataclass(frozen=True)
    class Hashed:
        a: int

        def __hash__(self) -> int:
            return 42

    assert hash(Hashed(1)) == 42


def test_frozen_values_refuse_assignment(impl: Any) -> None:
    point_class = _point(impl, frozen=True, slots=True)
    a = point_class(1)
    with pytest.raises(impl.frozen_error, match="cannot assign to field 'x'"):
        a.x = 2
    with pytest.raises(AttributeError, match="cannot delete field 'y'"):
        del a.y
    assert not hasattr(a, "__dict__")


def test_mutable_slotted_values_assign(impl: Any) -> None:
    point_class = _point(impl, slots=True)
    a = point_class(1)
    a.y = 5
    assert a.y == 5
    with pytest.raises(AttributeError):
        a.other = 1


def test_inheritance_orders_base_fields_first(impl: Any) -> None:
    @impl.dataclass(frozen=True, slots=True)
    class Base:
        span: str
        kind: str = "base"

    @impl.dataclass(frozen=True, slots=True)
    class Child(Base):
        value: int = 0

    child = Child("s", "k", 3)
    assert (child.span, child.kind, child.value) == ("s", "k", 3)
    assert [f.name for f in impl.fields(child)] == ["span", "kind", "value"]
    assert child != Base("s", "k")
    assert isinstance(child, Base)
    assert impl.replace(child, value=4) == Child("s", "k", 4)
    copy = pickle.loads(pickle.dumps(_published(Child, "PickledChild")("s", "k", 3)))
    assert (copy.span, copy.kind, copy.value) == ("s", "k", 3)


def test_post_init_and_init_false(impl: Any) -> None:
    @impl.dataclass(frozen=True, slots=True)
    class Graph:
        ids: tuple[str, ...]
        index: dict[str, int] = impl.field(init=False, repr=False, compare=False, hash=False)

        def __post_init__(self) -> None:
            object.__setattr__(self, "index", {k: i for i, k in enumerate(self.ids)})

    graph = Graph(("a", "b"))
    assert graph.index == {"a": 0, "b": 1}
    assert repr(graph).endswith("Graph(ids=('a', 'b'))")
    with pytest.raises((ValueError, TypeError), match="init=False"):  # TypeError from 3.13
        impl.replace(graph, index={})


@pytest.mark.parametrize(
    "options", [{"frozen": True, "slots": True}, {"slots": True}, {"frozen": True}, {}]
)
def test_pickle_round_trip(impl: Any, options: dict[str, bool]) -> None:
    value = _published(_point(impl, **options), "PickledPoint")(1, 2, ["t"], note="n")
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value and copy.note == "n"


def test_replace_keeps_unchanged_fields(impl: Any) -> None:
    point_class = _point(impl, frozen=True, slots=True)
    a = point_class(1, 2, ["t"], note="n")
    b = impl.replace(a, y=3)
    assert (b.x, b.y, b.tags, b.note) == (1, 3, ["t"], "n")


def test_definition_errors(impl: Any) -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @impl.dataclass
        class Order:
            a: int = 0
            b: int

    with pytest.raises(ValueError, match=r"mutable default .* use default_factory"):

        @impl.dataclass
        class Mutable:
            a: list[int] = []  # noqa: RUF012 - the error under test


def test_pattern_matching(impl: Any) -> None:
    point_class = _point(impl, frozen=True, slots=True)
    match point_class(1, 2):
        case point_class(x, y):
            assert (x, y) == (1, 2)
        case _:
            pytest.fail("no match")


def _published(cls: Any, name: str) -> Any:
    """Make a class defined in a test findable by pickle (by module and name)."""
    globals()[name] = cls
    cls.__qualname__ = name
    return cls


def test_many_instances_match_before_and_after_init_is_compiled(impl: Any) -> None:
    point_class = _point(impl, frozen=True, slots=True)
    made = [
        (
            point_class(i),
            point_class(i, y=i),
            point_class(x=i, tags=["t"]),
            point_class(i, 1, [], "n"),
        )
        for i in range(3 * valueclass.COMPILE_AFTER)
    ]
    for i, (a, b, c, d) in enumerate(made):
        assert (a.x, a.y, a.tags, b.y, c.tags, d.note) == (i, 0, [], i, ["t"], "n")
    with pytest.raises(TypeError, match="got multiple values for argument 'x'"):
        point_class(1, x=2)
