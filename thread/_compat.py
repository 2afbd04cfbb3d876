"""Compatibility modes, and checking a new contract version against earlier ones.

``BACKWARD``: the new version reads data written under the previous one (upgrade
consumers first). ``FORWARD``: the previous version reads data written under the
new one (upgrade producers first). ``FULL``: both. Each ``_TRANSITIVE`` form
checks against every earlier version, not only the latest. ``NONE`` checks
nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from thread._errors import ConfigurationError
from thread._incompat import Direction, Incompatibility
from thread._subset import can_read


class Compatibility(enum.StrEnum):
    """How a new version of a contract must relate to the earlier ones."""

    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def backward(self) -> bool:
        """Whether the new version must read earlier data."""
        return self.name.startswith(("BACKWARD", "FULL"))

    @property
    def forward(self) -> bool:
        """Whether earlier versions must read the new version's data."""
        return self.name.startswith(("FORWARD", "FULL"))

    @property
    def transitive(self) -> bool:
        """Whether every earlier version counts, not only the latest."""
        return self.name.endswith("_TRANSITIVE")

    @classmethod
    def parse(cls, text: str) -> Compatibility:
        """Read a mode as written by people: ``backward``, ``full-transitive``...

        Raises:
            ConfigurationError: it names no mode.
        """
        try:
            return cls(text.strip().upper().replace("-", "_"))
        except ValueError:
            known = ", ".join(mode.value for mode in cls)
            raise ConfigurationError(
                "compatibility", f"{text!r} is not one of {known}"
            ) from None


def check(
    mode: Compatibility | str,
    new: Mapping[str, Any],
    earlier_versions: Sequence[Mapping[str, Any]],
) -> list[Incompatibility]:
    """What breaks ``mode`` when ``new`` follows ``earlier_versions`` (oldest first).

    Each incompatibility names the earlier version it was found against (read
    from the document's ``x-twinweave`` or ``$id``) and the direction.

    >>> v1 = {"type": "object", "properties": {"n": {"type": "number"}}}
    >>> v2 = {"type": "object", "properties": {"n": {"type": "integer"}}}
    >>> [str(i) for i in check("BACKWARD", v2, [v1])]
    ['field /properties/n: type narrowed from number to integer [backward, against #1]']
    """
    mode = mode if isinstance(mode, Compatibility) else Compatibility.parse(mode)
    if mode is Compatibility.NONE or not earlier_versions:
        return []
    numbered = list(enumerate(earlier_versions, start=1))
    found: list[Incompatibility] = []
    for number, earlier in numbered if mode.transitive else numbered[-1:]:
        version = _version_of(earlier, number)
        if mode.backward:
            found += [
                item.against(version, Direction.BACKWARD)
                for item in can_read(new, earlier)
            ]
        if mode.forward:
            found += [
                item.against(version, Direction.FORWARD)
                for item in can_read(earlier, new, reader_is_newer=False)
            ]
    return found


def _version_of(schema: Mapping[str, Any], number: int) -> str:
    meta = schema.get("x-twinweave")
    version = meta.get("version") if isinstance(meta, Mapping) else None
    if isinstance(version, str):
        return version
    urn = schema.get("$id")
    if isinstance(urn, str) and urn.startswith("urn:twinweave:schema:"):
        return urn.rsplit(":", 1)[-1]
    return f"#{number}"
