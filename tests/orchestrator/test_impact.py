"""Impact of a stop, with numbers worked out by hand on a six-node network.

::

    plant-a --p1,p2--> storage-x --> fleet --> distributors (external)
      |   plant-b --p1--^               ^
      +--------p2-----> storage-y ------+

Observed on one day: plant-a sent storage-x 30 p1 and 10 p2, plant-b sent it
10 p1, and plant-a sent storage-y 20 p2. storage-x holds 75 p1 and 50 p2 and
ships 40 p1 and 10 p2 a day; storage-y holds 500 p2 and ships 20 a day. The
fleet has 45 p1 on the road and reports no daily outflow.
"""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator import NetworkModel, impact
from thread import ConfigurationError, Envelope, UnknownTwinError

DAY = "2024-01-01"


def relation(target: str, *products: str) -> dict[str, Any]:
    return {"target": target, "kind": "supplies", "products": list(products)}


def register(model: NetworkModel, twin_id: str, kind: str, *relations: Any) -> None:
    model.register({"twin_id": twin_id, "kind": kind, "relations": list(relations)})


def report_state(model: NetworkModel, twin_id: str, **data: Any) -> None:
    envelope = Envelope(source=f"/twins/warehouse/{twin_id}", type="state", sequence=1)
    model.apply_state(twin_id, envelope, data)


def send(model: NetworkModel, origin: str, destination: str, **lines: float) -> None:
    flow = {"day": DAY, "origin": origin, "destination": destination, "lines": lines}
    model.apply_flow(flow)


def network(*, observed: bool = True, stock_x: float = 75) -> NetworkModel:
    model = NetworkModel()
    register(
        model,
        "plant-a",
        "factory",
        relation("storage-x", "p1", "p2"),
        relation("storage-y", "p2"),
    )
    register(model, "plant-b", "factory", relation("storage-x", "p1"))
    register(model, "storage-x", "warehouse", relation("fleet"))
    register(model, "storage-y", "warehouse", relation("fleet"))
    register(model, "fleet", "fleet", relation("distributors"))
    x_stock = {"p1": stock_x, "p2": 50}
    report_state(model, "storage-x", stock=x_stock, daily_outflow={"p1": 40, "p2": 10})
    report_state(model, "storage-y", stock={"p2": 500}, daily_outflow={"p2": 20})
    report_state(model, "fleet", stock={"p1": 45})
    if observed:
        send(model, "plant-a", "storage-x", p1=30, p2=10)
        send(model, "plant-b", "storage-x", p1=10)
        send(model, "plant-a", "storage-y", p2=20)
    return model


def test_stopping_one_plant_hits_the_storage_it_feeds_by_its_share() -> None:
    # p1: share 30/40, drain 40 x 0.75 = 30/day, 75 / 30 = 2.5 days -> day 3,
    #     at risk 30 x (7 - 2.5) = 135; p2: share 1, drain 10/day, 50 / 10 = 5
    #     days -> day 5, at risk 10 x (7 - 5) = 20.
    report = impact(network(), ["plant-a"], days=7)
    hit = report.hit("storage-x")

    assert hit is not None
    assert (hit.hit_day, hit.volume_at_risk, hit.products) == (3, 155.0, ["p1", "p2"])
    assert [s.days_until_stockout for s in hit.shortages] == [2.5, 5.0]


def test_storage_with_enough_stock_is_reached_but_not_hit() -> None:
    # storage-y: drain 20/day, 500 / 20 = 25 days, longer than the 7-day stop.
    report = impact(network(), ["plant-a"], days=7)

    assert report.unaffected == ["storage-y"]


def test_nodes_below_a_hit_node_are_hit_the_same_day_carrying_its_volume() -> None:
    report = impact(network(), ["plant-a"], days=7)

    carried = [(h.node_id, h.hit_day, h.volume_at_risk) for h in report.hits]
    assert carried == [
        ("storage-x", 3, 155.0),
        ("fleet", 3, 155.0),
        ("distributors", 3, 155.0),
    ]
    assert (report.volume_at_risk, report.first_hit_day) == (155.0, 3)


def test_stopping_both_plants_takes_the_whole_inflow() -> None:
    # p1: share 1, drain 40/day, 75 / 40 = 1.875 days -> day 2,
    #     at risk 40 x 5.125 = 205; p2 as before, 20.
    report = impact(network(), ["plant-a", "plant-b"], days=7)

    assert (report.first_hit_day, report.volume_at_risk) == (2, 225.0)


def test_without_observed_volume_the_stopped_plant_is_assumed_to_supply_all() -> None:
    # p1: share 1 (nothing observed), 75 / 40 = 1.875 days -> day 2.
    report = impact(network(observed=False), ["plant-b"], days=7)
    hit = report.hit("storage-x")

    assert hit is not None
    assert (hit.hit_day, hit.volume_at_risk, hit.products) == (2, 205.0, ["p1"])


def test_node_without_stock_of_a_product_is_hit_on_day_zero() -> None:
    # p1: no stock, drain 30/day, at risk 30 x 7 = 210.
    report = impact(network(stock_x=0), ["plant-a"], days=7)
    hit = report.hit("storage-x")

    assert hit is not None
    assert (hit.hit_day, hit.shortages[0].volume_at_risk) == (0, 210.0)


def test_stock_lasting_exactly_the_stop_is_not_a_hit() -> None:
    # p2 at storage-x: 50 / 10 = 5 days, a 5-day stop.
    report = impact(network(stock_x=1000), ["plant-a"], days=5)

    assert report.hit("storage-x") is None


def test_unbuffered_node_loses_the_average_observed_daily_volume() -> None:
    model = network()
    for day, quantity in [("2024-01-01", 60), ("2024-01-03", 30)]:
        flow = {"origin": "fleet", "destination": "distributors", "day": day}
        model.apply_flow({**flow, "lines": {"p1": quantity}})

    # 90 over the 3 days observed: 30 a day, 30 x 7 = 210 at risk from day 0.
    hit = impact(model, ["fleet"], days=7).hit("distributors")

    assert hit is not None
    assert (hit.hit_day, hit.volume_at_risk) == (0, 210.0)


def test_node_reporting_no_outflow_loses_the_inflow_observed_from_the_stop() -> None:
    # storage-x sent the fleet 30 p1 on the one day observed: 45 / 30 = 1.5
    # days -> day 2, at risk 30 x (7 - 1.5) = 165.
    model = network()
    send(model, "storage-x", "fleet", p1=30)

    hit = impact(model, ["storage-x"], days=7).hit("fleet")

    assert hit is not None
    assert (hit.hit_day, hit.volume_at_risk) == (2, 165.0)


def test_a_cycle_in_the_network_counts_each_shortfall_once() -> None:
    model = network()
    register(model, "fleet", "fleet", relation("distributors"), relation("storage-x"))

    report = impact(model, ["plant-a"], days=7)

    assert [(h.node_id, h.volume_at_risk) for h in report.hits] == [
        ("storage-x", 155.0),
        ("fleet", 155.0),
        ("distributors", 155.0),
    ]


def test_unknown_twin_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownTwinError) as caught:
        impact(network(), ["distributors"], days=7)

    assert "plant-a" in caught.value.known


def test_a_stop_of_less_than_a_day_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        impact(network(), ["plant-a"], days=0)


def test_report_survives_a_round_trip_through_plain_data() -> None:
    report = impact(network(), ["plant-a"], days=7)

    assert type(report).from_dict(report.as_dict()) == report
