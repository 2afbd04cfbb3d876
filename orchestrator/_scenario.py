"""Disruptions as data: a scenario is a small validated document, in YAML or JSON.

A scenario names a start date, a horizon in days and one or more disruptions,
each starting on a day of the scenario (day 0 is its start) and lasting some
days::

    name: plant-2103-stops
    start: 2023-03-15
    horizon_days: 21
    disruptions:
      - {type: node_down, node: plant-2103, start_day: 0, duration_days: 7}
      - {type: capacity_cut, node: storage-330, share: 0.5, duration_days: 3}
      - {type: link_blocked, origin: storage-330, destination: fleet-national,
         start_day: 2, duration_days: 2}
      - {type: demand_change, node: distributors, factor: 1.2, duration_days: 14}
    time_to_recover_days: {plant-2103: 10}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import networkx as nx
import orjson
import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field

from thread import ConfigurationError, UnknownTwinError

NAME_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"

NodeId = Annotated[str, Field(pattern=NAME_PATTERN)]
Days = Annotated[int, Field(ge=1, le=3650)]


class _Disruption(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start_day: Annotated[int, Field(ge=0, le=3650)] = 0
    duration_days: Days

    def days(self) -> range:
        """The scenario days it lasts."""
        return range(self.start_day, self.start_day + self.duration_days)


class _OnNode(_Disruption):
    node: NodeId

    def nodes(self) -> list[str]:
        """The nodes it names."""
        return [self.node]


class NodeDown(_OnNode):
    """A node stops altogether: it makes, ships and passes on nothing."""

    type: Literal["node_down"] = "node_down"


class CapacityCut(_OnNode):
    """A node works at ``1 - share`` of its usual capacity."""

    type: Literal["capacity_cut"] = "capacity_cut"
    share: Annotated[float, Field(gt=0, le=1, description="part of capacity lost")]


class LinkBlocked(_Disruption):
    """Nothing moves from ``origin`` to ``destination``; it waits at the origin."""

    type: Literal["link_blocked"] = "link_blocked"
    origin: NodeId
    destination: NodeId

    def nodes(self) -> list[str]:
        """The nodes it names."""
        return [self.origin, self.destination]


class DemandChange(_OnNode):
    """The demand a node serves is multiplied by ``factor`` (1.2 is 20% more)."""

    type: Literal["demand_change"] = "demand_change"
    factor: Annotated[float, Field(ge=0, le=100)]


Disruption = Annotated[
    NodeDown | CapacityCut | LinkBlocked | DemandChange, Field(discriminator="type")
]
_TAGS = frozenset({"node_down", "capacity_cut", "link_blocked", "demand_change"})


class Scenario(BaseModel):
    """A named set of disruptions over a horizon, starting on a date.

    Attributes:
        start: the date of day 0; None means the first day the analysis runs.
        horizon_days: how many days the analysis looks ahead.
        time_to_recover_days: per node, the time to recover that exposure uses
            instead of the manifest's or the default.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    description: str = ""
    start: dt.date | None = None
    horizon_days: Days = 30
    disruptions: Annotated[list[Disruption], Field(min_length=1)]
    time_to_recover_days: dict[NodeId, Annotated[float, Field(ge=0, le=3650)]] = Field(
        default_factory=dict
    )

    @pydantic.model_validator(mode="after")
    def _within_horizon(self) -> Scenario:
        for index, disruption in enumerate(self.disruptions):
            if disruption.start_day >= self.horizon_days:
                raise ValueError(
                    f"disruptions[{index}] starts on day {disruption.start_day},"
                    f" past the horizon of {self.horizon_days} days"
                )
        return self

    def nodes(self) -> list[str]:
        """Every node the scenario names, sorted."""
        named = {n for d in self.disruptions for n in d.nodes()}
        return sorted(named | self.time_to_recover_days.keys())

    def check(self, graph: nx.DiGraph) -> None:
        """Check that every node and link the scenario names is in ``graph``.

        Raises:
            UnknownTwinError: a node is not in the graph.
            ConfigurationError: a blocked link is not an edge of the graph.
        """
        for node in self.nodes():
            if node not in graph:
                raise UnknownTwinError(node, list(graph.nodes))
        for index, disruption in enumerate(self.disruptions):
            match disruption:
                case LinkBlocked(origin=origin, destination=destination) if (
                    not graph.has_edge(origin, destination)
                ):
                    raise ConfigurationError(
                        f"disruptions[{index}]",
                        f"there is no link from {origin} to {destination}",
                    )

    def to_json(self) -> str:
        """The scenario as indented JSON (what :class:`ScenarioStore` keeps)."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        data["disruptions"] = [
            d.model_dump(mode="json", exclude_defaults=True) | {"type": d.type}
            for d in self.disruptions
        ]
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"

    @classmethod
    def from_data(cls, data: Any, *, where: str = "scenario") -> Scenario:
        """Validate a scenario given as plain data.

        Raises:
            ConfigurationError: the data is not a valid scenario; the error
                names the field, e.g. ``scenario: disruptions[0].share``.
        """
        try:
            return cls.model_validate(data)
        except pydantic.ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            field = _field_name(error["loc"])
            reason = str(error["msg"]).removeprefix("Value error, ")
            setting = f"{where}: {field}" if field else where
            raise ConfigurationError(setting, reason) from exc

    @classmethod
    def from_text(cls, text: str, *, where: str = "scenario") -> Scenario:
        """Read a scenario written in YAML or JSON (JSON is YAML too).

        Raises:
            ConfigurationError: the text is not YAML, or not a valid scenario.
        """
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            reason = " ".join(str(exc).split())
            raise ConfigurationError(where, f"not YAML or JSON: {reason}") from exc
        except ValueError as exc:
            # YAML reads 2023-02-30 as a date and fails while building it.
            raise ConfigurationError(where, f"not a valid value: {exc}") from exc
        if not isinstance(data, Mapping):
            raise ConfigurationError(where, "a scenario is a mapping of fields")
        return cls.from_data(data, where=where)

    @classmethod
    def from_file(cls, path: Path) -> Scenario:
        """Read a scenario from a ``.yaml``, ``.yml`` or ``.json`` file.

        Raises:
            ConfigurationError: the file cannot be read or is not a valid
                scenario.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(str(path), f"cannot read it: {exc}") from exc
        return cls.from_text(text, where=str(path))


def _field_name(loc: tuple[int | str, ...]) -> str:
    # Tagged unions put the tag in the path (disruptions.0.capacity_cut.share);
    # a planner wrote disruptions[0].share.
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        elif part not in _TAGS:
            name += f".{part}" if name else part
    return name
