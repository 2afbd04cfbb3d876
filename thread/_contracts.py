"""Schema contracts: how a message's data is checked against the schema it names.

A message names its contract in ``ce-dataschema`` as a URN with a semantic
version, ``urn:twinweave:schema:<kind>:<message>:<version>``. A consumer holds a
:class:`Contracts` lookup and validates every message against the version it
names. Contracts come either from a pydantic model (what a twin written in Python
publishes) or from a JSON Schema document (what any consumer can load from
``schemas/``, whatever language the publisher was written in).

A consumer written for one version reads the others through
:meth:`Contracts.read_as`: older data is upgraded by declared migrations, newer
data is read as the version it was written for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, Protocol, TypeVar

import pydantic
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from thread._codec import decode
from thread._errors import ContractError, EncodingError, UnknownContractError
from thread._fill import DefaultFiller
from thread._migrations import Migrations, reader_for
from thread._schemaref import SchemaRef

M = TypeVar("M", bound=pydantic.BaseModel)


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
    """A contract backed by a JSON Schema (draft 2020-12) document.

    A required property that declares a default is filled in with it when the
    data leaves it out, before validation: that is what lets a new version add a
    required field with a default and still read the data of earlier versions.
    Writers still send every required field; ``fill=False`` checks that they do.
    """

    def __init__(self, ref: SchemaRef, schema: Mapping[str, Any]) -> None:
        self.ref = ref
        self.schema = dict(schema)
        # Formats ("date", "email", ...) are only annotations unless checked;
        # check them, so that this consumer refuses what a pydantic one refuses.
        self._validator = Draft202012Validator(
            self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        self._filler = DefaultFiller.for_schema(self.schema)

    def validate(self, raw: bytes, *, fill: bool = True) -> Any:
        try:
            data = decode(raw)
        except EncodingError as exc:
            raise ContractError(self.ref.urn, exc.reason) from exc
        if fill and self._filler is not None:
            self._filler.fill(data)
        error = best_match(self._validator.iter_errors(data))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            raise ContractError(self.ref.urn, f"{where}: {error.message}")
        return data


class Contracts:
    """A lookup of contracts by the ``ce-dataschema`` URN messages name."""

    def __init__(self, contracts: Iterable[Contract] = ()) -> None:
        self._by_urn: dict[str, Contract] = {}
        # What validate() uses: the same dict unless some message is read as
        # one version, so that the common path stays one lookup.
        self._readers = self._by_urn
        self._read_as: dict[tuple[str, str], tuple[SchemaRef, Migrations]] = {}
        for contract in contracts:
            self.add(contract)

    def add(self, contract: Contract) -> None:
        """Make ``contract`` known; a later one for the same URN replaces it."""
        self._by_urn[contract.ref.urn] = contract
        if self._read_as:
            self._plan_readers()

    def read_as(
        self, target: SchemaRef, migrations: Migrations | None = None
    ) -> Contracts:
        """A lookup that hands consumers every version of a message as ``target``.

        Data of an earlier version is upgraded through ``migrations`` and must
        then satisfy ``target``; with no chain of migrations it is refused with
        ``MigrationError`` ("no migration from 1.0.0 to 2.0.0"). Data of a later
        version is checked against ``target`` itself, as forward compatibility
        promises. This lookup is left as it is.

        Raises:
            UnknownContractError: ``target`` itself is not known here.
        """
        self.get(target.urn)
        reading = Contracts(self._by_urn.values())
        reading._read_as = {
            **self._read_as,
            (target.kind, target.message): (target, migrations or Migrations()),
        }
        reading._plan_readers()
        return reading

    def _plan_readers(self) -> None:
        readers = dict(self._by_urn)
        for urn, contract in self._by_urn.items():
            planned = self._reader_for(contract.ref, contract)
            if planned is not None:
                readers[urn] = planned
        self._readers = readers

    def _reader_for(self, ref: SchemaRef, source: Contract | None) -> Contract | None:
        read_as = self._read_as.get((ref.kind, ref.message))
        if read_as is None or read_as[0] == ref:
            return None
        target, migrations = read_as
        return reader_for(ref, source, self._by_urn[target.urn], migrations)

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
        contract = self._readers.get(urn)
        if contract is None:
            contract = self._unknown(urn)
        return contract.validate(raw)

    def check_outgoing(self, urn: str | None, raw: bytes) -> None:
        """Check data about to be sent against the exact contract ``urn`` names.

        Stricter than :meth:`validate`: a required field must be present even
        when it has a default, since readers of later versions count on every
        writer sending it.

        Raises:
            ContractError: as for :meth:`validate`.
        """
        if urn is None:
            raise ContractError("(none)", "the message names no ce-dataschema")
        contract = self.get(urn)
        if isinstance(contract, JsonSchemaContract):
            contract.validate(raw, fill=False)
        else:
            contract.validate(raw)

    def _unknown(self, urn: str) -> Contract:
        """A version nobody registered may still be read as another one."""
        if self._read_as:
            try:
                ref = SchemaRef.parse(urn)
            except ContractError:
                raise UnknownContractError(urn) from None
            planned = self._reader_for(ref, None)
            if planned is not None:
                return planned
        raise UnknownContractError(urn)

    def refs(self) -> list[SchemaRef]:
        """Every known contract, sorted by kind, message and version."""
        return sorted(c.ref for c in self._by_urn.values())


def _pydantic_reason(exc: pydantic.ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = "/".join(str(p) for p in first["loc"]) or "(root)"
    more = exc.error_count() - 1
    suffix = f" (and {more} more)" if more else ""
    return f"{where}: {first['msg']}{suffix}"
