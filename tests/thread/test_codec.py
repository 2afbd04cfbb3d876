"""Edge values on the wire keep their meaning, or are refused with their path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from schemas import SCHEMA_DIR, read
from thread import (
    ContractError,
    Contracts,
    EncodingError,
    Envelope,
    JsonSchemaContract,
    ModelContract,
    SchemaRef,
    Thread,
    decode,
    encode,
)

REF = SchemaRef("probe", "reading", "1.0.0")


class Reading(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: float
    note: str | None = None
    price: Decimal | None = None
    at: dt.datetime | None = None


def test_decimal_is_written_with_its_exact_text() -> None:
    assert (
        encode({"x": Decimal("1E-7"), "y": Decimal("0.10")}) == b'{"x":1E-7,"y":0.10}'
    )


def test_decimal_in_a_model_is_written_as_its_contract_says() -> None:
    raw = encode(Reading(level=1, price=Decimal("1E-7")))

    assert b'"price":"1E-7"' in raw


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="infinity"),
        pytest.param(float("-inf"), id="minus-infinity"),
        pytest.param(Decimal("NaN"), id="decimal-nan"),
        pytest.param(Decimal("-Infinity"), id="decimal-infinity"),
    ],
)
def test_not_a_number_is_refused_with_its_path(value: Any) -> None:
    with pytest.raises(EncodingError) as caught:
        encode({"lines": [{"qty": 1.0}, {"qty": value}]})

    assert caught.value.path == "/lines/1/qty"


def test_not_a_number_inside_a_model_is_refused() -> None:
    with pytest.raises(EncodingError, match="/level"):
        encode(Reading(level=float("nan")))


@pytest.mark.parametrize(
    "value",
    [pytest.param(2**64, id="above-u64"), pytest.param(-(2**63) - 1, id="below-i64")],
)
def test_integer_past_64_bits_is_refused_with_a_reason(value: int) -> None:
    with pytest.raises(EncodingError, match="does not fit in 64 bits"):
        encode({"count": value})


@pytest.mark.parametrize(
    "value",
    [pytest.param(2**64 - 1, id="u64-max"), pytest.param(-(2**63), id="i64-min")],
)
def test_integer_at_the_64_bit_edge_is_written_exactly(value: int) -> None:
    assert decode(encode({"count": value})) == {"count": value}


def test_reading_an_integer_past_64_bits_is_refused_rather_than_rounded() -> None:
    contract = JsonSchemaContract(REF, {"type": "object"})

    with pytest.raises(ContractError, match="does not fit in 64 bits"):
        contract.validate(b'{"count": 36893488147419103232}')


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(EncodingError, match="no UTC offset"):
        encode({"at": dt.datetime(2024, 3, 1, 8, 0)})


def test_naive_datetime_in_a_model_is_refused() -> None:
    with pytest.raises(EncodingError, match="/at"):
        encode(Reading(level=1, at=dt.datetime(2024, 3, 1, 8, 0)))


def test_aware_datetime_is_written_with_its_offset() -> None:
    at = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)

    assert encode({"at": at}) == b'{"at":"2024-03-01T08:00:00+00:00"}'


def test_text_that_looks_like_a_naive_datetime_is_left_alone() -> None:
    assert encode({"note": "2024-03-01T08:00:00"}) == b'{"note":"2024-03-01T08:00:00"}'


def test_extra_field_is_refused_by_a_closed_contract() -> None:
    ref, doc = read(SCHEMA_DIR / "factory" / "state.1.0.0.json")

    with pytest.raises(ContractError, match="not_in_the_contract"):
        JsonSchemaContract(ref, doc).validate(encode({"not_in_the_contract": 1}))


def test_null_and_missing_stay_distinct_through_a_schema_contract() -> None:
    contract = JsonSchemaContract(
        REF, {"type": "object", "properties": {"note": {"type": ["string", "null"]}}}
    )

    assert contract.validate(encode({"note": None})) == {"note": None}
    assert contract.validate(encode({})) == {}


def test_null_and_missing_stay_distinct_through_a_model_contract() -> None:
    contract = ModelContract(REF, Reading)

    assert (
        "note" in contract.validate(encode({"level": 1, "note": None})).model_fields_set
    )
    assert "note" not in contract.validate(encode({"level": 1})).model_fields_set


def test_null_is_refused_where_only_missing_is_allowed() -> None:
    contract = JsonSchemaContract(
        REF, {"type": "object", "properties": {"note": {"type": "string"}}}
    )

    with pytest.raises(ContractError, match="note"):
        contract.validate(encode({"note": None}))


async def test_publishing_with_a_contract_refuses_bad_data_before_sending(
    thread: Thread,
) -> None:
    contracts = Contracts([ModelContract(REF, Reading)])
    envelope = Envelope(source="/probe", type=REF.event_type, dataschema=REF.urn)

    with pytest.raises(ContractError, match="level"):
        await thread.publish(
            "probe.reading", envelope, {"note": "x"}, validate=contracts
        )


async def test_publishing_leaves_out_no_required_field_even_with_a_default(
    thread: Thread,
) -> None:
    schema = {
        "type": "object",
        "properties": {"unit": {"type": "string", "default": "pieces"}},
        "required": ["unit"],
    }
    contracts = Contracts([JsonSchemaContract(REF, schema)])
    envelope = Envelope(source="/probe", type=REF.event_type, dataschema=REF.urn)

    with pytest.raises(ContractError, match="unit"):
        await thread.publish("probe.reading", envelope, {}, validate=contracts)


def test_reading_fills_a_missing_required_field_that_has_a_default() -> None:
    schema = {
        "type": "object",
        "properties": {"unit": {"type": "string", "default": "pieces"}},
        "required": ["unit"],
    }

    assert JsonSchemaContract(REF, schema).validate(b"{}") == {"unit": "pieces"}


async def test_state_with_not_a_number_is_not_kept(thread: Thread) -> None:
    envelope = Envelope(source="/probe", type=REF.event_type, dataschema=REF.urn)

    with pytest.raises(EncodingError, match="/level"):
        await thread.put_state("p1", envelope, {"level": float("nan")})
