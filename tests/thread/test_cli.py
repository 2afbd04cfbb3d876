"""``twinweave schema`` and ``twinweave asyncapi`` as an integration team runs them."""

from __future__ import annotations

import shutil
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner, Result

from schemas import SCHEMA_DIR, document
from thread import SchemaRef
from thread._cli import app, asyncapi_app

STATE = SchemaRef("warehouse", "state", "1.0.0")
runner = CliRunner()


def schema(*args: str) -> Result:
    return runner.invoke(app, list(args))


def contract_file(tmp_path: Path, ref: SchemaRef, body: dict[str, Any]) -> Path:
    path = tmp_path / ref.kind / f"{ref.message}.{ref.version}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document(ref, body))
    return path


def state_v2(tmp_path: Path, change: dict[str, Any]) -> Path:
    """Version 2.0.0 of the built-in warehouse state, with ``change`` applied,
    written beside a copy of the built-in warehouse contracts."""
    shutil.copytree(SCHEMA_DIR / "warehouse", tmp_path / "warehouse")
    body = orjson.loads((SCHEMA_DIR / "warehouse" / "state.1.0.0.json").read_bytes())
    for key in ("$id", "$schema", "x-twinweave"):
        body.pop(key)
    body["properties"] = {**body["properties"], **change}
    return contract_file(tmp_path, STATE.at("2.0.0"), body)


def test_both_command_groups_are_plugged_into_twinweave() -> None:
    plugged = {e.name: e.value for e in entry_points(group="twinweave.commands")}

    assert plugged["schema"] == "thread._cli:app"
    assert plugged["asyncapi"] == "thread._cli:asyncapi_app"


def test_list_shows_every_contract_with_its_versions_and_mode() -> None:
    result = schema("list")

    assert "warehouse    state" in result.stdout
    assert "1.0.0" in result.stdout and "BACKWARD" in result.stdout


def test_show_prints_the_latest_document() -> None:
    result = schema("show", "warehouse", "state")

    assert orjson.loads(result.stdout)["$id"] == STATE.urn


def test_show_of_an_unknown_version_is_one_line_and_exit_2() -> None:
    result = schema("show", "warehouse", "state", "9.9.9")

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "9.9.9" in result.stderr


def test_diff_lists_what_breaks_each_way(tmp_path: Path) -> None:
    v2 = state_v2(tmp_path, {"reserved": {"type": "number"}})

    result = schema("diff", "warehouse:state:1.0.0", str(v2))

    assert result.exit_code == 0
    assert "backward (the later reads data of the earlier): compatible" in result.stdout
    assert "field 'reserved' added: the earlier reader refuses" in result.stdout


def test_check_of_a_compatible_version_exits_0(tmp_path: Path) -> None:
    v2 = state_v2(tmp_path, {"reserved": {"type": "number"}})

    result = schema("check", str(v2))

    assert (result.exit_code, result.stdout) == (
        0,
        "warehouse:state:2.0.0 is BACKWARD compatible\n",
    )


def test_check_of_an_incompatible_version_exits_1_with_the_reasons(
    tmp_path: Path,
) -> None:
    v2 = state_v2(tmp_path, {"days_of_cover": {"type": "string"}})

    result = schema("check", str(v2))

    assert result.exit_code == 1
    assert "days_of_cover: type changed from number or null to string" in result.stdout


def test_check_under_another_mode_exits_1(tmp_path: Path) -> None:
    v2 = state_v2(tmp_path, {"reserved": {"type": "number"}})

    assert schema("check", str(v2), "--mode", "full").exit_code == 1


def test_check_against_a_folder_of_earlier_versions(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier"
    shutil.copytree(SCHEMA_DIR / "warehouse", earlier / "warehouse")
    v2 = state_v2(tmp_path / "new", {"reserved": {"type": "number"}})

    assert schema("check", str(v2), "--against", str(earlier)).exit_code == 0


def test_check_of_a_changed_document_under_a_taken_version_exits_1(
    tmp_path: Path,
) -> None:
    body = orjson.loads((SCHEMA_DIR / "warehouse" / "state.1.0.0.json").read_bytes())
    body["description"] = "changed"
    changed = tmp_path / "state.json"
    changed.write_bytes(orjson.dumps(body))

    result = schema("check", str(changed), "--against", str(SCHEMA_DIR))

    assert result.exit_code == 1 and "exists with another document" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--mode", "sideways"], id="unknown-mode"),
        pytest.param(["--against", ".", "--nats-url", "nats://x"], id="two-sources"),
    ],
)
def test_check_with_a_bad_argument_is_one_line_and_exit_2(
    args: list[str], tmp_path: Path
) -> None:
    v2 = state_v2(tmp_path, {})

    result = schema("check", str(v2), *args)

    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_check_of_a_file_that_is_not_json_is_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")

    result = schema("check", str(broken))

    assert result.exit_code == 2 and "not JSON" in result.stderr


def test_registered_contract_is_listed_by_the_running_thread(
    nats_url: str, tmp_path: Path
) -> None:
    v1 = contract_file(
        tmp_path, SchemaRef("probe", "state", "1.0.0"), {"type": "object"}
    )

    registered = schema("register", str(v1), "--nats-url", nats_url, "--prefix", "cli")
    listed = schema("list", "--nats-url", nats_url, "--prefix", "cli")

    assert registered.stdout == "registered probe:state:1.0.0\n"
    assert "probe        state" in listed.stdout


def test_check_against_a_running_thread_exits_1_when_incompatible(
    nats_url: str, tmp_path: Path
) -> None:
    ref = SchemaRef("probe", "state", "1.0.0")
    v1 = contract_file(tmp_path, ref, {"type": "object"})
    schema("register", str(v1), "--nats-url", nats_url)
    closed = {"type": "object", "additionalProperties": False}
    v2 = contract_file(tmp_path, ref.at("2.0.0"), closed)

    result = schema("check", str(v2), "--nats-url", nats_url)

    assert result.exit_code == 1
    assert "additionalProperties closed [backward, against 1.0.0]" in result.stdout


def test_asyncapi_names_each_contract_channel_by_its_subject() -> None:
    result = runner.invoke(asyncapi_app, [])

    channel = orjson.loads(result.stdout)["channels"]["factory.state"]
    assert channel["address"] == "tw.factory.{twinId}.state"


def test_asyncapi_is_written_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "thread.json"

    runner.invoke(asyncapi_app, ["--output", str(out), "--prefix", "plant"])

    assert orjson.loads(out.read_bytes())["asyncapi"] == "3.0.0"
