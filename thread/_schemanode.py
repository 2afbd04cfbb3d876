"""Reading JSON Schema nodes: local references, ``allOf`` merges, one branch per type.

The compatibility rules compare schemas one JSON type at a time. A writer's node
is split into :class:`Branch` es, each naming one type (or a finite set of values
of one type), so that ``{"type": ["string", "null"]}`` and pydantic's
``{"anyOf": [{"type": "string"}, {"type": "null"}]}`` read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeGuard
from urllib.parse import unquote

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing.exceptions import Unresolvable

from thread._errors import UnsupportedSchemaError

TYPES: Final = ("null", "boolean", "integer", "number", "string", "array", "object")
ALL_TYPES: Final = frozenset(TYPES)
UNIONS: Final = ("anyOf", "oneOf")
COMBINATORS: Final = frozenset({"allOf", "anyOf", "oneOf"})
# Keywords that describe a value without constraining it (2020-12 meta-data,
# content and core vocabularies, plus pydantic's ``discriminator``).
ANNOTATIONS: Final = frozenset(
    {
        "$anchor",
        "$comment",
        "$defs",
        "$id",
        "$schema",
        "$vocabulary",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
        "default",
        "definitions",
        "deprecated",
        "description",
        "discriminator",
        "examples",
        "readOnly",
        "title",
        "writeOnly",
    }
)
# An allOf member that uses one of these without its partner cannot be merged
# with the others without changing what it means.
_PARTNERS: Final = {"minContains": "contains", "maxContains": "contains"}
_PARTNERS_OF_IF: Final = ("then", "else")
_LOWER_BOUNDS: Final = ("minimum", "exclusiveMinimum", "minLength", "minItems")
_UPPER_BOUNDS: Final = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")
_MAX_HOPS = 32


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def is_annotation(keyword: str) -> bool:
    """Whether ``keyword`` only describes (never constrains) a value."""
    return keyword in ANNOTATIONS or keyword.startswith("x-")


@dataclass(frozen=True, slots=True)
class Branch:
    """The part of a writer's schema that produces values of one JSON type.

    ``values`` is set when the schema allows only those values (``enum`` or
    ``const``); ``schema`` holds every keyword that applies.
    """

    type: str
    schema: Mapping[str, Any]
    values: tuple[Any, ...] | None = None


class Document:
    """One schema document, for following its local ``$ref`` s and checking values."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self._id = root.get("$id") if isinstance(root, Mapping) else None
        self._validators: dict[int, tuple[Any, Draft202012Validator]] = {}

    def target(self, ref: str) -> Any:
        """The node a ``$ref`` inside this document points at.

        Raises:
            UnsupportedSchemaError: the reference leaves the document, names an
                anchor, or points at nothing.
        """
        base, _, fragment = ref.partition("#")
        if base and base != self._id:
            raise UnsupportedSchemaError(ref, "only references inside the document")
        if fragment and not fragment.startswith("/"):
            raise UnsupportedSchemaError(ref, "anchors are not followed")
        node = self.root
        for raw in fragment.split("/")[1:]:
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise UnsupportedSchemaError(ref, "points at nothing")
        return node

    def follow(self, node: Any) -> Any:
        """``node`` with its ``$ref`` followed.

        Annotations beside the ``$ref`` are kept (a ``default`` beside it wins);
        constraints beside it are combined with the target as ``allOf``.
        """
        for _ in range(_MAX_HOPS):
            if not isinstance(node, Mapping) or "$ref" not in node:
                return node
            target = self.target(node["$ref"])
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            if any(not is_annotation(k) for k in siblings):
                notes = {k: v for k, v in siblings.items() if is_annotation(k)}
                return {**notes, "allOf": [target, siblings]}
            if not siblings or isinstance(target, bool):
                node = target
            else:
                node = {**target, **siblings}
        raise UnsupportedSchemaError(str(node.get("$ref")), "references go round")

    def refusal(self, node: Any, value: Any) -> str | None:
        """Why ``node`` refuses ``value``, or None when it accepts it."""
        try:
            error = best_match(self._validator(node).iter_errors(value))
        except (Unresolvable, re.error) as exc:
            return f"cannot be checked ({exc})"
        return None if error is None else error.message

    def _validator(self, node: Any) -> Draft202012Validator:
        cached = self._validators.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
        schema = node
        if isinstance(node, Mapping) and isinstance(self.root, Mapping):
            # A node taken out of its document still needs the definitions its
            # references point at, and the $id they may be written against.
            schema = dict(node)
            for key in ("$defs", "definitions", "$id"):
                if key in self.root and key not in schema:
                    schema[key] = self.root[key]
        validator = Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        self._validators[id(node)] = (node, validator)
        return validator


def default_of(doc: Document, node: Any) -> Any:
    """The ``default`` a property's schema declares, or :data:`MISSING`."""
    try:
        node = doc.follow(node)
    except UnsupportedSchemaError:
        return MISSING
    if isinstance(node, Mapping) and "default" in node:
        return node["default"]
    return MISSING


def show(value: Any) -> str:
    """A JSON value as it reads in a message: ``'x'``, ``10``, ``null``."""
    if isinstance(value, str):
        return f"'{value}'"
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def json_type(value: Any) -> str:
    """The JSON Schema type of a JSON value (``1.0`` counts as an integer)."""
    match value:
        case None:
            return "null"
        case bool():
            return "boolean"
        case int():
            return "integer"
        case float():
            return "integer" if value.is_integer() else "number"
        case str():
            return "string"
        case list() | tuple():
            return "array"
        case _:
            return "object"


def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values: ``1 == 1.0``, but ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(map(json_equal, a, b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def canonical(types: Iterable[str]) -> frozenset[str]:
    """A set of type names in which ``number`` includes ``integer``."""
    names = set(types) & ALL_TYPES
    if "number" in names:
        names.add("integer")
    return frozenset(names)


def declared_types(node: Mapping[str, Any]) -> frozenset[str]:
    """The types a node's ``type`` keyword allows (all of them without one)."""
    declared = node.get("type")
    if declared is None:
        return ALL_TYPES
    return canonical([declared] if isinstance(declared, str) else declared)


def show_types(types: frozenset[str]) -> str:
    """``"string or null"``, ``"number"`` (not "integer or number"), ``"any type"``."""
    if types >= ALL_TYPES:
        return "any type"
    if not types:
        return "nothing"
    # null last: "string or null" reads as the optional string it is.
    order = [*TYPES[1:], "null"]
    hidden = {"integer"} if "number" in types else set()
    return " or ".join(t for t in order if t in types and t not in hidden)


def enum_values(node: Mapping[str, Any]) -> list[Any] | None:
    """The only values a node allows (``enum`` and ``const``), or None if open."""
    values: list[Any] | None = None
    if "enum" in node:
        values = list(node["enum"])
    if "const" in node:
        const = node["const"]
        values = [v for v in (values or [const]) if json_equal(v, const)]
    return values


def accepted_types(doc: Document, node: Any, depth: int = 0) -> frozenset[str]:
    """Every JSON type some value of which a (reader's) node may accept."""
    node = doc.follow(node)
    if node is True or depth > _MAX_HOPS:
        return ALL_TYPES
    if node is False:
        return frozenset()
    types = declared_types(node)
    values = enum_values(node)
    if values is not None:
        types &= canonical(json_type(v) for v in values)
    for member in node.get("allOf", ()):
        types &= accepted_types(doc, member, depth + 1)
    for key in UNIONS:
        if key in node:
            union: frozenset[str] = frozenset()
            for member in node[key]:
                union |= accepted_types(doc, member, depth + 1)
            types &= union
    return types


def branches(doc: Document, node: Any, depth: int = 0) -> list[Branch]:
    """A writer's node as the union of its branches, one per JSON type.

    Raises:
        UnsupportedSchemaError: a part of it cannot be read precisely enough.
    """
    if depth > _MAX_HOPS:
        raise UnsupportedSchemaError("anyOf/oneOf", "unions nest too deep")
    merged = merge(doc, [node])
    if merged is False:
        return []
    unions = [key for key in UNIONS if key in merged]
    if len(unions) > 1:
        raise UnsupportedSchemaError("anyOf/oneOf", "both in one writer schema")
    if unions:
        rest = {k: v for k, v in merged.items() if k != unions[0]}
        found: list[Branch] = []
        for member in merged[unions[0]]:
            found.extend(branches(doc, {"allOf": [rest, member]}, depth + 1))
        return found

    values = enum_values(merged)
    if values is not None:
        kept = [v for v in values if doc.refusal(merged, v) is None]
        by_type: dict[str, list[Any]] = {}
        for value in kept:
            by_type.setdefault(json_type(value), []).append(value)
        return [Branch(t, merged, tuple(vs)) for t, vs in by_type.items()]
    types = declared_types(merged)
    if "number" in types and _whole_steps(merged):
        types = (types - {"number"}) | {"integer"}
    if "number" in types:
        types -= {"integer"}
    return [Branch(t, merged) for t in TYPES if t in types]


def merge(doc: Document, parts: list[Any]) -> Mapping[str, Any] | Literal[False]:
    """The ``allOf`` of ``parts`` as one node (or a superset of it); False if none.

    Raises:
        UnsupportedSchemaError: the parts disagree in a way no one node says.
    """
    flat: list[Mapping[str, Any]] = []
    queue = list(parts)
    while queue:
        if len(flat) > 4 * _MAX_HOPS:
            raise UnsupportedSchemaError("allOf", "too many members to merge")
        part = doc.follow(queue.pop(0))
        if part is False:
            return False
        if part is not True:
            flat.append(part)
            queue.extend(part.get("allOf", ()))

    merged: dict[str, Any] = {}
    for part in flat:
        if len(flat) > 1:
            _check_partners(part)
        for key, value in part.items():
            if key == "allOf":
                continue
            merged[key] = value if key not in merged else _both(key, merged[key], value)
    return merged


def _check_partners(part: Mapping[str, Any]) -> None:
    for key, partner in _PARTNERS.items():
        if key in part and partner not in part:
            raise UnsupportedSchemaError("allOf", f"'{key}' without '{partner}'")
    if any(key in part for key in _PARTNERS_OF_IF) and "if" not in part:
        raise UnsupportedSchemaError("allOf", "'then'/'else' without 'if'")


def _both(key: str, first: Any, second: Any) -> Any:
    """One value of ``key`` that means what both allOf members say."""
    if is_annotation(key) or json_equal(first, second):
        return first
    match key:
        case "type":
            return sorted(_types_of(first) & _types_of(second))
        case "required":
            return sorted(set(first) | set(second))
        case "properties":
            both = dict(first)
            for name, schema in second.items():
                same = name in both and json_equal(both[name], schema)
                both[name] = (
                    schema if name not in both or same else _all(both[name], schema)
                )
            return both
        case "enum":
            return [v for v in first if any(json_equal(v, w) for w in second)]
        case _ if key in _LOWER_BOUNDS and _numbers(first, second):
            return max(first, second)
        case _ if key in _UPPER_BOUNDS and _numbers(first, second):
            return min(first, second)
        case _:
            raise UnsupportedSchemaError("allOf", f"members disagree on '{key}'")


def _all(first: Any, second: Any) -> dict[str, Any]:
    return {"allOf": [first, second]}


def _types_of(declared: Any) -> frozenset[str]:
    return canonical([declared] if isinstance(declared, str) else declared)


def _numbers(*values: Any) -> bool:
    return all(is_number(v) for v in values)


def is_number(value: Any) -> TypeGuard[int | float]:
    """Whether ``value`` is a JSON number (``true`` is not one)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole_steps(node: Mapping[str, Any]) -> bool:
    step = node.get("multipleOf")
    return is_number(step) and float(step).is_integer()
