"""Dataclasses that cost next to nothing to define: ``dataclass``, ``field``, ``replace``.

Owns the decorator every value type in Shipyard uses instead of :mod:`dataclasses`. The
standard decorator writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``
and frozen ``__setattr__`` as source text and compiles it with ``exec`` when the module is
imported: with Shipyard's ~150 value types that was 50 ms of a 165 ms ``shipyard run`` of one
trivial step, paid by every process whether it built those objects or not.

This decorator gives the same classes for what Shipyard uses of it — ``frozen``, ``slots``,
``eq``; fields with ``default``, ``default_factory``, ``init``, ``repr``, ``compare``,
``hash``; ``__post_init__``; inheritance of fields from decorated bases; ``ClassVar``
annotations skipped — and differs only in *when* the work happens:

- ``__init__`` fills the fields generically for a class's first few instances, then is
  compiled the way dataclasses writes it (same signature, same speed); a call with wrong
  arguments always goes to the compiled one, so its ``TypeError`` is dataclasses' own;
- ``__eq__``, ``__hash__`` and ``__repr__`` are shared functions over
  :func:`operator.attrgetter` tuples, no compiling at all;
- frozen classes raise :class:`FrozenInstanceError` (an ``AttributeError``, as in
  dataclasses) and pickle through ``__getstate__``/``__setstate__``.

Type checkers see :mod:`dataclasses` itself (the names are aliased under
``TYPE_CHECKING``), so mypy checks every constructor call as before. The contract tests in
``tests/unit/test_valueclass.py`` run each behaviour against both implementations.
Not supported, because nothing here uses them: ``order``, ``unsafe_hash``, ``kw_only``,
``InitVar``, ``weakref_slot``, ``match_args=False``; a recursive ``repr`` is not guarded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

__all__ = ["FrozenInstanceError", "dataclass", "field", "fields", "replace"]


class FrozenInstanceError(AttributeError):
    """Assigning to or deleting a field of a frozen value."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    """One field of a value class: what :func:`field` returns and :func:`fields` lists."""

    __slots__ = ("compare", "default", "default_factory", "hash", "init", "name", "repr")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        init: bool = True,
        repr: bool = True,
        hash: bool | None = None,
        compare: bool = True,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


def _field(**options: Any) -> Any:
    return Field(**options)


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))
    return getattr(annotation, "__origin__", None) is getattr(
        sys.modules.get("typing"), "ClassVar", None
    )


def _own_fields(cls: type) -> list[Field]:
    out = []
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect costs 6 ms
    for name, annotation in annotations.items():
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, MISSING)
        spec = value if isinstance(value, Field) else Field(default=value)
        if isinstance(spec.default, (list, dict, set)):
            raise ValueError(
                f"mutable default {type(spec.default)} for field {name} is not allowed: "
                "use default_factory"
            )
        spec.name = name
        out.append(spec)
    return out


def _dataclass(
    cls: type | None = None, /, *, frozen: bool = False, slots: bool = False, eq: bool = True
) -> Any:
    def wrap(cls: type) -> type:
        return _process(cls, frozen=frozen, slots=slots, eq=eq)

    return wrap if cls is None else wrap(cls)


def _process(cls: type, *, frozen: bool, slots: bool, eq: bool) -> type:
    inherited: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for spec in base.__dict__.get("__valueclass_fields__", ()):
            inherited[spec.name] = spec
    own = _own_fields(cls)
    all_fields = {**inherited, **{spec.name: spec for spec in own}}
    specs = tuple(all_fields.values())
    seen_default = ""
    for spec in specs:
        if not spec.init:
            continue
        if spec.default is MISSING and spec.default_factory is MISSING:
            if seen_default:
                raise TypeError(f"non-default argument {spec.name!r} follows default argument")
        else:
            seen_default = spec.name
    if slots:
        namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
        for spec in own:
            namespace.pop(spec.name, None)
        namespace["__slots__"] = tuple(s.name for s in own if s.name not in inherited)
        qualname = cls.__qualname__
        cls = type(cls)(cls.__name__, cls.__bases__, namespace)
        cls.__qualname__ = qualname
    else:
        for spec in own:
            if spec.default is not MISSING:
                setattr(cls, spec.name, spec.default)
            elif spec.name in cls.__dict__:
                delattr(cls, spec.name)
    _install(cls, specs, frozen=frozen, eq=eq)
    return cls


def _set_new(cls: type, name: str, value: Any) -> None:
    if name not in cls.__dict__:
        setattr(cls, name, value)


def _install(cls: type, specs: tuple[Field, ...], *, frozen: bool, eq: bool) -> None:
    cls.__valueclass_fields__ = specs  # type: ignore[attr-defined]
    _set_new(cls, "__match_args__", tuple(s.name for s in specs if s.init))
    _set_new(cls, "__init__", _lazy_init(cls, specs, frozen=frozen))
    _set_new(cls, "__repr__", _repr_of([s.name for s in specs if s.repr]))
    compared = [s.name for s in specs if s.compare]
    explicit_hash = "__hash__" in cls.__dict__ and cls.__dict__["__hash__"] is not None
    if eq:
        _set_new(cls, "__eq__", _eq_of(_getter(compared)))
        if frozen:
            if not explicit_hash:
                hashed = [s.name for s in specs if (s.compare if s.hash is None else s.hash)]
                setattr(cls, "__hash__", _hash_of(_getter(hashed)))  # noqa: B010
        elif not explicit_hash:
            cls.__hash__ = None  # type: ignore[assignment]
    if frozen:
        names = frozenset(s.name for s in specs)
        cls.__setattr__ = _frozen_setattr(cls, names)  # type: ignore[assignment]
        cls.__delattr__ = _frozen_delattr(cls, names)  # type: ignore[assignment]
        if "__slots__" in cls.__dict__:
            every = tuple(s.name for s in specs)
            _set_new(cls, "__getstate__", _getstate_of(every))
            _set_new(cls, "__setstate__", _setstate_of(every))


def _getter(names: list[str]) -> Callable[[object], tuple[Any, ...]]:
    if not names:
        return lambda _self: ()
    if len(names) == 1:
        (name,) = names
        return lambda self: (getattr(self, name),)
    return attrgetter(*names)


def _repr_of(names: list[str]) -> Callable[[object], str]:
    def __repr__(self: object) -> str:
        parts = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({parts})"

    return __repr__


def _eq_of(key: Callable[[object], tuple[Any, ...]]) -> Callable[[object, object], Any]:
    def __eq__(self: object, other: object) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _hash_of(key: Callable[[object], tuple[Any, ...]]) -> Callable[[object], int]:
    def __hash__(self: object) -> int:
        return hash(key(self))

    return __hash__


def _frozen_setattr(cls: type, names: frozenset[str]) -> Callable[[object, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]

    return __setattr__


def _frozen_delattr(cls: type, names: frozenset[str]) -> Callable[[object, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[arg-type]

    return __delattr__


def _getstate_of(names: tuple[str, ...]) -> Callable[[object], list[Any]]:
    def __getstate__(self: object) -> list[Any]:
        return [getattr(self, name) for name in names]

    return __getstate__


def _setstate_of(names: tuple[str, ...]) -> Callable[[object, list[Any]], None]:
    def __setstate__(self: object, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    return __setstate__


COMPILE_AFTER = 16  # instantiations of a class before its __init__ is compiled


def _lazy_init(cls: type, specs: tuple[Field, ...], *, frozen: bool) -> Callable[..., None]:
    """An ``__init__`` that fills fields generically, then compiles the real one once used.

    Most classes are built a handful of times in a process, where compiling their
    ``__init__`` (about 60 µs each) would cost more than it saves; a class built
    :data:`COMPILE_AFTER` times gets the compiled one. A call the generic path does not
    accept (wrong arguments) goes straight to the compiled ``__init__``, so every error is
    the one dataclasses gives.
    """
    params = [s for s in specs if s.init]
    names = tuple(s.name for s in params)
    known = frozenset(names)
    fillers = tuple((s.name, s.default, s.default_factory) for s in params)
    extras = tuple(
        (s.name, s.default, s.default_factory)
        for s in specs
        if not s.init and (s.default is not MISSING or s.default_factory is not MISSING)
    )
    assign: Callable[[object, str, Any], None] = object.__setattr__ if frozen else setattr
    post_init = getattr(cls, "__post_init__", None)
    calls = 0

    def compiled() -> Callable[..., None]:
        init = _compile_init(cls, specs, frozen=frozen)
        cls.__init__ = init  # type: ignore[misc]
        return init

    def __init__(self: object, *args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        given = len(args)
        if calls >= COMPILE_AFTER or given > len(names) or not known.issuperset(kwargs):
            compiled()(self, *args, **kwargs)
            return
        for name, value in zip(names, args, strict=False):  # len(args) <= len(names)
            if name in kwargs:
                compiled()(self, *args, **kwargs)  # "got multiple values for argument"
                return
            assign(self, name, value)
        for name, default, factory in fillers[given:]:
            if name in kwargs:
                assign(self, name, kwargs[name])
            elif default is not MISSING:
                assign(self, name, default)
            elif factory is not MISSING:
                assign(self, name, factory())
            else:
                compiled()(self, *args, **kwargs)  # "missing ... required argument"
                return
        for name, default, factory in extras:
            assign(self, name, factory() if default is MISSING else default)
        if post_init is not None:
            post_init(self)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _compile_init(cls: type, specs: tuple[Field, ...], *, frozen: bool) -> Callable[..., None]:
    """Write ``__init__`` as dataclasses does: parameters in field order, defaults bound."""
    scope: dict[str, Any] = {"__setattr": object.__setattr__, "__MISSING": MISSING}
    params, body = ["self"], []
    for spec in specs:
        name = spec.name
        if spec.default_factory is not MISSING:
            scope[f"__factory_{name}"] = spec.default_factory
            if spec.init:
                params.append(f"{name}=__MISSING")
                value = f"__factory_{name}() if {name} is __MISSING else {name}"
            else:
                value = f"__factory_{name}()"
        elif spec.init:
            if spec.default is MISSING:
                params.append(name)
            else:
                scope[f"__default_{name}"] = spec.default
                params.append(f"{name}=__default_{name}")
            value = name
        elif spec.default is not MISSING:
            scope[f"__default_{name}"] = spec.default
            value = f"__default_{name}"
        else:
            continue
        if frozen:
            body.append(f"  __setattr(self, {name!r}, {value})")
        else:
            body.append(f"  self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("  self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n" + ("\n".join(body) or "  pass") + "\n"
    exec(source, scope)  # the code dataclasses writes, from field names
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _fields(class_or_instance: object) -> tuple[Field, ...]:
    try:
        specs: tuple[Field, ...] = class_or_instance.__valueclass_fields__  # type: ignore[attr-defined]
    except AttributeError:
        raise TypeError("must be called with a dataclass type or instance") from None
    return specs


def _replace(obj: Any, /, **changes: Any) -> Any:
    for spec in obj.__valueclass_fields__:
        if not spec.init:
            if spec.name in changes:
                raise ValueError(
                    f"field {spec.name} is declared with init=False, it cannot be specified "
                    "with replace()"
                )
            continue
        if spec.name not in changes:
            changes[spec.name] = getattr(obj, spec.name)
    return obj.__class__(**changes)


if TYPE_CHECKING:
    from dataclasses import dataclass as dataclass
    from dataclasses import field as field
    from dataclasses import fields as fields
    from dataclasses import replace as replace
else:
    dataclass = _dataclass
    field = _field
    fields = _fields
    replace = _replace
