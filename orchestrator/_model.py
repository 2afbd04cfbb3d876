"""The network as the orchestrator sees it: one networkx graph, changed by pure methods.

Nodes are twin ids. A relation target that no twin has registered (the
``distributors``, say) is a node of kind ``external``. Edges come from the
relations twins declare in their manifests, and carry the volume observed in flow
events. Nothing here touches the thread, so the model is tested without a server.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import networkx as nx

from thread import Admission, ContractError, Envelope, SchemaRef, SequenceGuard

EXTERNAL = "external"
UNKNOWN = "unknown"
OBSERVED = "observed"
_VAGUE = frozenset({EXTERNAL, UNKNOWN})


def _new_node(node_id: str, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "display_name": node_id,
        "location": None,
        "registered": False,
        "phase": None,
        "online": False,
        "last_seen": None,
        "sequence": None,
        "day": None,
        "figures": {},
        "stock": {},
        "daily_outflow": {},
        "days_of_cover": None,
        "heartbeat_interval": None,
        "contracts": [],
        "time_to_recover_days": None,
    }


def _new_edge() -> dict[str, Any]:
    return {
        "kind": OBSERVED,
        "declared": False,
        "products": [],
        "lead_time_days": None,
        "volume": 0.0,
        "product_volume": {},
        "first_day": None,
        "last_day": None,
    }


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders the digit runs in ``text`` by their value."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def days_of_cover(
    stock: Mapping[str, float], daily_outflow: Mapping[str, float]
) -> float | None:
    """How many days the stock lasts at the daily outflow, all products together."""
    outflow = sum(daily_outflow.values())
    return sum(stock.values()) / outflow if outflow > 0 else None


class NetworkModel:
    """The dependency graph of the whole network, as last heard on the thread.

    Node attributes: kind, display_name, location, registered, phase, online,
    last_seen, sequence, day, figures, stock, daily_outflow, days_of_cover,
    contracts, time_to_recover_days. Edge attributes: kind, declared, products,
    lead_time_days, volume, product_volume, first_day, last_day.

    Every change arrives through one method; messages may come in any order (a
    heartbeat before the manifest, a flow before either end registered), and
    each method creates what it needs.
    """

    def __init__(self) -> None:
        self.graph: nx.DiGraph = nx.DiGraph()
        self.stale = 0
        self.duplicates = 0
        self._guard = SequenceGuard()

    def twin_ids(self) -> list[str]:
        """Every node that is a twin (not an external node), in natural order.

        Numbers inside ids sort by value: ``storage-330`` before ``storage-1130``.
        """
        return sorted(
            (n for n, kind in self.graph.nodes(data="kind") if kind != EXTERNAL),
            key=natural_key,
        )

    def node(self, node_id: str) -> dict[str, Any]:
        """The attributes of one node (live: changing them changes the model)."""
        attributes: dict[str, Any] = self.graph.nodes[node_id]
        return attributes

    def register(self, manifest: Mapping[str, Any]) -> bool:
        """Add or update a twin from its manifest; True if it was not registered.

        Relations become edges; an edge no longer declared is dropped unless it
        carried observed volume, which is history worth keeping.
        """
        twin_id: str = manifest["twin_id"]
        node = self._ensure(twin_id, manifest["kind"])
        joined = not node["registered"]
        node.update(
            kind=manifest["kind"],
            display_name=manifest.get("display_name") or twin_id,
            location=manifest.get("location"),
            contracts=list(manifest.get("contracts", [])),
            time_to_recover_days=manifest.get("time_to_recover_days"),
            registered=True,
        )

        declared: set[str] = set()
        for relation in manifest.get("relations", []):
            target: str = relation["target"]
            self._ensure(target, EXTERNAL)
            self._edge(twin_id, target).update(
                kind=relation["kind"],
                declared=True,
                products=list(relation.get("products", [])),
                lead_time_days=float(relation.get("lead_time_days", 1.0)),
            )
            declared.add(target)
        self._forget_undeclared(twin_id, declared)
        return joined

    def unregister(self, twin_id: str) -> bool:
        """The twin withdrew its manifest: keep its node and edges, mark it gone.

        Returns False if the twin was not known. A twin that registers again
        gets its node back with its history.
        """
        if twin_id not in self.graph:
            return False
        self.node(twin_id).update(registered=False, online=False)
        return True

    def refuse(self, twin_id: str) -> None:
        """Keep a twin the thread refused out of the graph.

        A twin that never registered is dropped, with the external nodes only
        it led to; one that had registered is marked gone, as by
        :meth:`unregister`, so that its history stays.
        """
        if twin_id not in self.graph:
            return
        if self.node(twin_id)["registered"]:
            self.unregister(twin_id)
            return
        neighbours = set(nx.all_neighbors(self.graph, twin_id))
        self.graph.remove_node(twin_id)
        for node_id in neighbours:
            self._drop_if_orphan(node_id)

    def apply_state(
        self, twin_id: str, envelope: Envelope, data: Mapping[str, Any]
    ) -> Admission:
        """Take a twin's state, unless one with a later sequence was taken already."""
        admission = self._guard.admit(envelope)
        match admission:
            case Admission.STALE:
                self.stale += 1
                return admission
            case Admission.DUPLICATE:
                self.duplicates += 1
                return admission
            case Admission.ACCEPT:
                pass

        node = self._ensure(twin_id, _kind_of(envelope))
        stock = {p: float(q) for p, q in (data.get("stock") or {}).items()}
        outflow = {p: float(q) for p, q in (data.get("daily_outflow") or {}).items()}
        cover = data.get("days_of_cover")
        node.update(
            sequence=envelope.sequence,
            day=data.get("day"),
            figures=dict(data.get("figures") or {}),
            stock=stock,
            daily_outflow=outflow,
            days_of_cover=days_of_cover(stock, outflow) if cover is None else cover,
        )
        if envelope.phase:
            node["phase"] = envelope.phase
        return admission

    def apply_flow(self, flow: Mapping[str, Any]) -> tuple[str, str]:
        """Add a flow event's lines to the observed volume of its edge.

        Returns the edge, as (origin, destination).
        """
        origin: str = flow["origin"]
        destination: str = flow["destination"]
        self._ensure(origin, EXTERNAL)
        self._ensure(destination, EXTERNAL)
        edge = self._edge(origin, destination)

        # Sums are kept to 6 decimals, so that float noise does not pile up
        # over a long replay and show in the exports.
        by_product: dict[str, float] = edge["product_volume"]
        for product, quantity in flow["lines"].items():
            by_product[product] = round(by_product.get(product, 0.0) + quantity, 6)
            edge["volume"] = round(edge["volume"] + quantity, 6)

        day = flow.get("day")
        if day is not None:
            day = str(day)
            edge["first_day"] = min(day, edge["first_day"] or day)
            edge["last_day"] = max(day, edge["last_day"] or day)
        return origin, destination

    def set_phase(self, twin_id: str, phase: str, *, kind: str = UNKNOWN) -> None:
        """Record a twin's lifecycle phase."""
        self._ensure(twin_id, kind)["phase"] = phase

    def heartbeat(
        self,
        twin_id: str,
        at: dt.datetime,
        *,
        leaving: bool = False,
        phase: str | None = None,
        kind: str = UNKNOWN,
        interval: float | None = None,
    ) -> bool:
        """Record a heartbeat received at ``at``; True if the twin went on or offline.

        A beat marked ``leaving`` (the last of a graceful shutdown) takes the
        twin offline at once. ``interval`` is the twin's own beat, in seconds.
        """
        node = self._ensure(twin_id, kind)
        was_online = node["online"]
        node.update(last_seen=at, online=not leaving)
        if interval is not None:
            node["heartbeat_interval"] = interval
        if phase:
            node["phase"] = phase
        return bool(was_online != node["online"])

    def mark_offline_since(
        self, now: dt.datetime, timeout: float, *, missed_beats: int | None = None
    ) -> list[str]:
        """Mark offline every twin silent for too long.

        Too long is ``missed_beats`` of the twin's own heartbeat interval when
        both are known, else ``timeout`` seconds. Returns the ids of the twins
        that went offline, sorted.
        """

        def limit(attributes: Mapping[str, Any]) -> dt.datetime:
            interval = attributes.get("heartbeat_interval")
            seconds = timeout
            if interval is not None and missed_beats is not None:
                seconds = missed_beats * interval
            return now - dt.timedelta(seconds=seconds)

        silent = sorted(
            node_id
            for node_id, attributes in self.graph.nodes(data=True)
            if attributes["online"] and attributes["last_seen"] < limit(attributes)
        )
        for node_id in silent:
            self.node(node_id)["online"] = False
        return silent

    def _ensure(self, node_id: str, kind: str) -> dict[str, Any]:
        if node_id not in self.graph:
            self.graph.add_node(node_id, **_new_node(node_id, kind))
        node = self.node(node_id)
        if node["kind"] in _VAGUE and kind not in _VAGUE:
            node["kind"] = kind
        return node

    def _edge(self, origin: str, destination: str) -> dict[str, Any]:
        if not self.graph.has_edge(origin, destination):
            self.graph.add_edge(origin, destination, **_new_edge())
        edge: dict[str, Any] = self.graph.edges[origin, destination]
        return edge

    def _forget_undeclared(self, twin_id: str, declared: set[str]) -> None:
        for target in list(self.graph.successors(twin_id)):
            edge = self.graph.edges[twin_id, target]
            if target in declared or not edge["declared"]:
                continue
            if edge["volume"] > 0:
                edge.update(kind=OBSERVED, declared=False)
                continue
            self.graph.remove_edge(twin_id, target)
            self._drop_if_orphan(target)

    def _drop_if_orphan(self, node_id: str) -> None:
        # An external node exists only through the edges that reach it.
        if self.node(node_id)["kind"] == EXTERNAL and not self.graph.degree(node_id):
            self.graph.remove_node(node_id)


def _kind_of(envelope: Envelope) -> str:
    if envelope.dataschema is None:
        return UNKNOWN
    try:
        return SchemaRef.parse(envelope.dataschema).kind
    except ContractError:
        return UNKNOWN
