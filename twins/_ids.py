"""Twin ids of the built-in network, derived from the SupplyGraph codes."""

from __future__ import annotations

from dataclasses import dataclass

from thread import UnknownTwinError

FLEET_ID = "fleet-national"
DISTRIBUTORS = "distributors"
KINDS = ("factory", "warehouse", "fleet")

_PLANT = "plant-"
_STORAGE = "storage-"


def plant_id(code: str) -> str:
    """The id of the factory twin of plant ``code``."""
    return f"{_PLANT}{code}"


def storage_id(code: str) -> str:
    """The id of the warehouse twin of storage location ``code``."""
    return f"{_STORAGE}{code}"


def plant_code(twin_id: str) -> str:
    """The plant code in a factory twin id.

    Raises:
        UnknownTwinError: ``twin_id`` is not a factory twin id.
    """
    if not twin_id.startswith(_PLANT):
        raise UnknownTwinError(twin_id)
    return twin_id.removeprefix(_PLANT)


def storage_code(twin_id: str) -> str:
    """The storage location code in a warehouse twin id.

    Raises:
        UnknownTwinError: ``twin_id`` is not a warehouse twin id.
    """
    if not twin_id.startswith(_STORAGE):
        raise UnknownTwinError(twin_id)
    return twin_id.removeprefix(_STORAGE)


@dataclass(frozen=True, slots=True, order=True)
class TwinSpec:
    """One twin process the data implies: its kind and id."""

    kind: str
    twin_id: str
