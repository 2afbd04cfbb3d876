"""An AsyncAPI 3.0 document of the thread, built from the registered contracts.

Each contract subject (kind and message) becomes one channel whose address is
the subject pattern it travels on, with every registered version as one of its
messages, a ``send`` and a ``receive`` operation, and the CloudEvents headers.
Payloads are the contract documents as they are, in the JSON Schema 2020-12
format; their ``$id`` keeps their local ``$ref`` s pointing inside them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlsplit

from thread._schemaref import SchemaRef
from thread._subjects import Channel, Subjects

SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
_REPLY = "common.command.reply"
_CHANNELS = frozenset(channel.value for channel in Channel)
_PARAMETERS = {
    "kind": {"description": "the twin kind, e.g. factory"},
    "twinId": {"description": "the twin's id"},
}


def asyncapi_document(
    contracts: Iterable[tuple[SchemaRef, Mapping[str, Any]]],
    subjects: Subjects,
    *,
    server_url: str | None = None,
) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of a thread carrying ``contracts``.

    Args:
        contracts: every contract version with its document.
        subjects: the thread's subject scheme (its prefix).
        server_url: the NATS server to name under ``servers``, if any; any
            credentials in it are left out.
    """
    channels: dict[str, Any] = {}
    commands: set[str] = set()
    messages: dict[str, Any] = {}
    for ref, schema in sorted(
        contracts, key=lambda c: (c[0].kind, c[0].message, c[0].semver)
    ):
        channel_id = f"{ref.kind}.{ref.message}"
        message_id = f"{channel_id}.{ref.version}"
        messages[message_id] = _message(ref, schema)
        channel = channels.setdefault(channel_id, _channel(ref, subjects))
        channel["messages"][message_id] = {
            "$ref": f"#/components/messages/{message_id}"
        }
        if ref.message.startswith("command.") and ref.message != "command.reply":
            commands.add(channel_id)

    operations: dict[str, Any] = {}
    for channel_id, channel in channels.items():
        listed = [
            {"$ref": f"#/channels/{channel_id}/messages/{message_id}"}
            for message_id in channel["messages"]
        ]
        for action in ("send", "receive"):
            operation: dict[str, Any] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "messages": listed,
            }
            if channel_id in commands and _REPLY in channels:
                operation["reply"] = {"channel": {"$ref": f"#/channels/{_REPLY}"}}
            operations[f"{action}.{channel_id}"] = operation

    document: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": {
            "title": "twinweave digital thread",
            "version": _version(),
            "description": (
                "Twin state, events, commands and lifecycle on NATS, with the "
                "CloudEvents envelope in ce-* headers and JSON data."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
    if server_url is not None:
        document["servers"] = {"thread": _server(server_url)}
    return document


def address(ref: SchemaRef, subjects: Subjects) -> str | None:
    """The subject pattern a contract travels on; None when no fixed one."""
    kind = "{kind}" if ref.kind == "common" else ref.kind
    twin = f"{subjects.prefix}.{kind}.{{twinId}}"
    first = ref.message.split(".", 1)[0]
    match ref.message:
        case "clock.day":
            return subjects.clock
        case "manifest":
            return f"$KV.{subjects.registry_bucket}.{{twinId}}"
        case "command.reply":
            return None
        case _ if first in _CHANNELS:
            return f"{twin}.{ref.message}"
        case _:
            return None


def _channel(ref: SchemaRef, subjects: Subjects) -> dict[str, Any]:
    where = address(ref, subjects)
    channel: dict[str, Any] = {
        "address": where,
        "title": f"{ref.kind} {ref.message}",
        "messages": {},
    }
    if where is None:
        channel["description"] = (
            "no fixed subject: sent to a reply inbox or out of band"
        )
    params = {
        name: spec
        for name, spec in _PARAMETERS.items()
        if f"{{{name}}}" in (where or "")
    }
    if params:
        channel["parameters"] = params
    return channel


def _message(ref: SchemaRef, schema: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": ref.message,
        "title": f"{ref.kind} {ref.message} {ref.version}",
        "summary": schema.get("description", ""),
        "contentType": "application/json",
        "headers": _headers(ref),
        "payload": {"schemaFormat": SCHEMA_FORMAT, "schema": dict(schema)},
    }


def _headers(ref: SchemaRef) -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["ce-id", "ce-source", "ce-type", "ce-specversion"],
        "properties": {
            "ce-specversion": {"const": "1.0"},
            "ce-id": text,
            "ce-source": text,
            "ce-type": {"const": ref.event_type},
            "ce-time": {"type": "string", "format": "date-time"},
            "ce-dataschema": {"const": ref.urn},
            "ce-subject": text,
            "ce-twinseq": {"type": "string", "pattern": "^[0-9]+$"},
            "ce-phase": text,
            "ce-correlationid": text,
            "ce-causationid": text,
        },
    }


def _server(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return {"host": host, "protocol": parts.scheme or "nats"}


def _version() -> str:
    try:
        return version("twinweave")
    except PackageNotFoundError:
        return "0.0.0"
