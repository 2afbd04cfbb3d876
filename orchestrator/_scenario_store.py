"""Saved scenarios: one JSON file per scenario in a folder, to list and run again."""

from __future__ import annotations

import os
from pathlib import Path

from orchestrator._scenario import Scenario
from thread import ConfigurationError, check_token

SCENARIO_DIR_ENV = "TWINWEAVE_SCENARIO_DIR"


def default_scenario_dir() -> Path:
    """``$TWINWEAVE_SCENARIO_DIR``, else ``~/.twinweave/scenarios``."""
    configured = os.environ.get(SCENARIO_DIR_ENV)
    if configured:
        return Path(configured)
    return Path.home() / ".twinweave" / "scenarios"


class ScenarioStore:
    """Scenarios kept as ``<name>.json`` files in one folder.

    Args:
        folder: where the files live; :func:`default_scenario_dir` if None.
            It is created on the first save.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_scenario_dir()

    def path_of(self, name: str) -> Path:
        """The file a scenario of that name is kept in.

        Raises:
            ConfigurationError: ``name`` cannot be a scenario name.
        """
        if not _valid(name):
            raise ConfigurationError(
                "scenario name", f"{name!r} is not 1-64 letters, digits, '-' or '_'"
            )
        return self.folder / f"{name}.json"

    def save(self, scenario: Scenario) -> Path:
        """Keep ``scenario``, replacing one saved under the same name.

        Returns the file written.

        Raises:
            ConfigurationError: the folder cannot be written.
        """
        path = self.path_of(scenario.name)
        partial = path.with_suffix(".json.partial")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_text(scenario.to_json(), encoding="utf-8")
            partial.replace(path)
        except OSError as exc:
            raise ConfigurationError(
                "scenario folder", f"cannot save in {self.folder}: {exc}"
            ) from exc
        return path

    def names(self) -> list[str]:
        """The names of the saved scenarios, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json") if _valid(p.stem))

    def load(self, name: str) -> Scenario:
        """The scenario saved as ``name``.

        Raises:
            ConfigurationError: none is saved under that name, or its file is
                not a valid scenario.
        """
        path = self.path_of(name)
        if not path.is_file():
            saved = ", ".join(self.names()) or "none"
            raise ConfigurationError(
                "scenario", f"no scenario {name!r} in {self.folder} (saved: {saved})"
            )
        return Scenario.from_file(path)

    def delete(self, name: str) -> bool:
        """Forget the scenario saved as ``name``; False if there was none."""
        path = self.path_of(name)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise ConfigurationError(
                "scenario folder", f"cannot delete {path}: {exc}"
            ) from exc
        return True


def _valid(name: str) -> bool:
    try:
        check_token(name)
    except ValueError:
        return False
    return True
