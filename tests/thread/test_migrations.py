"""Reading older contract versions as the one a consumer was written for."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nats.aio.msg import Msg
from pydantic import BaseModel

from thread import (
    REASON_HEADER,
    ConfigurationError,
    ContractError,
    Contracts,
    Envelope,
    JsonSchemaContract,
    Message,
    MigrationError,
    Migrations,
    ModelContract,
    SchemaRef,
    Thread,
    encode,
)

V1 = SchemaRef("probe", "state", "1.0.0")
V2, V3 = V1.at("2.0.0"), V1.at("3.0.0")


class StateV2(BaseModel):
    level: int
    unit: str


def level_schema(*, unit: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"level": {"type": "integer"}}
    if unit:
        properties["unit"] = {"type": "string"}
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


def contracts() -> Contracts:
    return Contracts(
        [
            JsonSchemaContract(V1, level_schema(unit=False)),
            ModelContract(V2, StateV2),
        ]
    )


def add_unit() -> Migrations:
    migrations = Migrations()

    @migrations.declare("probe", "state", "1.0.0", "2.0.0")
    def in_pieces(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "unit": "pieces"}

    return migrations


def test_older_message_is_upgraded_through_the_declared_migration() -> None:
    reading = contracts().read_as(V2, add_unit())

    assert reading.validate(V1.urn, b'{"level": 3}') == StateV2(level=3, unit="pieces")


def test_message_of_the_version_read_is_validated_as_before() -> None:
    reading = contracts().read_as(V2, add_unit())

    assert reading.validate(V2.urn, b'{"level": 3, "unit": "kg"}').unit == "kg"


def test_older_message_without_a_migration_is_refused_with_the_reason() -> None:
    reading = contracts().read_as(V2)

    with pytest.raises(MigrationError, match=r"no migration from 1\.0\.0 to 2\.0\.0"):
        reading.validate(V1.urn, b'{"level": 3}')


def test_migrations_chain_through_intermediate_versions() -> None:
    migrations = add_unit()
    migrations.add("probe", "state", "2.0.0", "3.0.0", lambda d: {**d, "level": 10})
    lookup = Contracts(
        [*_all(contracts()), JsonSchemaContract(V3, level_schema(unit=True))]
    )

    reading = lookup.read_as(V3, migrations)

    assert reading.validate(V1.urn, b'{"level": 3}') == {"level": 10, "unit": "pieces"}


def test_older_data_must_still_be_valid_as_sent() -> None:
    reading = contracts().read_as(V2, add_unit())

    with pytest.raises(ContractError, match=V1.urn):
        reading.validate(V1.urn, b'{"level": "three"}')


def test_a_migration_that_fails_refuses_the_message_with_its_error() -> None:
    migrations = Migrations()
    migrations.add("probe", "state", "1.0.0", "2.0.0", lambda d: {"unit": d["unit"]})
    reading = contracts().read_as(V2, migrations)

    with pytest.raises(MigrationError, match="KeyError"):
        reading.validate(V1.urn, b'{"level": 3}')


def test_version_nobody_registered_is_upgraded_when_a_migration_exists() -> None:
    only_v2 = Contracts([ModelContract(V2, StateV2)]).read_as(V2, add_unit())

    assert only_v2.validate(V1.urn, b'{"level": 1}').unit == "pieces"


def test_newer_message_is_read_as_the_version_read() -> None:
    reading = contracts().read_as(V2)

    assert reading.validate(V3.urn, b'{"level": 1, "unit": "kg"}').level == 1


def test_reading_as_a_version_nobody_knows_is_refused() -> None:
    with pytest.raises(ContractError):
        contracts().read_as(V3)


def test_migration_to_an_earlier_version_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="later version"):
        Migrations().add("probe", "state", "2.0.0", "1.0.0", dict)


async def test_consumer_receives_older_messages_upgraded(thread: Thread) -> None:
    got: asyncio.Future[Message] = asyncio.get_running_loop().create_future()

    async def handle(message: Message) -> None:
        got.set_result(message)

    subject = f"{thread.subjects.prefix}.probe.p1.state"
    await thread.subscribe(subject, handle, contracts().read_as(V2, add_unit()))
    await thread.publish(subject, _envelope(V1), {"level": 4})

    message = await asyncio.wait_for(got, 5)
    assert message.data == StateV2(level=4, unit="pieces")


async def test_consumer_dead_letters_older_messages_it_cannot_upgrade(
    thread: Thread,
) -> None:
    letter: asyncio.Future[Msg] = asyncio.get_running_loop().create_future()

    async def on_letter(msg: Msg) -> None:
        letter.set_result(msg)

    async def handle(message: Message) -> None:
        raise AssertionError("an older message reached the handler")

    subject = f"{thread.subjects.prefix}.probe.p1.state"
    await thread.subscribe_raw(thread.subjects.deadletter("migration"), on_letter)
    await thread.subscribe(subject, handle, contracts().read_as(V2))
    await thread.publish(subject, _envelope(V1), {"level": 4})

    dead = await asyncio.wait_for(letter, 5)
    assert "no migration from 1.0.0 to 2.0.0" in (dead.headers or {})[REASON_HEADER]
    assert dead.data == encode({"level": 4})


def _envelope(ref: SchemaRef) -> Envelope:
    return Envelope(source="/twins/probe/p1", type=ref.event_type, dataschema=ref.urn)


def _all(lookup: Contracts) -> list[Any]:
    return [lookup.get(ref.urn) for ref in lookup.refs()]
