"""The schema registry on a real server: versions, modes and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from schemas import SCHEMA_DIR, iter_files
from thread import (
    Compatibility,
    Rule,
    SchemaIncompatibleError,
    SchemaRef,
    SchemaRegistry,
    SchemaRejectedError,
    SchemaVersionError,
    Thread,
    UnknownContractError,
    encode,
)

V1 = SchemaRef("probe", "state", "1.0.0")
V2 = V1.at("2.0.0")


def state(**properties: Any) -> dict[str, Any]:
    """A closed object with a required ``level`` and the given optional fields."""
    return {
        "type": "object",
        "properties": {"level": {"type": "integer"}, **properties},
        "required": ["level"],
        "additionalProperties": False,
    }


@pytest.fixture
async def registry(thread: Thread) -> SchemaRegistry:
    registry = SchemaRegistry(thread)
    await registry.register(V1, state())
    return registry


async def test_first_version_is_registered(registry: SchemaRegistry) -> None:
    assert await registry.versions("probe", "state") == ["1.0.0"]


async def test_version_with_an_optional_field_added_is_accepted(
    registry: SchemaRegistry,
) -> None:
    await registry.register(V2, state(note={"type": "string"}))

    assert await registry.latest("probe", "state") == V2


async def test_removing_a_required_field_is_refused_under_backward(
    registry: SchemaRegistry,
) -> None:
    without_level = {"type": "object", "properties": {}, "additionalProperties": False}

    with pytest.raises(
        SchemaIncompatibleError, match="field 'level' removed"
    ) as caught:
        await registry.register(V2, without_level)

    assert caught.value.mode is Compatibility.BACKWARD
    assert [i.rule for i in caught.value.incompatibilities] == [Rule.FIELD_REFUSED]


async def test_refused_version_is_not_stored(registry: SchemaRegistry) -> None:
    with pytest.raises(SchemaIncompatibleError):
        await registry.register(V2, state(level={"type": "string"}))

    assert await registry.versions("probe", "state") == ["1.0.0"]


async def test_registering_an_identical_document_again_is_a_no_op(
    registry: SchemaRegistry,
) -> None:
    assert await registry.register(V1, state()) is False


async def test_another_document_under_a_registered_version_is_refused(
    registry: SchemaRegistry,
) -> None:
    with pytest.raises(SchemaVersionError, match="another document"):
        await registry.register(V1, state(note={"type": "string"}))


async def test_version_lower_than_the_latest_is_refused(
    registry: SchemaRegistry,
) -> None:
    await registry.register(V2, state())

    with pytest.raises(SchemaVersionError, match=r"greater than the latest, 2\.0\.0"):
        await registry.register(V1.at("1.5.0"), state())


async def test_versions_are_ordered_as_numbers(registry: SchemaRegistry) -> None:
    await registry.register(V1.at("1.9.0"), state())
    await registry.register(V1.at("1.10.0"), state())

    assert await registry.versions("probe", "state") == ["1.0.0", "1.9.0", "1.10.0"]


async def test_subject_keeps_the_mode_it_was_registered_with(thread: Thread) -> None:
    registry = SchemaRegistry(thread)
    await registry.register(V1, state(), Compatibility.FULL)

    # Backward compatible, but an earlier reader refuses the new field.
    with pytest.raises(SchemaIncompatibleError, match="forward"):
        await registry.register(V2, state(note={"type": "string"}))


async def test_a_later_registration_cannot_loosen_the_kept_mode(
    registry: SchemaRegistry,
) -> None:
    without_level = {"type": "object", "properties": {}, "additionalProperties": False}

    with pytest.raises(SchemaRejectedError, match="kept under BACKWARD"):
        await registry.register(V2, without_level, Compatibility.NONE)

    assert await registry.versions("probe", "state") == ["1.0.0"]


async def test_document_naming_another_contract_is_refused(
    registry: SchemaRegistry,
) -> None:
    with pytest.raises(SchemaRejectedError, match=r"\$id"):
        await registry.register(V2, {**state(), "$id": V1.urn})


async def test_unknown_version_is_reported(registry: SchemaRegistry) -> None:
    with pytest.raises(UnknownContractError):
        await registry.get(V2)


async def test_seeding_registers_every_contract_file(thread: Thread) -> None:
    registry = SchemaRegistry(thread)

    added = await registry.seed_from_files(SCHEMA_DIR)

    assert len(added) == len(iter_files()) == len(await registry.list())


async def test_seeding_twice_adds_nothing(thread: Thread) -> None:
    registry = SchemaRegistry(thread)
    await registry.seed_from_files(SCHEMA_DIR)

    assert await registry.seed_from_files(SCHEMA_DIR) == []


async def test_contracts_validate_by_the_version_a_message_names(
    registry: SchemaRegistry,
) -> None:
    await registry.register(V2, state(note={"type": "string"}))
    contracts = await registry.contracts()

    assert contracts.validate(V2.urn, encode({"level": 1, "note": "x"})) == {
        "level": 1,
        "note": "x",
    }
