"""Twin kinds: the built-in ones, and those installed packages add.

A package adds a kind by naming its :class:`Twin` subclass in the
``twinweave.twins`` entry-point group, under the kind's name::

    [project.entry-points."twinweave.twins"]
    coldstore = "twinweave_coldstore:ColdstoreTwin"

``twinweave twin run coldstore --id ...`` then finds it like a built-in kind.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from thread import ConfigurationError
from twins._factory import FactoryTwin
from twins._fleet import FleetTwin
from twins._shipment import ShipmentTwin
from twins._twin import Twin
from twins._warehouse import WarehouseTwin

ENTRY_POINT_GROUP = "twinweave.twins"

BUILTIN_KINDS: dict[str, type[Twin]] = {
    cls.kind: cls for cls in (FactoryTwin, WarehouseTwin, FleetTwin, ShipmentTwin)
}


def kind_names() -> list[str]:
    """Every kind that can run here: built-in and installed, sorted."""
    return sorted(BUILTIN_KINDS.keys() | {e.name for e in _installed()})


def twin_kind(kind: str) -> type[Twin]:
    """The twin class of ``kind``: a built-in one, else an installed package's.

    Raises:
        ConfigurationError: no such kind, or its entry point does not load a
            twin class of that kind.
    """
    if kind in BUILTIN_KINDS:
        return BUILTIN_KINDS[kind]
    found = [entry for entry in _installed() if entry.name == kind]
    if not found:
        raise ConfigurationError(
            "kind",
            f"{kind!r} is not a known kind (known: {', '.join(kind_names())};"
            f" packages add kinds through the {ENTRY_POINT_GROUP} entry points)",
        )
    entry = found[0]
    try:
        loaded = entry.load()
    except (ImportError, AttributeError) as exc:
        raise ConfigurationError(
            "kind", f"{kind!r}: cannot load {entry.value}: {exc}"
        ) from exc
    if not (isinstance(loaded, type) and issubclass(loaded, Twin)):
        raise ConfigurationError("kind", f"{kind!r}: {entry.value} is not a Twin class")
    if loaded.kind != kind:
        raise ConfigurationError(
            "kind", f"{kind!r}: {entry.value} is of kind {loaded.kind!r}"
        )
    return loaded


def _installed() -> list[EntryPoint]:
    return list(entry_points(group=ENTRY_POINT_GROUP))
