"""The keyword rules of the compatibility check for values other than objects.

Each rule asks whether the reader's keyword accepts everything the writer's
branch can produce, and says what changed when it does not. Keywords the rules
cannot reason about (``not``, ``if``, ``contains``, ...) must be the same on
both sides, or the pair is reported as one the rules cannot tell. The rules for
objects are in ``_objects``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from thread._errors import UnsupportedSchemaError
from thread._incompat import Incompatibility, Rule
from thread._schemanode import (
    MISSING,
    Branch,
    accepted_types,
    enum_values,
    is_number,
    show,
)

if TYPE_CHECKING:
    from thread._subset import Walker

# Validation keywords without a rule of their own, by the type they apply to.
_OPAQUE: Final = {
    "not": None,
    "if": None,
    "then": None,
    "else": None,
    "$dynamicRef": None,
    "$recursiveRef": None,
    "contains": "array",
    "minContains": "array",
    "maxContains": "array",
    "unevaluatedItems": "array",
    "dependentRequired": "object",
    "dependentSchemas": "object",
    "unevaluatedProperties": "object",
}

Found = list[Incompatibility]


def restricts(reader: Mapping[str, Any]) -> bool:
    """Whether the reader allows only a finite set of values here."""
    return enum_values(reader) is not None


def check(
    walk: Walker, part: Branch, reader: Mapping[str, Any], path: str, fill: bool
) -> Found:
    """What the reader node's own keywords refuse of one writer branch."""
    if restricts(reader):
        return _restricted(walk, part, reader, path)
    found: Found = []
    match part.type:
        case "integer" | "number":
            found += _numbers(walk, part, reader, path)
        case "string":
            found += _strings(walk, part.schema, reader, path)
        case "array":
            found += _arrays(walk, part.schema, reader, path, fill)
        case _:
            pass
    found += _opaque(walk, part, reader, path)
    return found


def _opaque(walk: Walker, part: Branch, reader: Mapping[str, Any], path: str) -> Found:
    found: Found = []
    for keyword, applies_to in _OPAQUE.items():
        if keyword not in reader or applies_to not in (None, part.type):
            continue
        if walk.same(part.schema.get(keyword, MISSING), reader[keyword]):
            continue
        change = "changed" if keyword in part.schema else verb(walk)
        message = f"'{keyword}' {change}: the rules cannot tell what it lets through"
        found.append(walk.finding(path, Rule.UNSUPPORTED, message))
    return found


def verb(walk: Walker) -> str:
    """``added`` when the reader is the newer side, else ``removed``."""
    return "added" if walk.reader_is_newer else "removed"


def disjoint(walk: Walker, part: Branch, member: Any) -> bool:
    """Whether no value of the writer branch can match a reader's union member."""
    if part.type not in accepted_types(walk.reader, member):
        return True
    if part.values is not None:
        return all(walk.reader.refusal(member, v) is not None for v in part.values)
    node = walk.reader.follow(member)
    if part.type != "object" or not isinstance(node, Mapping):
        return False
    # A tag property (pydantic's discriminator) whose values never meet.
    ours = part.schema.get("properties", {})
    theirs = node.get("properties", {})
    for name in part.schema.get("required", ()):
        if name in ours and name in theirs:
            values = enum_values(_mapping(walk.writer.follow(ours[name])))
            refused = [walk.reader.refusal(theirs[name], v) for v in values or ()]
            if values and all(r is not None for r in refused):
                return True
    return False


def _restricted(
    walk: Walker, part: Branch, reader: Mapping[str, Any], path: str
) -> Found:
    finite = {"null": (None,), "boolean": (True, False)}.get(part.type)
    if finite is not None:
        return walk.values(reader, Branch(part.type, part.schema, finite), path)
    allowed = show(enum_values(reader))
    if walk.reader_is_newer:
        message = f"enum {allowed} added: earlier data may hold any {part.type}"
    else:
        message = f"enum {allowed} removed: new data may hold any {part.type}"
    return [walk.finding(path, Rule.VALUES_RESTRICTED, message)]


# -- numbers -------------------------------------------------------------------


def _numbers(walk: Walker, part: Branch, reader: Mapping[str, Any], path: str) -> Found:
    writer, whole = part.schema, part.type == "integer"
    found: Found = []
    for side, bound in (("lower", _lower), ("upper", _upper)):
        ours, theirs = bound(writer, whole), bound(reader, whole)
        if theirs is None:
            continue
        tighter = ours is None or (
            ours[2] < theirs[2] if side == "lower" else ours[2] > theirs[2]
        )
        if tighter:
            change = _bound_change(walk, ours, theirs)
            found.append(walk.finding(path, Rule.BOUND, change))

    step = reader.get("multipleOf")
    if is_number(step):
        ours_step = writer.get("multipleOf")
        fits = (is_number(ours_step) and _divides(step, ours_step)) or (
            whole and _divides(step, 1)
        )
        if not fits:
            old, new = walk.old_new(ours_step if is_number(ours_step) else None, step)
            message = value_change("multipleOf", old, new)
            found.append(walk.finding(path, Rule.MULTIPLE_OF, message))
    return found


_Bound = tuple[str, Any, tuple[Any, int]]


def _lower(schema: Mapping[str, Any], whole: bool) -> _Bound | None:
    found: list[_Bound] = []
    if is_number(value := schema.get("minimum")):
        found.append(("minimum", value, (math.ceil(value), 0) if whole else (value, 0)))
    if is_number(value := schema.get("exclusiveMinimum")):
        key = (math.floor(value) + 1, 0) if whole else (value, 1)
        found.append(("exclusiveMinimum", value, key))
    return max(found, key=lambda b: b[2]) if found else None


def _upper(schema: Mapping[str, Any], whole: bool) -> _Bound | None:
    found: list[_Bound] = []
    if is_number(value := schema.get("maximum")):
        found.append(
            ("maximum", value, (math.floor(value), 0) if whole else (value, 0))
        )
    if is_number(value := schema.get("exclusiveMaximum")):
        key = (math.ceil(value) - 1, 0) if whole else (value, -1)
        found.append(("exclusiveMaximum", value, key))
    return min(found, key=lambda b: b[2]) if found else None


def _bound_change(walk: Walker, ours: _Bound | None, theirs: _Bound) -> str:
    old, new = walk.old_new(ours, theirs)
    if old is None:
        return f"{new[0]} {show(new[1])} added"
    if new is None:
        return f"{old[0]} {show(old[1])} removed"
    if old[0] == new[0]:
        verb = "raised" if new[1] > old[1] else "lowered"
        return f"{new[0]} {verb} from {show(old[1])} to {show(new[1])}"
    return f"{old[0]} {show(old[1])} replaced by {new[0]} {show(new[1])}"


def _divides(step: Any, value: Any) -> bool:
    ratio = _fraction(value) / _fraction(step)
    return ratio.denominator == 1


def _fraction(value: Any) -> Fraction:
    return (
        Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)
    )


# -- strings -------------------------------------------------------------------


def _strings(
    walk: Walker, writer: Mapping[str, Any], reader: Mapping[str, Any], path: str
) -> Found:
    found = counts(walk, writer, reader, path, "minLength", "maxLength")
    for keyword, rule in (("pattern", Rule.PATTERN), ("format", Rule.FORMAT)):
        if keyword in reader and writer.get(keyword) != reader[keyword]:
            old, new = walk.old_new(writer.get(keyword), reader[keyword])
            found.append(walk.finding(path, rule, value_change(keyword, old, new)))
    return found


def counts(
    walk: Walker,
    writer: Mapping[str, Any],
    reader: Mapping[str, Any],
    path: str,
    low: str,
    high: str,
) -> Found:
    """What a reader's ``min*``/``max*`` count bounds refuse of the writer's."""
    found: Found = []
    least, ours = reader.get(low), writer.get(low)
    if is_number(least) and least > 0 and not (is_number(ours) and ours >= least):
        old, new = walk.old_new(ours if is_number(ours) else None, least)
        found.append(walk.finding(path, Rule.BOUND, value_change(low, old, new)))
    most, ours = reader.get(high), writer.get(high)
    if is_number(most) and not (is_number(ours) and ours <= most):
        old, new = walk.old_new(ours if is_number(ours) else None, most)
        found.append(walk.finding(path, Rule.BOUND, value_change(high, old, new)))
    return found


def value_change(keyword: str, old: Any, new: Any) -> str:
    """``maxLength lowered from 10 to 5``, ``pattern '^a' added``..."""
    if old is None:
        return f"{keyword} {show(new)} added"
    if new is None:
        return f"{keyword} {show(old)} removed"
    if is_number(old) and is_number(new):
        verb = "raised" if new > old else "lowered"
        return f"{keyword} {verb} from {show(old)} to {show(new)}"
    return f"{keyword} changed from {show(old)} to {show(new)}"


# -- arrays --------------------------------------------------------------------


def _arrays(
    walk: Walker,
    writer: Mapping[str, Any],
    reader: Mapping[str, Any],
    path: str,
    fill: bool,
) -> Found:
    our_prefix, our_items = _positions(writer)
    their_prefix, their_items = _positions(reader)
    most = writer.get("maxItems") if is_number(writer.get("maxItems")) else None
    found: Found = []
    longest = max(len(our_prefix), len(their_prefix))
    for i in range(longest):
        ours = our_prefix[i] if i < len(our_prefix) else our_items
        if ours is False or (most is not None and i >= most):
            break
        if i < len(their_prefix):
            found += walk.compare(
                ours, their_prefix[i], f"{path}/prefixItems/{i}", fill
            )
        else:
            found += walk.compare(ours, their_items, f"{path}/items", fill)
    if our_items is not False and (most is None or most > longest):
        found += walk.compare(our_items, their_items, f"{path}/items", fill)

    found += counts(walk, writer, reader, path, "minItems", "maxItems")
    single = most is not None and most <= 1
    if (
        reader.get("uniqueItems") is True
        and writer.get("uniqueItems") is not True
        and not single
    ):
        message = f"uniqueItems {verb(walk)}"
        found.append(walk.finding(path, Rule.UNIQUE_ITEMS, message))
    return found


def _positions(schema: Mapping[str, Any]) -> tuple[list[Any], Any]:
    items = schema.get("items", True)
    if isinstance(items, list):  # draft 2019-09 and earlier spelled prefixItems so
        return items, schema.get("additionalItems", True)
    return list(schema.get("prefixItems", ())), items


def escape(token: str) -> str:
    """A name as one JSON pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def search(pattern: str, name: str) -> bool:
    """Whether a schema's regular expression matches ``name``.

    Raises:
        UnsupportedSchemaError: the pattern is not one Python can read.
    """
    try:
        return re.search(pattern, name) is not None
    except re.error as exc:
        raise UnsupportedSchemaError(f"pattern {pattern!r}", str(exc)) from exc


def _mapping(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, Mapping) else {}
