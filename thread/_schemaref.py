"""Contract references: a URN naming a twin kind, a message and a semantic version."""

from __future__ import annotations

import re
from dataclasses import dataclass

from thread._errors import ContractError

_URN = re.compile(
    r"^urn:twinweave:schema:(?P<kind>[a-z0-9-]+):(?P<message>[a-z0-9.-]+)"
    r":(?P<version>\d+\.\d+\.\d+)$"
)


@dataclass(frozen=True, slots=True, order=True)
class SchemaRef:
    """The parts of a contract URN: twin kind, message name and version."""

    kind: str
    message: str
    version: str

    @property
    def urn(self) -> str:
        """The ``ce-dataschema`` value of this contract."""
        return f"urn:twinweave:schema:{self.kind}:{self.message}:{self.version}"

    @property
    def event_type(self) -> str:
        """The ``ce-type`` of messages following this contract."""
        return f"io.twinweave.{self.kind}.{self.message}"

    @property
    def semver(self) -> tuple[int, int, int]:
        """The version as numbers, for ordering (``1.10.0`` comes after ``1.9.0``)."""
        return semver(self.version)

    def at(self, version: str) -> SchemaRef:
        """The same kind and message at another version."""
        return SchemaRef(self.kind, self.message, version)

    @classmethod
    def parse(cls, urn: str) -> SchemaRef:
        """Split a contract URN into its parts.

        Raises:
            ContractError: the URN is not of the form above.
        """
        match = _URN.match(urn)
        if match is None:
            raise ContractError(urn, "not a urn:twinweave:schema:<kind>:<msg>:<x.y.z>")
        return cls(match["kind"], match["message"], match["version"])


def semver(version: str) -> tuple[int, int, int]:
    """``"1.10.0"`` as ``(1, 10, 0)``.

    Raises:
        ContractError: the text is not three dot-separated whole numbers.
    """
    parts = version.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ContractError(version, "a version is <major>.<minor>.<patch>")
    return int(parts[0]), int(parts[1]), int(parts[2])
