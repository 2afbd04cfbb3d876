"""Properties of the compatibility rules over generated, pydantic-like schemas."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thread import Compatibility, can_read, check

NAMES = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)
SMALL = st.integers(min_value=-5, max_value=5)


def _integer() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just("integer")},
        optional={"minimum": SMALL, "maximum": SMALL, "exclusiveMinimum": SMALL},
    )


def _number() -> st.SearchStrategy[dict[str, Any]]:
    bound = st.floats(min_value=-10, max_value=10, allow_nan=False)
    return st.fixed_dictionaries(
        {"type": st.just("number")},
        optional={
            "minimum": bound,
            "exclusiveMaximum": bound,
            "multipleOf": st.just(0.5),
        },
    )


def _string() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just("string")},
        optional={
            "minLength": st.integers(0, 3),
            "maxLength": st.integers(0, 9),
            "pattern": st.sampled_from(["^[a-z]*$", "x"]),
            "format": st.sampled_from(["date", "date-time", "uuid"]),
        },
    )


LEAVES = st.one_of(
    _integer(),
    _number(),
    _string(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.builds(
        lambda v: {"enum": v}, st.lists(NAMES, min_size=1, max_size=4, unique=True)
    ),
    st.builds(lambda v: {"const": v}, st.one_of(SMALL, NAMES)),
    st.just({}),
)


def _object(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        properties = draw(st.dictionaries(NAMES, children, max_size=4))
        required = draw(
            st.lists(st.sampled_from(sorted(properties) or ["a"]), unique=True)
        )
        schema: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "required": [r for r in required if r in properties],
        }
        extra = draw(st.one_of(st.booleans(), children, st.none()))
        if extra is not None:
            schema["additionalProperties"] = extra
        return schema

    return build()


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        _object(children),
        st.builds(
            lambda items, most: {"type": "array", "items": items, **most},
            children,
            st.fixed_dictionaries({}, optional={"maxItems": st.integers(0, 4)}),
        ),
        st.builds(
            lambda c: {"anyOf": [c, {"type": "null"}], "default": None}, children
        ),
        st.builds(lambda a, b: {"anyOf": [a, b]}, children, children),
        st.builds(
            lambda p: {"type": "array", "prefixItems": p},
            st.lists(children, max_size=3),
        ),
    )


SCHEMAS = st.recursive(LEAVES, _extend, max_leaves=12)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A schema, sometimes with a definition reached through ``$ref``."""
    schema: dict[str, Any] = draw(SCHEMAS)
    if draw(st.booleans()):
        return {
            "$defs": {"Part": schema},
            "type": "object",
            "properties": {"part": {"$ref": "#/$defs/Part"}},
        }
    return schema


@st.composite
def closed_objects(draw: st.DrawFn) -> dict[str, Any]:
    """An object schema that refuses unknown fields (pydantic's extra="forbid")."""
    schema = draw(_object(SCHEMAS))
    schema["additionalProperties"] = False
    return schema


@settings(max_examples=150, deadline=None)
@given(documents())
def test_any_schema_is_compatible_with_itself_under_every_mode(
    schema: dict[str, Any],
) -> None:
    for mode in Compatibility:
        assert check(mode, copy.deepcopy(schema), [schema]) == []


@settings(max_examples=150, deadline=None)
@given(closed_objects(), NAMES, SCHEMAS)
def test_adding_an_optional_field_to_a_closed_object_is_backward_compatible(
    earlier: dict[str, Any], name: str, field: dict[str, Any]
) -> None:
    new = copy.deepcopy(earlier)
    new["properties"].pop(name, None)
    earlier["properties"].pop(name, None)
    earlier["required"] = [r for r in earlier["required"] if r != name]
    new["required"] = list(earlier["required"])
    new["properties"][name] = field

    assert check(Compatibility.BACKWARD, new, [earlier]) == []


@settings(max_examples=100, deadline=None)
@given(SMALL, st.integers(min_value=1, max_value=5))
def test_lowering_a_maximum_is_never_backward_compatible(top: int, less: int) -> None:
    earlier = {"type": "integer", "maximum": top}
    new = {"type": "integer", "maximum": top - less}

    assert can_read(new, earlier) != []
