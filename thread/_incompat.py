"""What the compatibility rules report: one broken rule at one place in a schema."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class Rule(enum.StrEnum):
    """Which compatibility rule a change breaks."""

    TYPE = "type"
    VALUE = "value"
    VALUES_RESTRICTED = "values-restricted"
    REQUIRED = "required"
    FIELD_REFUSED = "field-refused"
    OPEN_FIELD = "open-field"
    ADDITIONAL_PROPERTIES = "additional-properties"
    BOUND = "bound"
    MULTIPLE_OF = "multiple-of"
    PATTERN = "pattern"
    FORMAT = "format"
    UNIQUE_ITEMS = "unique-items"
    DEFAULT = "default"
    AMBIGUOUS_UNION = "ambiguous-union"
    UNSUPPORTED = "unsupported"


class Direction(enum.StrEnum):
    """Which way data flows between two versions."""

    BACKWARD = "backward"
    """The new version reads data written under an earlier one."""
    FORWARD = "forward"
    """An earlier version reads data written under the new one."""


@dataclass(frozen=True, slots=True)
class Incompatibility:
    """Data one schema allows that another refuses, and why.

    Attributes:
        path: JSON pointer into the schema, e.g. ``/properties/stock``.
        rule: the rule broken.
        message: what changed, phrased from the earlier version to the new one.
        direction: set by :func:`check`: which version reads which.
        version: set by :func:`check`: the earlier version compared with.
    """

    path: str
    rule: Rule
    message: str
    direction: Direction | None = None
    version: str | None = None

    def __str__(self) -> str:
        text = f"field {self.path or '/'}: {self.message}"
        if self.version is None:
            return text
        return f"{text} [{self.direction}, against {self.version}]"

    def against(self, version: str, direction: Direction) -> Incompatibility:
        """This incompatibility, noted as found against ``version``."""
        return replace(self, version=version, direction=direction)
