"""The shipment twin: one shipment mode, replaying USAID SCMS deliveries by day."""

from __future__ import annotations

import math
from collections import Counter
from typing import ClassVar, Self

from thread import Thread
from twins._messages import (
    ClockDay,
    Manifest,
    Relation,
    RelationKind,
    ShipmentState,
)
from twins._scms import (
    Delivery,
    ShipmentHistory,
    country_id,
    load_shipments,
    shipment_id,
)
from twins._settings import TwinSettings
from twins._twin import Twin


def shipment_manifest(history: ShipmentHistory, mode: str) -> Manifest:
    """The manifest of mode ``mode``: it delivers to each country it served."""
    return Manifest(
        twin_id=shipment_id(mode),
        kind=ShipmentTwin.kind,
        display_name=f"{mode} shipments (USAID SCMS)",
        relations=[
            Relation(
                target=country_id(country), kind=RelationKind.DELIVERS, products=groups
            )
            for country, groups in history.lanes(mode).items()
        ],
        contracts=[ShipmentTwin.ref_of("shipment", "state").urn],
    )


class ShipmentTwin(Twin):
    """A shipment mode (Air, Truck, Ocean, Air Charter) delivering to countries.

    On clock day ``i`` of ``n`` it replays the deliveries scheduled in the
    ``i``-th of ``n`` equal parts of the history, and publishes how many fell
    due, how many were late, and the late share and mean delay so far. The
    figures follow from the day alone, so a restarted twin needs no kept state.

    Args:
        thread: a connected thread.
        history: the delivery history.
        mode: the shipment mode, as the data spells it.
        heartbeat_interval: seconds between heartbeats.
    """

    kind: ClassVar[str] = "shipment"

    def __init__(
        self,
        thread: Thread,
        history: ShipmentHistory,
        mode: str,
        *,
        heartbeat_interval: float = 1.0,
    ) -> None:
        super().__init__(
            thread,
            shipment_manifest(history, mode),
            heartbeat_interval=heartbeat_interval,
        )
        self.history = history
        self.mode = mode
        self._deliveries = history.of_mode(mode)
        self._parts: list[list[Delivery]] = []

    @classmethod
    def create(cls, thread: Thread, twin_id: str, settings: TwinSettings) -> Self:
        history = load_shipments(settings.data_dir)
        return cls(
            thread,
            history,
            history.mode_of(twin_id),
            heartbeat_interval=settings.heartbeat_interval,
        )

    @classmethod
    def twin_ids(cls, settings: TwinSettings) -> list[str]:
        return load_shipments(settings.data_dir).twin_ids()

    async def on_day(self, day: ClockDay) -> None:
        await self.publish_state(self.state_of(day))

    def state_of(self, day: ClockDay) -> ShipmentState:
        """What the twin publishes on clock day ``day``."""
        if len(self._parts) != day.total:
            self._parts = [[] for _ in range(day.total)]
            for delivery in self._deliveries:
                self._parts[self.history.part_of(delivery, day.total)].append(delivery)
        today = self._parts[day.index]
        so_far = [d for part in self._parts[: day.index + 1] for d in part]
        late = [d for d in so_far if d.late]
        late_today = Counter(country_id(d.country) for d in today if d.late)
        late_share = round(len(late) / len(so_far), 4) if so_far else 0.0
        mean_delay = math.fsum(d.delay_days for d in late) / len(late) if late else 0
        start, end = self.history.period(day.index, day.total)
        return ShipmentState(
            day=day.day,
            figures={
                "delivered_today": len(today),
                "late_today": late_today.total(),
                "late_share": late_share,
                "mean_delay_days": round(mean_delay, 2),
            },
            history_from=start,
            history_to=end,
            delivered_today=len(today),
            late_today=late_today.total(),
            delivered_total=len(so_far),
            late_total=len(late),
            late_share=late_share,
            mean_delay_days=round(mean_delay, 2),
            late_today_by_destination=dict(sorted(late_today.items())),
        )
