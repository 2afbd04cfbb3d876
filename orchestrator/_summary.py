"""One twin's line of the ``status`` answer, as plain JSON-ready data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from orchestrator._model import NetworkModel


def twin_summary(model: NetworkModel, twin_id: str) -> dict[str, Any]:
    """What a status view shows of one twin.

    ``figures`` are passed on as the twin published them, so that a new kind's
    key figures show up without any change here.
    """
    node = model.node(twin_id)
    last_seen: dt.datetime | None = node["last_seen"]
    return {
        "id": twin_id,
        "kind": node["kind"],
        "display_name": node["display_name"],
        "location": node["location"],
        "registered": node["registered"],
        "phase": node["phase"],
        "online": node["online"],
        "last_seen": None if last_seen is None else last_seen.isoformat(),
        "sequence": node["sequence"],
        "day": node["day"],
        "figures": node["figures"],
        "stock": sum(node["stock"].values()),
        "days_of_cover": node["days_of_cover"],
    }
