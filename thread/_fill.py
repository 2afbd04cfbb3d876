"""Filling in required properties that declare a default, before validation.

JSON Schema treats ``default`` as a note, not a rule. twinweave gives it one
meaning, in one place: a property that is both ``required`` and has a
``default`` is set to that default when the data leaves it out. An optional
property is never filled, so ``null`` and "missing" stay two different things.

The filler follows the data through ``properties``, ``items``, ``prefixItems``,
``additionalProperties`` (of an object without ``patternProperties``), ``$ref``
and ``allOf``; it does not guess which member of an ``anyOf`` or ``oneOf``
applies. The compatibility rules count on a default being filled exactly there.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Self

from thread._schemanode import MISSING, Document, default_of

# Data nested deeper than this is left as it is; validation still checks it.
_MAX_DEPTH = 64


class DefaultFiller:
    """Fills the required-with-default properties of one schema into data."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._doc = Document(schema)

    @classmethod
    def for_schema(cls, schema: Mapping[str, Any]) -> Self | None:
        """A filler for ``schema``, or None when it has nothing to fill."""
        return cls(schema) if _has_required_default(schema, Document(schema)) else None

    def fill(self, data: Any) -> None:
        """Set every missing required property that has a default, in place."""
        self._fill(self._doc.root, data, 0)

    def _fill(self, node: Any, data: Any, depth: int) -> None:
        node = self._doc.follow(node)
        if not isinstance(node, Mapping) or depth > _MAX_DEPTH:
            return
        for member in node.get("allOf", ()):
            self._fill(member, data, depth + 1)
        if isinstance(data, dict):
            self._fill_object(node, data, depth)
        elif isinstance(data, list):
            prefix = node.get("prefixItems", ())
            items = node.get("items", True)
            for i, item in enumerate(data):
                self._fill(prefix[i] if i < len(prefix) else items, item, depth + 1)

    def _fill_object(
        self, node: Mapping[str, Any], data: dict[str, Any], depth: int
    ) -> None:
        properties = node.get("properties", {})
        for name in node.get("required", ()):
            if name not in data and name in properties:
                default = default_of(self._doc, properties[name])
                if default is not MISSING:
                    data[name] = copy.deepcopy(default)
        others = node.get("additionalProperties", True)
        if "patternProperties" in node:
            others = True
        for name, value in data.items():
            self._fill(properties.get(name, others), value, depth + 1)


def _has_required_default(node: Any, doc: Document) -> bool:
    """Whether any object anywhere in the document has a required default."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, Mapping):
            continue
        properties = item.get("properties")
        if isinstance(properties, Mapping):
            for name in item.get("required", ()):
                if (
                    name in properties
                    and default_of(doc, properties[name]) is not MISSING
                ):
                    return True
        stack.extend(v for v in item.values() if isinstance(v, Mapping | list))
    return False
