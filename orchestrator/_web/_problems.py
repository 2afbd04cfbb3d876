"""Failures as HTTP answers: a status code and one readable JSON error.

Every error body has the same shape, ``{"error": "<one line>", "code": ...}``,
with the field or twin it is about when there is one, so that the page and
scripts can show it as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from thread import (
    ConfigurationError,
    ContractError,
    ServiceUnavailableError,
    ThreadUnavailableError,
    TwinweaveError,
    UnknownTwinError,
)

# Where FastAPI says a bad value came from; the field itself follows.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})


class JsonResponse(JSONResponse):
    """JSON written by orjson: fast on a large graph, and dates as ISO 8601."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def problem(exc: TwinweaveError) -> tuple[int, dict[str, Any]]:
    """The status code and body that answer a request which failed with ``exc``."""
    body: dict[str, Any] = {"error": str(exc)}
    match exc:
        case UnknownTwinError():
            return 404, {**body, "code": "unknown_twin", "twin_id": exc.twin_id}
        case ConfigurationError():
            return 422, {**body, "code": "invalid", "field": exc.setting}
        case ContractError():
            return 422, {**body, "code": "invalid", "field": exc.schema}
        case ThreadUnavailableError() | ServiceUnavailableError():
            return 503, {**body, "code": "unavailable"}
        case ValueError():
            return 422, {**body, "code": "invalid"}
        case _:
            return 500, {**body, "code": "failed"}


def field_of(location: Sequence[str | int]) -> str:
    """A validation error's location as a dotted field, e.g. ``disruptions.0.share``."""
    parts = list(location)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or "body"


def install_handlers(app: FastAPI) -> None:
    """Answer twinweave errors, invalid requests and HTTP errors in one shape."""
    for caught in (TwinweaveError, RequestValidationError, HTTPException):
        app.add_exception_handler(caught, _answer)


def invalid(errors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The body that answers a request whose values failed validation."""
    fields = [
        {"field": field_of(error["loc"]), "message": error["msg"]} for error in errors
    ]
    first = fields[0] if fields else {"field": "body", "message": "invalid request"}
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    return {
        "error": f"{first['field']}: {first['message']}{more}",
        "code": "invalid",
        "field": first["field"],
        "errors": fields,
    }


async def _answer(request: Request, exc: Exception) -> Response:
    match exc:
        case TwinweaveError():
            status, body = problem(exc)
            return JsonResponse(body, status_code=status)
        case RequestValidationError():
            return JsonResponse(invalid(exc.errors()), status_code=422)
        case HTTPException():
            body = {"error": str(exc.detail), "code": "http"}
            return JsonResponse(body, status_code=exc.status_code, headers=exc.headers)
        case _:
            raise exc
