"""The shipment state contract grows by versions the registry checks (BACKWARD)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import schemas
from thread import SchemaIncompatibleError, SchemaRef, SchemaRegistry, Thread

V1 = SchemaRef("shipment", "state", "1.0.0")
V2 = V1.at("1.1.0")


def next_version(change: str) -> dict[str, Any]:
    """Version 1.1.0 of the state contract: 1.0.0 with one field added or removed."""
    _, document = schemas.read(schemas.schema_path(V1))
    document = copy.deepcopy(document)
    document["$id"] = V2.urn
    document["x-twinweave"]["version"] = V2.version
    properties, required = document["properties"], document["required"]
    match change:
        case "add optional on_time_today":
            properties["on_time_today"] = {"type": "integer", "minimum": 0}
        case "remove required late_today":
            del properties["late_today"]
            required.remove("late_today")
    return document


async def test_state_version_adding_an_optional_field_registers(
    thread: Thread,
) -> None:
    registry = SchemaRegistry(thread)

    assert await registry.register(V2, next_version("add optional on_time_today"))
    assert await registry.versions("shipment", "state") == ["1.0.0", "1.1.0"]


async def test_state_version_removing_a_required_field_is_refused_under_backward(
    thread: Thread,
) -> None:
    registry = SchemaRegistry(thread)

    with pytest.raises(SchemaIncompatibleError, match="late_today") as refused:
        await registry.register(V2, next_version("remove required late_today"))
    assert str(refused.value.mode) == "BACKWARD"
    assert await registry.versions("shipment", "state") == ["1.0.0"]
