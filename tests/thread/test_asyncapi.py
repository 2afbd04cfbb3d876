"""The AsyncAPI 3.0 document of the thread, built from the contract files."""

from __future__ import annotations

from typing import Any

import pytest

from schemas import iter_files, read
from thread import Subjects
from thread._asyncapi import SCHEMA_FORMAT, asyncapi_document


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    contracts = [read(path) for path in iter_files()]
    return asyncapi_document(contracts, Subjects("tw"), server_url="nats://u:p@h:4222")


@pytest.mark.parametrize(
    ("channel", "address"),
    [
        pytest.param("factory.state", "tw.factory.{twinId}.state", id="state"),
        pytest.param(
            "fleet.event.delivered", "tw.fleet.{twinId}.event.delivered", id="event"
        ),
        pytest.param(
            "common.command.stop",
            "tw.{kind}.{twinId}.command.stop",
            id="common-command",
        ),
        pytest.param("common.clock.day", "tw.clock.day", id="clock"),
        pytest.param("common.manifest", "$KV.tw_registry.{twinId}", id="manifest"),
        pytest.param("common.command.reply", None, id="reply-inbox"),
    ],
)
def test_each_contract_channel_has_the_subject_it_travels_on(
    doc: dict[str, Any], channel: str, address: str | None
) -> None:
    assert doc["channels"][channel]["address"] == address


def test_every_channel_is_both_sent_and_received(doc: dict[str, Any]) -> None:
    actions = {
        (op["channel"]["$ref"], op["action"]) for op in doc["operations"].values()
    }

    assert len(actions) == 2 * len(doc["channels"])


def test_commands_are_answered_on_the_reply_channel(doc: dict[str, Any]) -> None:
    reply = doc["operations"]["receive.common.command.stop"]["reply"]

    assert reply == {"channel": {"$ref": "#/channels/common.command.reply"}}


def test_payload_is_the_contract_document_as_json_schema(doc: dict[str, Any]) -> None:
    payload = doc["components"]["messages"]["factory.state.1.0.0"]["payload"]

    assert payload["schemaFormat"] == SCHEMA_FORMAT
    assert payload["schema"]["$id"] == "urn:twinweave:schema:factory:state:1.0.0"


def test_headers_name_the_contract_the_message_follows(doc: dict[str, Any]) -> None:
    headers = doc["components"]["messages"]["factory.state.1.0.0"]["headers"]

    assert headers["properties"]["ce-dataschema"] == {
        "const": "urn:twinweave:schema:factory:state:1.0.0"
    }


def test_server_is_named_without_its_credentials(doc: dict[str, Any]) -> None:
    assert doc["servers"]["thread"] == {"host": "h:4222", "protocol": "nats"}
