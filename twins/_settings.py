"""Settings of a built-in twin process, read from ``TWINWEAVE_*`` variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from thread import ThreadSettings
from twins._supplygraph import default_data_dir


class TwinSettings(ThreadSettings):
    """Where the thread and the data are, and the derived figures' parameters.

    Adds to :class:`thread.ThreadSettings` ``TWINWEAVE_DATA_DIR`` (the folder
    holding ``supplygraph/`` and ``usaid-scms/``), ``TWINWEAVE_OPENING_COVER_DAYS``
    and ``TWINWEAVE_CONTRACT_WAIT``.
    """

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="folder holding supplygraph/ and usaid-scms/",
    )
    opening_cover_days: float = Field(
        default=7.0, ge=0, le=365, description="warehouse opening stock, in days"
    )
    contract_wait: float = Field(
        default=10.0,
        ge=0,
        le=600,
        description="seconds a joining twin waits for its contracts to be registered",
    )
