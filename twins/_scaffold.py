"""``twinweave new-twin``: a working twin package for a new kind, ready to edit.

The package holds the kind's state contract (``schemas/<kind>/state.1.0.0.json``,
written from the package's pydantic model), a twin class on the SDK that
publishes it on every replay clock day, a ``pyproject.toml`` that names the
class in the ``twinweave.twins`` entry points (so that ``twinweave twin run
<kind>`` finds it once installed) and a test against an embedded nats-server.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from thread import ConfigurationError, SchemaRef
from twins._export import export_schemas
from twins._kinds import BUILTIN_KINDS, ENTRY_POINT_GROUP
from twins._twin import Twin

_KIND = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_MAX_KIND = 32
_TEMPLATES = Path(__file__).resolve().parent / "_scaffold_templates"


@dataclass(frozen=True, slots=True)
class Names:
    """The names a kind gives its package: ``cold-store`` makes
    ``twinweave-cold-store``, ``twinweave_cold_store`` and ``ColdStoreTwin``."""

    kind: str

    @property
    def project(self) -> str:
        """The distribution's name."""
        return f"twinweave-{self.kind}"

    @property
    def package(self) -> str:
        """The import package's name."""
        return f"twinweave_{self.kind.replace('-', '_')}"

    @property
    def camel(self) -> str:
        """The kind in CamelCase, the prefix of its classes."""
        return "".join(part.capitalize() for part in self.kind.split("-"))

    def substitutions(self) -> dict[str, str]:
        """What the templates' ``$names`` stand for."""
        return {
            "kind": self.kind,
            "project": self.project,
            "package": self.package,
            "Kind": self.camel,
            "group": ENTRY_POINT_GROUP,
        }


def check_kind(kind: str) -> str:
    """Return ``kind`` if a new twin kind may have that name.

    Raises:
        ConfigurationError: it is not a lowercase name of letters, digits and
            single hyphens starting with a letter, or is taken.
    """
    if not _KIND.match(kind) or len(kind) > _MAX_KIND:
        raise ConfigurationError(
            "KIND",
            f"{kind!r} is not a kind name: use up to {_MAX_KIND} lowercase letters,"
            " digits and single hyphens, starting with a letter (e.g. coldstore)",
        )
    if kind == "common" or kind in BUILTIN_KINDS:
        raise ConfigurationError("KIND", f"{kind!r} is taken by twinweave itself")
    return kind


def scaffold(kind: str, folder: Path | None = None) -> Path:
    """Write a twin package for ``kind`` into ``folder`` and return the folder.

    ``folder`` defaults to ``./twinweave-<kind>``; it must not exist yet, or
    be empty.

    Raises:
        ConfigurationError: the kind name is unusable, or the folder is not
            empty or cannot be written.
    """
    names = Names(check_kind(kind))
    folder = folder or Path.cwd() / names.project
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigurationError("--dir", f"{folder} exists and is not empty")

    values = names.substitutions()
    try:
        for template in sorted(_TEMPLATES.rglob("*.tmpl")):
            relative = template.relative_to(_TEMPLATES).with_suffix("")
            if relative.parts[0] == "package":
                relative = Path(names.package, *relative.parts[1:])
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            text = string.Template(template.read_text()).substitute(values)
            target.write_text(text)
        export_schemas(folder / "schemas", _contract_models(folder, names))
    except OSError as exc:
        raise ConfigurationError("--dir", f"{folder}: {exc.strerror or exc}") from exc
    return folder


def _contract_models(folder: Path, names: Names) -> Mapping[SchemaRef, type[BaseModel]]:
    # The contract file is written from the model the package defines, so the
    # two agree from the start; the package's test keeps them so.
    source = folder / names.package / "_twin.py"
    namespace: dict[str, Any] = {"__name__": f"{names.package}._twin"}
    exec(compile(source.read_text(), str(source), "exec"), namespace)
    twin: type[Twin] = namespace[f"{names.camel}Twin"]
    return twin.contract_models
