"""The compatibility rules: which changes each mode accepts, and what it says."""

from __future__ import annotations

from typing import Any

import pytest

from schemas import iter_files, read
from thread import Compatibility, ConfigurationError, Direction, Rule, can_read, check

NONE, BACKWARD, FORWARD, FULL = (
    Compatibility.NONE,
    Compatibility.BACKWARD,
    Compatibility.FORWARD,
    Compatibility.FULL,
)
INT: dict[str, Any] = {"type": "integer"}
NUM: dict[str, Any] = {"type": "number"}
STR: dict[str, Any] = {"type": "string"}


def obj(
    properties: dict[str, Any], required: tuple[str, ...] = (), *, closed: bool = True
) -> dict[str, Any]:
    """An object schema, closed as pydantic's ``extra="forbid"`` writes it."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(required),
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


def holder(field: dict[str, Any]) -> dict[str, Any]:
    return obj({"x": field}, ("x",))


# name: (earlier version, new version, the modes that accept the change)
CHANGES: dict[str, tuple[dict[str, Any], dict[str, Any], set[Compatibility]]] = {
    "required-field-added-without-default": (
        obj({"a": INT}, ("a",)),
        obj({"a": INT, "b": INT}, ("a", "b")),
        {NONE},
    ),
    "required-field-added-with-default": (
        obj({"a": INT}, ("a",)),
        obj({"a": INT, "b": {**INT, "default": 0}}, ("a", "b")),
        {NONE, BACKWARD},
    ),
    "optional-field-added": (
        obj({"a": INT}, ("a",)),
        obj({"a": INT, "b": INT}, ("a",)),
        {NONE, BACKWARD},
    ),
    "optional-field-added-to-open-object": (
        obj({"a": INT}, ("a",), closed=False),
        obj({"a": INT, "b": INT}, ("a",), closed=False),
        {NONE, FORWARD},
    ),
    "optional-field-removed": (
        obj({"a": INT, "b": INT}, ("a",)),
        obj({"a": INT}, ("a",)),
        {NONE, FORWARD},
    ),
    "required-field-removed": (
        obj({"a": INT, "b": INT}, ("a", "b")),
        obj({"a": INT}, ("a",)),
        {NONE},
    ),
    "required-field-removed-from-open-object": (
        obj({"a": INT, "b": INT}, ("a", "b"), closed=False),
        obj({"a": INT}, ("a",), closed=False),
        {NONE, BACKWARD},
    ),
    "type-widened": (holder(INT), holder(NUM), {NONE, BACKWARD}),
    "type-narrowed": (holder(NUM), holder(INT), {NONE, FORWARD}),
    "null-allowed": (
        holder(STR),
        holder({"anyOf": [STR, {"type": "null"}]}),
        {NONE, BACKWARD},
    ),
    "enum-value-added": (
        holder({"enum": ["a", "b"]}),
        holder({"enum": ["a", "b", "c"]}),
        {NONE, BACKWARD},
    ),
    "enum-value-removed": (
        holder({"enum": ["a", "b"]}),
        holder({"enum": ["a"]}),
        {NONE, FORWARD},
    ),
    "maximum-lowered": (
        holder({**INT, "maximum": 10}),
        holder({**INT, "maximum": 5}),
        {NONE, FORWARD},
    ),
    "maximum-raised": (
        holder({**INT, "maximum": 5}),
        holder({**INT, "maximum": 10}),
        {NONE, BACKWARD},
    ),
    "minimum-made-exclusive": (
        holder({**NUM, "minimum": 0}),
        holder({**NUM, "exclusiveMinimum": 0}),
        {NONE, FORWARD},
    ),
    "same-integer-bound-spelled-otherwise": (
        holder({**INT, "minimum": 1}),
        holder({**INT, "exclusiveMinimum": 0}),
        {NONE, BACKWARD, FORWARD, FULL},
    ),
    "max-length-lowered": (
        holder({**STR, "maxLength": 10}),
        holder({**STR, "maxLength": 5}),
        {NONE, FORWARD},
    ),
    "pattern-added": (
        holder(STR),
        holder({**STR, "pattern": "^[a-z]+$"}),
        {NONE, FORWARD},
    ),
    "format-added": (
        holder(STR),
        holder({**STR, "format": "date"}),
        {NONE, FORWARD},
    ),
    "nested-required-field-added": (
        obj({"site": obj({"city": STR}, ("city",))}, ("site",)),
        obj({"site": obj({"city": STR, "zip": STR}, ("city", "zip"))}, ("site",)),
        {NONE},
    ),
    "nested-type-widened-through-ref": (
        {
            "$defs": {"Line": obj({"qty": INT}, ("qty",))},
            **holder({"$ref": "#/$defs/Line"}),
        },
        {
            "$defs": {"Line": obj({"qty": NUM}, ("qty",))},
            **holder({"$ref": "#/$defs/Line"}),
        },
        {NONE, BACKWARD},
    ),
    "array-items-widened": (
        holder({"type": "array", "items": INT}),
        holder({"type": "array", "items": NUM}),
        {NONE, BACKWARD},
    ),
    "array-items-narrowed": (
        holder({"type": "array", "items": NUM}),
        holder({"type": "array", "items": INT}),
        {NONE, FORWARD},
    ),
    "min-items-raised": (
        holder({"type": "array", "minItems": 1}),
        holder({"type": "array", "minItems": 2}),
        {NONE, FORWARD},
    ),
    "additional-properties-closed": (
        obj({"a": INT}, ("a",), closed=False),
        obj({"a": INT}, ("a",)),
        {NONE, FORWARD},
    ),
    "additional-properties-opened": (
        obj({"a": INT}, ("a",)),
        obj({"a": INT}, ("a",), closed=False),
        {NONE, BACKWARD},
    ),
    "map-values-narrowed": (
        holder({"type": "object", "additionalProperties": NUM}),
        holder({"type": "object", "additionalProperties": INT}),
        {NONE, FORWARD},
    ),
    "default-added-to-required-field": (
        obj({"a": INT}, ("a",)),
        obj({"a": {**INT, "default": 0}}),
        {NONE, BACKWARD},
    ),
    "default-changed": (
        obj({"a": {**INT, "default": 0}}),
        obj({"a": {**INT, "default": 1}}),
        {NONE},
    ),
    "description-changed": (
        holder({**INT, "description": "units"}),
        holder({**INT, "description": "pieces"}),
        {NONE, BACKWARD, FORWARD, FULL},
    ),
    "tagged-union-member-added": (
        {"oneOf": [obj({"kind": {"const": "a"}}, ("kind",))]},
        {
            "oneOf": [
                obj({"kind": {"const": "a"}}, ("kind",)),
                obj({"kind": {"const": "b"}}, ("kind",)),
            ]
        },
        {NONE, BACKWARD},
    ),
}


def _matrix() -> list[Any]:
    params = []
    for name, (earlier, new, accepted) in CHANGES.items():
        for mode in (NONE, BACKWARD, FORWARD, FULL):
            verdict = "accepted" if mode in accepted else "refused"
            params.append(
                pytest.param(
                    earlier, new, mode, mode in accepted, id=f"{name}-{verdict}-{mode}"
                )
            )
    return params


@pytest.mark.parametrize(("earlier", "new", "mode", "accepted"), _matrix())
def test_change_is_judged_by_its_mode(
    earlier: dict[str, Any],
    new: dict[str, Any],
    mode: Compatibility,
    accepted: bool,
) -> None:
    assert (check(mode, new, [earlier]) == []) is accepted


@pytest.mark.parametrize(
    ("earlier", "new", "expected"),
    [
        pytest.param(
            obj({"a": INT}, ("a",)),
            obj({"a": INT, "stock": NUM}, ("a", "stock")),
            "field /properties/stock: required field 'stock' added without a default",
            id="required-added",
        ),
        pytest.param(
            holder(NUM),
            holder(INT),
            "field /properties/x: type narrowed from number to integer",
            id="type-narrowed",
        ),
        pytest.param(
            holder({"enum": ["x", "y"]}),
            holder({"enum": ["y"]}),
            "field /properties/x: enum value 'x' removed",
            id="enum-value-removed",
        ),
        pytest.param(
            holder({**INT, "maximum": 10}),
            holder({**INT, "maximum": 5}),
            "field /properties/x: maximum lowered from 10 to 5",
            id="maximum-lowered",
        ),
        pytest.param(
            obj({"a": INT}, closed=False),
            obj({"a": INT}),
            "field /additionalProperties: additionalProperties closed",
            id="additional-properties-closed",
        ),
        pytest.param(
            holder({"anyOf": [STR, {"type": "null"}]}),
            holder(STR),
            "field /properties/x: type narrowed from string or null to string",
            id="null-no-longer-allowed",
        ),
    ],
)
def test_backward_reason_names_the_field_and_the_rule(
    earlier: dict[str, Any], new: dict[str, Any], expected: str
) -> None:
    assert [str(item) for item in can_read(new, earlier)] == [expected]


def test_forward_reason_describes_the_change_from_the_earlier_version() -> None:
    found = can_read(holder(INT), holder(NUM), reader_is_newer=False)

    assert [item.message for item in found] == ["type widened from integer to number"]


def test_removing_an_enum_value_is_refused_under_backward() -> None:
    [found] = check(BACKWARD, holder({"enum": ["a"]}), [holder({"enum": ["a", "b"]})])

    assert (found.rule, found.direction) == (Rule.VALUE, Direction.BACKWARD)


def test_full_reports_both_directions() -> None:
    earlier = obj({"a": INT, "b": INT}, ("a", "b"))
    found = check(FULL, obj({"a": INT}, ("a",)), [earlier])

    assert {item.direction for item in found} == {Direction.BACKWARD, Direction.FORWARD}


V1 = {"x-twinweave": {"version": "1.0.0"}, **obj({"a": INT}, ("a",))}
V2 = {
    "x-twinweave": {"version": "2.0.0"},
    **obj({"a": INT, "b": {**INT, "default": 0}}, ("a", "b")),
}
V3 = {"x-twinweave": {"version": "3.0.0"}, **obj({"a": INT, "b": INT}, ("a", "b"))}


def test_chain_step_by_step_is_backward_compatible() -> None:
    assert check(BACKWARD, V2, [V1]) == []
    assert check(BACKWARD, V3, [V1, V2]) == []


def test_chain_is_refused_under_backward_transitive_against_the_first() -> None:
    found = check(Compatibility.BACKWARD_TRANSITIVE, V3, [V1, V2])

    assert [(item.version, item.rule) for item in found] == [("1.0.0", Rule.REQUIRED)]


def test_none_accepts_anything() -> None:
    assert check(NONE, holder(STR), [holder(INT)]) == []


def test_an_unresolvable_reference_is_reported_not_guessed() -> None:
    new = holder({"$ref": "https://example.org/line.json"})

    [found] = can_read(new, holder(INT))

    assert found.rule is Rule.UNSUPPORTED


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        pytest.param("backward", BACKWARD, id="lower-case"),
        pytest.param("full-transitive", Compatibility.FULL_TRANSITIVE, id="dashes"),
        pytest.param(" FORWARD ", FORWARD, id="spaces"),
    ],
)
def test_mode_is_read_as_people_write_it(text: str, mode: Compatibility) -> None:
    assert Compatibility.parse(text) is mode


def test_unknown_mode_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="BACKWARD_TRANSITIVE"):
        Compatibility.parse("sideways")


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=f"{p.parent.name}-{p.stem}") for p in iter_files()]
)
def test_every_builtin_contract_is_compatible_with_itself(path: Any) -> None:
    _, doc = read(path)

    assert [check(mode, doc, [doc]) for mode in Compatibility] == [[]] * 7
