"""The object rules of the compatibility check: fields, required, closed or open.

A writer's field must fit the reader's schema for that name: its ``properties``
entry, every ``patternProperties`` entry matching it, or else its
``additionalProperties``. A field the reader requires must always be written,
unless the reader declares a default for it (consumers fill it in; see
``_fill``). An object that does not say ``additionalProperties: false`` is open:
an earlier writer may have put anything under a name the reader now constrains.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from thread._incompat import Incompatibility, Rule
from thread._keywords import counts, escape, search
from thread._schemanode import MISSING, default_of, json_equal, show

if TYPE_CHECKING:
    from thread._subset import Walker

Found = list[Incompatibility]


def check(
    walk: Walker,
    writer: Mapping[str, Any],
    reader: Mapping[str, Any],
    path: str,
    fill: bool,
) -> Found:
    """What the reader's object keywords refuse of the writer's object branch."""
    shape = _Shapes(walk, writer, reader, path, fill)
    found: Found = []
    if shape.their_patterns and not walk.same(shape.our_patterns, shape.their_patterns):
        message = "patternProperties changed: the rules cannot compare patterns"
        found.append(
            walk.finding(f"{path}/patternProperties", Rule.UNSUPPORTED, message)
        )
    names = set(shape.ours) | set(shape.theirs) | shape.their_required
    for name in sorted(names):
        found += shape.field(name)
    found += shape.others()
    found += counts(walk, writer, reader, path, "minProperties", "maxProperties")
    found += shape.names()
    return found


class _Shapes:
    """The two object schemas being compared, field by field."""

    def __init__(
        self,
        walk: Walker,
        writer: Mapping[str, Any],
        reader: Mapping[str, Any],
        path: str,
        fill: bool,
    ) -> None:
        self.walk, self.writer, self.reader = walk, writer, reader
        self.path, self.fill = path, fill
        self.ours: Mapping[str, Any] = writer.get("properties", {})
        self.theirs: Mapping[str, Any] = reader.get("properties", {})
        self.our_required = set(writer.get("required", ()))
        self.their_required = set(reader.get("required", ()))
        self.our_patterns: Mapping[str, Any] = writer.get("patternProperties", {})
        self.their_patterns: Mapping[str, Any] = reader.get("patternProperties", {})
        self.our_extra = writer.get("additionalProperties", True)
        self.their_extra = reader.get("additionalProperties", True)

    def field(self, name: str) -> Found:
        """What the reader refuses of the writer's field ``name``."""
        walk, at = self.walk, f"{self.path}/properties/{escape(name)}"
        ours = self.ours[name] if name in self.ours else self._ours_unlisted(name)
        theirs = self._theirs(name)
        found: Found = []
        if name in self.their_required and name not in self.our_required:
            found += self._required(name, at)
        if ours is False:
            return found
        if theirs is False:
            return [*found, walk.finding(at, Rule.FIELD_REFUSED, self._refused(name))]

        fill = self.fill and not self._patterned(self.their_patterns, name)
        compared = walk.compare(ours, theirs, at, fill)
        if compared and name not in self.ours:
            if walk.reader_is_newer:
                change, whose = "added to", "earlier"
            else:
                change, whose = "removed from", "new"
            message = (
                f"field '{name}' {change} an open object: "
                f"{whose} data may hold any value under it"
            )
            compared = [walk.finding(at, Rule.OPEN_FIELD, message)]
        found += compared
        if name in self.ours and name in self.theirs and name not in self.our_required:
            found += self._default(name, at)
        return found

    def others(self) -> Found:
        """What the reader refuses of fields neither side lists."""
        walk, found = self.walk, []
        if not self.their_patterns:
            for pattern, schema in self.our_patterns.items():
                at = f"{self.path}/patternProperties/{escape(pattern)}"
                found += walk.compare(schema, self.their_extra, at, self.fill)
        at = f"{self.path}/additionalProperties"
        if self.our_extra is False:
            return found
        if self.their_extra is False:
            message = (
                "additionalProperties closed"
                if walk.reader_is_newer
                else "additionalProperties opened"
            )
            return [*found, walk.finding(at, Rule.ADDITIONAL_PROPERTIES, message)]
        fill = self.fill and not self.their_patterns
        return found + walk.compare(self.our_extra, self.their_extra, at, fill)

    def names(self) -> Found:
        """What ``propertyNames`` in the reader refuses of the writer's names."""
        walk, rule = self.walk, self.reader.get("propertyNames", MISSING)
        if rule is MISSING or walk.same(
            self.writer.get("propertyNames", MISSING), rule
        ):
            return []
        if self.our_extra is not False or self.our_patterns:
            message = "propertyNames added: the writer's object is open"
            return [walk.finding(self.path, Rule.UNSUPPORTED, message)]
        found = []
        for name in self.ours:
            refusal = walk.reader.refusal(rule, name)
            if refusal is not None:
                message = f"field name '{name}' refused by propertyNames: {refusal}"
                found.append(walk.finding(self.path, Rule.FIELD_REFUSED, message))
        return found

    def _ours_unlisted(self, name: str) -> Any:
        for pattern, schema in self.our_patterns.items():
            if search(pattern, name):
                return schema
        return self.our_extra

    def _theirs(self, name: str) -> Any:
        matching = [s for p, s in self.their_patterns.items() if search(p, name)]
        if name in self.theirs:
            matching.insert(0, self.theirs[name])
        if not matching:
            return self.their_extra
        return matching[0] if len(matching) == 1 else {"allOf": matching}

    def _patterned(self, patterns: Mapping[str, Any], name: str) -> bool:
        return any(search(pattern, name) for pattern in patterns)

    def _required(self, name: str, at: str) -> Found:
        walk = self.walk
        schema = self.theirs.get(name)
        default = MISSING if schema is None else default_of(walk.reader, schema)
        if default is not MISSING and self.fill:
            refusal = walk.reader.refusal(schema, default)
            if refusal is None:
                return []
            message = (
                f"default {show(default)} of required field '{name}' "
                f"is refused by its own schema: {refusal}"
            )
            return [walk.finding(at, Rule.DEFAULT, message)]
        unfilled = (
            ""
            if default is MISSING
            else " (defaults are not filled in inside anyOf/oneOf)"
        )
        if walk.reader_is_newer and name in self.ours:
            message = f"field '{name}' became required without a default{unfilled}"
        elif walk.reader_is_newer:
            message = f"required field '{name}' added without a default{unfilled}"
        elif name in self.ours:
            message = (
                f"field '{name}' no longer required: the earlier reader requires it"
            )
        else:
            message = f"required field '{name}' removed"
        return [walk.finding(at, Rule.REQUIRED, message)]

    def _refused(self, name: str) -> str:
        if self.walk.reader_is_newer:
            return (
                f"field '{name}' removed from an object that refuses unknown "
                "fields: earlier data holding it is refused"
            )
        return f"field '{name}' added: the earlier reader refuses unknown fields"

    def _default(self, name: str, at: str) -> Found:
        walk = self.walk
        ours = default_of(walk.writer, self.ours[name])
        theirs = default_of(walk.reader, self.theirs[name])
        if ours is MISSING or theirs is MISSING or json_equal(ours, theirs):
            return []
        old, new = walk.old_new(ours, theirs)
        message = (
            f"default of '{name}' changed from {show(old)} to {show(new)}: "
            "data that leaves it out changes meaning"
        )
        return [walk.finding(at, Rule.DEFAULT, message)]
