"""Whether every value one JSON Schema allows is also allowed by another.

:func:`can_read` walks a writer's schema and a reader's side by side. A writer's
node is split into one branch per JSON type (see ``_schemanode``); each branch
must be covered by the reader's node: by its own keywords, by every ``allOf``
member, and by some ``anyOf`` member (exactly one ``oneOf`` member). The
keyword rules live in ``_keywords`` and, for objects, ``_objects``.

The answer is conservative: where a construct cannot be reasoned about, the
pair is reported incompatible with the reason, never passed on a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from thread import _keywords, _objects
from thread._errors import UnsupportedSchemaError
from thread._incompat import Incompatibility, Rule
from thread._schemanode import (
    UNIONS,
    Branch,
    Document,
    accepted_types,
    branches,
    canonical,
    enum_values,
    is_annotation,
    json_equal,
    show,
    show_types,
)

_MAX_DEPTH = 128


def can_read(
    reader: Mapping[str, Any] | bool,
    writer: Mapping[str, Any] | bool,
    *,
    reader_is_newer: bool = True,
) -> list[Incompatibility]:
    """What data written under ``writer`` the ``reader`` schema would refuse.

    An empty list means every value valid under ``writer`` is valid under
    ``reader`` (a required property with a default counts as present, since
    consumers fill it in). Messages describe the change from the older schema
    to the newer one: ``reader_is_newer`` says which one that is.
    """
    walker = Walker(writer, reader, reader_is_newer=reader_is_newer)
    found = walker.compare(writer, reader, "")
    unique: dict[tuple[str, str], Incompatibility] = {}
    for item in found:
        unique.setdefault((item.path, item.message), item)
    return list(unique.values())


class Walker:
    """One comparison of a writer's schema with a reader's."""

    def __init__(self, writer: Any, reader: Any, *, reader_is_newer: bool) -> None:
        self.writer = Document(writer)
        self.reader = Document(reader)
        self.reader_is_newer = reader_is_newer
        self._same_defs = isinstance(writer, Mapping) and isinstance(reader, Mapping)
        if self._same_defs:
            self._same_defs = json_equal(
                writer.get("$defs", {}), reader.get("$defs", {})
            ) and json_equal(
                writer.get("definitions", {}), reader.get("definitions", {})
            )
        self._open: set[tuple[int, int, bool]] = set()

    def old_new(self, writer_side: Any, reader_side: Any) -> tuple[Any, Any]:
        """The two sides of a change as (earlier, newer)."""
        if self.reader_is_newer:
            return writer_side, reader_side
        return reader_side, writer_side

    def finding(self, path: str, rule: Rule, message: str) -> Incompatibility:
        """An incompatibility at ``path``."""
        return Incompatibility(path, rule, message)

    def same(self, writer_value: Any, reader_value: Any) -> bool:
        """Whether a keyword's value says the same on both sides."""
        if not json_equal(writer_value, reader_value):
            return False
        return self._same_defs or b'"$ref"' not in orjson.dumps(reader_value)

    def compare(
        self, writer: Any, reader: Any, path: str, fill: bool = True
    ) -> list[Incompatibility]:
        """What values of ``writer`` the ``reader`` node refuses.

        ``fill`` says whether consumers fill defaults in at this place (they do
        not inside ``anyOf``/``oneOf``).
        """
        key = (_key(writer), _key(reader), fill)
        if key in self._open:
            # A recursive schema met itself again: what holds for the first
            # pass holds for this one.
            return []
        if len(self._open) > _MAX_DEPTH:
            return [self.finding(path, Rule.UNSUPPORTED, "schemas nest too deep")]
        self._open.add(key)
        try:
            return self._compare(writer, reader, path, fill)
        except UnsupportedSchemaError as exc:
            return [self.finding(path, Rule.UNSUPPORTED, f"cannot tell: {exc}")]
        finally:
            self._open.discard(key)

    def _compare(
        self, writer: Any, reader: Any, path: str, fill: bool
    ) -> list[Incompatibility]:
        followed = self.reader.follow(reader)
        if followed is True or (
            isinstance(followed, Mapping) and all(map(is_annotation, followed))
        ):
            return []
        parts = branches(self.writer, writer)
        accepted = accepted_types(self.reader, followed)
        written = canonical(part.type for part in parts)
        found: list[Incompatibility] = []
        if not written <= accepted:
            found.append(self._type_change(path, written, accepted))
        for part in parts:
            if part.type in accepted:
                found.extend(self.covers(followed, part, path, fill))
        return found

    def covers(
        self, reader: Any, part: Branch, path: str, fill: bool, depth: int = 0
    ) -> list[Incompatibility]:
        """What values of one writer branch the ``reader`` node refuses."""
        node = self.reader.follow(reader)
        if node is True:
            return []
        if node is False or depth > _MAX_DEPTH:
            reason = "accepts nothing" if node is False else "nests too deep"
            return [self.finding(path, Rule.UNSUPPORTED, f"the reader {reason}")]
        if part.values is not None:
            return self.values(node, part, path)

        found = _keywords.check(self, part, node, path, fill)
        if part.type == "object" and not _keywords.restricts(node):
            found += _objects.check(self, part.schema, node, path, fill)
        for member in node.get("allOf", ()):
            found.extend(self.covers(member, part, path, fill, depth + 1))
        for key in UNIONS:
            if key in node:
                found.extend(self._union(node[key], part, path, key, depth))
        return found

    def values(
        self, reader: Mapping[str, Any], part: Branch, path: str
    ) -> list[Incompatibility]:
        """Which of a writer's finite values the reader refuses."""
        found = []
        restricted = enum_values(reader) is not None
        for value in part.values or ():
            refusal = self.reader.refusal(reader, value)
            if refusal is None:
                continue
            if restricted:
                verb = "removed" if self.reader_is_newer else "added"
                message = f"enum value {show(value)} {verb}"
            elif self.reader_is_newer:
                message = f"value {show(value)} no longer accepted: {refusal}"
            else:
                message = (
                    f"value {show(value)} refused by the earlier reader: {refusal}"
                )
            found.append(self.finding(path, Rule.VALUE, message))
        return found

    def _union(
        self, members: list[Any], part: Branch, path: str, keyword: str, depth: int
    ) -> list[Incompatibility]:
        best: list[Incompatibility] | None = None
        for member in members:
            if part.type not in accepted_types(self.reader, member):
                continue
            found = self.covers(member, part, path, False, depth + 1)
            if not found:
                if keyword == "oneOf" and not self._only_match(members, member, part):
                    message = "oneOf: data may now match more than one member"
                    return [self.finding(path, Rule.AMBIGUOUS_UNION, message)]
                return []
            if best is None or len(found) < len(best):
                best = found
        if best is None:
            accepted = accepted_types(self.reader, {keyword: members})
            return [self._type_change(path, frozenset({part.type}), accepted)]
        return best

    def _only_match(self, members: list[Any], chosen: Any, part: Branch) -> bool:
        return all(
            member is chosen or _keywords.disjoint(self, part, member)
            for member in members
        )

    def _type_change(
        self, path: str, written: frozenset[str], accepted: frozenset[str]
    ) -> Incompatibility:
        old, new = self.old_new(written, accepted)
        if new < old:
            verb = "narrowed"
        elif new > old:
            verb = "widened"
        else:
            verb = "changed"
        message = f"type {verb} from {show_types(old)} to {show_types(new)}"
        return self.finding(path, Rule.TYPE, message)


def _key(node: Any) -> int:
    # The nodes being compared are on the stack, so their ids stay theirs.
    return id(node)
