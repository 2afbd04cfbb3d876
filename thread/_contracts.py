"""Schema contracts: how a message's data is checked against the schema it names.

A message names its contract in ``ce-dataschema`` as a URN with a semantic
version, ``urn:twinweave:schema:<kind>:<message>:<version>``. A consumer holds a
:class:`Contracts` lookup and validates every message against the version it
names. Contracts come either from a pydantic model (what a twin written in Python
publishes) or from a JSON Schema document (what any consumer can load from
``schemas/``, whatever language the publisher was written in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import orjson
import pydantic
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from thread._errors import ContractError, UnknownContractError

M = TypeVar("M", bound=pydantic.BaseModel)

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


class Contract(Protocol):
    """Something that turns raw message data into checked data, or refuses it."""

    @property
    def ref(self) -> SchemaRef: ...

    def validate(self, raw: bytes) -> Any:
        """Return the decoded data, or raise ``ContractError``."""
        ...


class ModelContract(Generic[M]):
    """A contract backed by a pydantic model; validation yields model instances."""

    def __init__(self, ref: SchemaRef, model: type[M]) -> None:
        self.ref = ref
        self.model = model

    def validate(self, raw: bytes) -> M:
        try:
            return self.model.model_validate_json(raw)
        except pydantic.ValidationError as exc:
            raise ContractError(self.ref.urn, _pydantic_reason(exc)) from exc

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema document this contract is published as."""
        return self.model.model_json_schema(mode="serialization")


class JsonSchemaContract:
    """A contract backed by a JSON Schema (draft 2020-12) document."""

    def __init__(self, ref: SchemaRef, schema: Mapping[str, Any]) -> None:
        self.ref = ref
        self.schema = dict(schema)
        self._validator = Draft202012Validator(self.schema)

    def validate(self, raw: bytes) -> Any:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ContractError(self.ref.urn, f"not JSON: {exc}") from exc
        error = best_match(self._validator.iter_errors(data))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            raise ContractError(self.ref.urn, f"{where}: {error.message}")
        return data


class Contracts:
    """A lookup of contracts by the ``ce-dataschema`` URN messages name."""

    def __init__(self, contracts: Iterable[Contract] = ()) -> None:
        self._by_urn: dict[str, Contract] = {}
        for contract in contracts:
            self.add(contract)

    def add(self, contract: Contract) -> None:
        """Make ``contract`` known; a later one for the same URN replaces it."""
        self._by_urn[contract.ref.urn] = contract

    def __contains__(self, urn: object) -> bool:
        return urn in self._by_urn

    def __len__(self) -> int:
        return len(self._by_urn)

    def get(self, urn: str) -> Contract:
        """The contract for ``urn``.

        Raises:
            UnknownContractError: no contract with that URN is known.
        """
        try:
            return self._by_urn[urn]
        except KeyError:
            raise UnknownContractError(urn) from None

    def validate(self, urn: str | None, raw: bytes) -> Any:
        """Validate ``raw`` against the contract ``urn`` names.

        Raises:
            ContractError: the message names no contract, an unknown one, or its
                data does not satisfy it.
        """
        if urn is None:
            raise ContractError("(none)", "the message names no ce-dataschema")
        return self.get(urn).validate(raw)

    def refs(self) -> list[SchemaRef]:
        """Every known contract, sorted by kind, message and version."""
        return sorted(c.ref for c in self._by_urn.values())


def _pydantic_reason(exc: pydantic.ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = "/".join(str(p) for p in first["loc"]) or "(root)"
    more = exc.error_count() - 1
    suffix = f" (and {more} more)" if more else ""
    return f"{where}: {first['msg']}{suffix}"
