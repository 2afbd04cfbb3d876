"""The allocation rule on the real SupplyGraph rows, with exact numbers."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from thread import ConfigurationError
from twins import FLEET_ID, SupplyNetwork, load_network, split

JAN_1 = dt.date(2023, 1, 1)
JAN_2 = dt.date(2023, 1, 2)


def test_network_has_a_factory_per_plant_a_warehouse_per_storage_and_a_fleet(
    network: SupplyNetwork,
) -> None:
    kinds = [spec.kind for spec in network.specs()]
    assert (kinds.count("factory"), kinds.count("warehouse")) == (25, 13)
    assert network.specs()[-1].twin_id == FLEET_ID


def test_storage_codes_lose_their_float_suffix(network: SupplyNetwork) -> None:
    assert network.storages[:3] == ("130", "330", "1130")


def test_data_window_is_january_to_may_2023(network: SupplyNetwork) -> None:
    assert network.window == (JAN_1, dt.date(2023, 5, 31))
    assert len(network.days) == 151


def test_production_is_split_by_plant_rows(network: SupplyNetwork) -> None:
    # MAR02K12P has 32 rows at plant 1911, 7 at 1912 and 3 at 1903; 100 made.
    shares = {
        plant: network.production(plant, JAN_1)["MAR02K12P"]
        for plant in ("1911", "1912", "1903")
    }
    assert shares == {"1911": 76.19, "1912": 16.667, "1903": 7.143}


def test_factory_issue_is_split_by_plant_storage_rows(network: SupplyNetwork) -> None:
    # POPF01L12P: rows 20 (2121, 2130), 7 (2118, 1830), 5 (2103, 330),
    # 3 (2115, 1530); the row of plant 2118 without a storage is left out.
    pairs = {"2121": "2130", "2118": "1830", "2103": "330", "2115": "1530"}
    shares = {
        plant: network.issues(plant, JAN_2)[storage]["POPF01L12P"]
        for plant, storage in pairs.items()
    }
    assert shares == {"2121": 142.857, "2118": 50.0, "2103": 35.714, "2115": 21.429}


def test_delivery_is_split_by_storage_rows(network: SupplyNetwork) -> None:
    shares = {
        storage: network.deliveries(storage, JAN_2)["MAR02K12P"]
        for storage in ("1130", "1230", "330")
    }
    assert shares == {"1130": 179.81, "1230": 39.333, "330": 16.857}


def test_split_gives_leftover_thousandths_to_the_largest_remainders() -> None:
    assert split(1, {"a": 1, "b": 1, "c": 1}) == {"a": 0.334, "b": 0.333, "c": 0.333}


@pytest.mark.parametrize("flow", ["production", "factory_issue", "delivery"])
def test_allocated_shares_add_up_to_the_data_totals(
    network: SupplyNetwork, flow: str
) -> None:
    for day in network.days:
        allocated: dict[str, float] = {}
        for part in _parts(network, flow, day):
            for product, value in part.items():
                allocated[product] = allocated.get(product, 0.0) + value
        expected = getattr(network.totals(day), flow)
        assert {p: round(v, 3) for p, v in allocated.items() if v} == expected, day


def _parts(network: SupplyNetwork, flow: str, day: dt.date) -> list[dict[str, float]]:
    match flow:
        case "production":
            return [network.production(p, day) for p in network.plants]
        case "factory_issue":
            return [
                lines
                for p in network.plants
                for lines in network.issues(p, day).values()
            ]
        case _:
            return [network.deliveries(s, day) for s in network.storages]


def test_daily_outflow_is_the_mean_delivery_over_the_window(
    network: SupplyNetwork,
) -> None:
    mean = math.fsum(
        network.deliveries("330", day).get("SOS001L12P", 0.0) for day in network.days
    ) / len(network.days)
    assert network.mean_delivery("330")["SOS001L12P"] == round(mean, 3) == 1179.611


def test_opening_stock_is_cover_days_of_daily_outflow(network: SupplyNetwork) -> None:
    assert network.opening_stock("330", 7)["SOS001L12P"] == 8257.277


def test_missing_data_folder_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_network(tmp_path)
