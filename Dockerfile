# One image for every twinweave service: the orchestrator, each twin and the clock.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TWINWEAVE_DATA_DIR=/app/data

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY thread ./thread
COPY twins ./twins
COPY schemas ./schemas
COPY orchestrator ./orchestrator
COPY data ./data
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 twinweave
USER twinweave

ENTRYPOINT ["twinweave"]
CMD ["--help"]
