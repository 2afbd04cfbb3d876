"""Migrations: upgrading data of an older contract version to the version read.

A consumer written for version 2 of a message declares how version 1 data becomes
version 2 data, as a function of the decoded JSON::

    migrations = Migrations()

    @migrations.declare("warehouse", "state", "1.0.0", "2.0.0")
    def add_reserved(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "reserved": {}}

and reads through ``contracts.read_as(SchemaRef("warehouse", "state", "2.0.0"),
migrations)``. Steps chain (1 to 2, then 2 to 3); with no chain, the message is
refused with ``no migration from 1.0.0 to 2.0.0``. Only the messages of another
version take this path; a message of the version read is validated as before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from thread._codec import decode, encode
from thread._errors import ConfigurationError, EncodingError, MigrationError
from thread._schemaref import SchemaRef, semver

if TYPE_CHECKING:
    from thread._contracts import Contract

Migrate = Callable[[dict[str, Any]], dict[str, Any]]
_Subject = tuple[str, str]


class Migrations:
    """Declared upgrades of message data, from one contract version to a later one."""

    def __init__(self) -> None:
        self._steps: dict[_Subject, dict[str, dict[str, Migrate]]] = {}

    def add(
        self,
        kind: str,
        message: str,
        from_version: str,
        to_version: str,
        migrate: Migrate,
    ) -> None:
        """Declare how ``from_version`` data of a message becomes ``to_version`` data.

        Raises:
            ConfigurationError: the step does not go to a later version, or is
                already declared.
        """
        where = f"migration {kind}:{message} {from_version} -> {to_version}"
        if semver(to_version) <= semver(from_version):
            raise ConfigurationError(where, "a migration goes to a later version")
        steps = self._steps.setdefault((kind, message), {}).setdefault(from_version, {})
        if to_version in steps:
            raise ConfigurationError(where, "already declared")
        steps[to_version] = migrate

    def declare(
        self, kind: str, message: str, from_version: str, to_version: str
    ) -> Callable[[Migrate], Migrate]:
        """Decorator form of :meth:`add`."""

        def register(migrate: Migrate) -> Migrate:
            self.add(kind, message, from_version, to_version, migrate)
            return migrate

        return register

    def chain(self, source: SchemaRef, to_version: str) -> list[Migrate]:
        """The fewest declared steps from ``source``'s version to ``to_version``.

        Raises:
            MigrationError: no chain of declared steps leads there.
        """
        steps = self._steps.get((source.kind, source.message), {})
        came_from: dict[str, tuple[str, Migrate] | None] = {source.version: None}
        queue = deque([source.version])
        while queue:
            version = queue.popleft()
            if version == to_version:
                return _unwind(came_from, to_version)
            for after, migrate in sorted(steps.get(version, {}).items()):
                if after not in came_from:
                    came_from[after] = (version, migrate)
                    queue.append(after)
        raise MigrationError(source.at(to_version).urn, source.version, to_version)

    def upgrade(
        self, source: SchemaRef, to_version: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Run the chain of steps from ``source``'s version to ``to_version``.

        Raises:
            MigrationError: there is no chain, or a step failed.
        """
        for migrate in self.chain(source, to_version):
            data = _run(migrate, source, to_version, data)
        return data


class UpgradingContract:
    """Reads data of one version as another: validate, migrate, validate again.

    ``source`` checks the data as sent when its contract is known; the result of
    the migrations must satisfy ``target``, and is returned as ``target`` returns
    it (a model instance for a model contract).
    """

    def __init__(
        self,
        ref: SchemaRef,
        source: Contract | None,
        target: Contract,
        migrations: Migrations,
    ) -> None:
        self.ref = ref
        self.source = source
        self.target = target
        self._steps = migrations.chain(ref, target.ref.version)

    def validate(self, raw: bytes) -> Any:
        """Return the upgraded data as the target contract reads it."""
        if self.source is not None:
            self.source.validate(raw)
        target = self.target.ref
        try:
            data = decode(raw)
        except EncodingError as exc:
            raise MigrationError(
                target.urn, self.ref.version, target.version, exc.reason
            ) from exc
        for migrate in self._steps:
            data = _run(migrate, self.ref, target.version, data)
        return self.target.validate(encode(data))


class RefusingContract:
    """Refuses every message of one version with the reason it cannot be read."""

    def __init__(self, ref: SchemaRef, error: MigrationError) -> None:
        self.ref = ref
        self._error = error

    def validate(self, raw: bytes) -> Any:
        """Always raise the error this version was found with."""
        raise self._error


class ForwardContract:
    """Reads data of a newer version directly as the older version read.

    That is what forward compatibility promises: an earlier reader accepts data
    written under a later version.
    """

    def __init__(self, ref: SchemaRef, target: Contract) -> None:
        self.ref = ref
        self.target = target

    def validate(self, raw: bytes) -> Any:
        """Return the data as the target contract reads it."""
        return self.target.validate(raw)


def reader_for(
    ref: SchemaRef,
    source: Contract | None,
    target: Contract,
    migrations: Migrations,
) -> Contract:
    """How a consumer reading ``target`` takes a message of contract ``ref``."""
    if ref.semver > target.ref.semver:
        return ForwardContract(ref, target)
    try:
        return UpgradingContract(ref, source, target, migrations)
    except MigrationError as exc:
        return RefusingContract(ref, exc)


def _run(
    migrate: Migrate, source: SchemaRef, to_version: str, data: dict[str, Any]
) -> dict[str, Any]:
    try:
        return migrate(data)
    except Exception as exc:  # a migration is user code: any failure refuses the data
        raise MigrationError(
            source.at(to_version).urn,
            source.version,
            to_version,
            f"migration from {source.version} failed: {exc!r}",
        ) from exc


def _unwind(
    came_from: dict[str, tuple[str, Migrate] | None], version: str
) -> list[Migrate]:
    steps: list[Migrate] = []
    link = came_from[version]
    while link is not None:
        previous, migrate = link
        steps.append(migrate)
        link = came_from[previous]
    steps.reverse()
    return steps
