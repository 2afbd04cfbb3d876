"""Settings of a thread participant, read from ``TWINWEAVE_*`` environment variables."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from thread._subjects import check_token


class ThreadSettings(BaseSettings):
    """Where the thread is and how to behave on it.

    Every field can be set by an environment variable named ``TWINWEAVE_`` plus
    the field name in capitals, e.g. ``TWINWEAVE_NATS_URL``.
    """

    model_config = SettingsConfigDict(env_prefix="TWINWEAVE_", extra="ignore")

    nats_url: str = Field(
        default="nats://127.0.0.1:4222", description="NATS server URL"
    )
    prefix: str = Field(default="tw", description="first token of every subject")
    heartbeat_interval: float = Field(
        default=1.0, gt=0, le=60, description="seconds between heartbeats"
    )
    offline_after: int = Field(
        default=3, ge=1, le=100, description="missed heartbeats before offline"
    )
    request_timeout: float = Field(
        default=2.0, gt=0, le=300, description="seconds to wait for a reply"
    )

    @field_validator("prefix")
    @classmethod
    def _prefix_is_a_token(cls, value: str) -> str:
        return check_token(value, "prefix")

    @field_validator("nats_url")
    @classmethod
    def _url_is_nats(cls, value: str) -> str:
        if not value.startswith(("nats://", "tls://", "ws://", "wss://")):
            raise ValueError("must start with nats://, tls://, ws:// or wss://")
        return value
