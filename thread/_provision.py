"""The JetStream stream and KV buckets the thread needs, created if missing."""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError
from nats.js.kv import KeyValue

from thread._errors import ConfigurationError
from thread._subjects import Channel, Subjects

# How long the event stream remembers message ids to drop re-sent duplicates.
DUPLICATE_WINDOW_SECONDS = 120.0


@dataclass(frozen=True, slots=True)
class Provisioned:
    """Handles on the KV buckets once they exist."""

    state: KeyValue
    registry: KeyValue
    schemas: KeyValue


async def provision(js: JetStreamContext, subjects: Subjects) -> Provisioned:
    """Create the event and dead-letter streams and the KV buckets if missing."""
    await _ensure_stream(
        js,
        StreamConfig(
            name=subjects.event_stream,
            subjects=[
                subjects.pattern(Channel.EVENT),
                subjects.pattern(Channel.LIFECYCLE),
            ],
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        ),
    )
    await _ensure_stream(
        js,
        StreamConfig(name=subjects.deadletter_stream, subjects=[subjects.deadletter()]),
    )
    state = await js.create_key_value(
        KeyValueConfig(bucket=subjects.state_bucket, history=1)
    )
    registry = await js.create_key_value(
        KeyValueConfig(bucket=subjects.registry_bucket, history=5)
    )
    schemas = await js.create_key_value(
        KeyValueConfig(bucket=subjects.schema_bucket, history=1)
    )
    return Provisioned(state=state, registry=registry, schemas=schemas)


async def _ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    try:
        await js.add_stream(config)
    except BadRequestError as exc:
        # Another participant may have created it first with other settings: use
        # it as it is. Anything else (overlapping subjects, say) is a real error.
        try:
            await js.stream_info(config.name or "")
        except NotFoundError:
            raise ConfigurationError(
                f"stream {config.name}", exc.description or "refused by the server"
            ) from exc
