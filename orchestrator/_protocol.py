"""The orchestrator's queries on the wire: subjects, envelopes, answers and errors.

A query is a request on ``<prefix>.service.orchestrator.<query>`` whose body is
JSON and whose CloudEvents envelope travels in the headers, like every message on
the thread. The answer is ``{"ok": true, "result": ...}`` or ``{"ok": false,
"error": "<one readable line>", "code": ...}`` with the data a client needs to
raise the same error again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from orchestrator._scenario import Scenario
from thread import (
    ConfigurationError,
    Contracts,
    Envelope,
    QueryRejectedError,
    SchemaRef,
    Subjects,
    TwinweaveError,
    UnknownTwinError,
    check_token,
)

SERVICE = "orchestrator"
QUERIES = ("status", "graph", "impact", "exposure", "propagate", "whatif")
_TYPE = "io.twinweave.orchestrator"


def query_subject(subjects: Subjects, query: str) -> str:
    """The subject a query is asked on, e.g. ``tw.service.orchestrator.status``."""
    return f"{subjects.service(SERVICE)}.{check_token(query, 'query name')}"


def queries_pattern(subjects: Subjects) -> str:
    """The wildcard subject the orchestrator answers on."""
    return f"{subjects.service(SERVICE)}.*"


def query_envelope(query: str, source: str) -> Envelope:
    """The envelope of a query sent by ``source``."""
    return Envelope(source=source, type=f"{_TYPE}.query.{query}")


def answer_envelope(request: Envelope | None, query: str) -> Envelope:
    """The envelope of the answer to ``request``, in the same conversation."""
    kind = f"{_TYPE}.answer.{query}"
    source = f"/{SERVICE}"
    if request is None:
        return Envelope(source=source, type=kind)
    return request.caused(source, kind)


def ok_answer(result: Any) -> dict[str, Any]:
    """A successful answer."""
    return {"ok": True, "result": result}


def error_answer(exc: TwinweaveError) -> dict[str, Any]:
    """A failed answer, with what :func:`raise_for_answer` needs to rebuild it."""
    answer: dict[str, Any] = {"ok": False, "error": str(exc)}
    match exc:
        case UnknownTwinError():
            answer.update(code="unknown_twin", twin_id=exc.twin_id, known=exc.known)
        case ConfigurationError():
            answer.update(code="bad_request", setting=exc.setting, reason=exc.reason)
        case _:
            answer.update(code="failed")
    return answer


def raise_for_answer(query: str, answer: Any) -> Any:
    """The result of an answer, or the error it carries raised again.

    Raises:
        UnknownTwinError: the query named a twin the orchestrator does not know.
        ConfigurationError: the query's arguments were not usable.
        QueryRejectedError: the orchestrator failed otherwise, or answered
            something that is not an answer.
    """
    match answer:
        case {"ok": True, "result": result}:
            return result
        case {"ok": False, "code": "unknown_twin", "twin_id": str(t), "known": [*k]}:
            raise UnknownTwinError(t, [str(known) for known in k])
        case {"ok": False, "code": "bad_request", "setting": str(s), "reason": str(r)}:
            raise ConfigurationError(s, r)
        case {"ok": False, "error": str(error)}:
            raise QueryRejectedError(SERVICE, query, error)
        case _:
            raise QueryRejectedError(SERVICE, query, "the answer is not understood")


def latest_contract(contracts: Contracts, kinds: list[str], message: str) -> SchemaRef:
    """The latest version of ``message`` among the first of ``kinds`` that has it.

    Raises:
        ConfigurationError: none of ``kinds`` has a contract for ``message``.
    """
    for kind in kinds:
        versions = [
            r for r in contracts.refs() if (r.kind, r.message) == (kind, message)
        ]
        if versions:
            return max(versions, key=_semver)
    raise ConfigurationError(message, f"no contract for it among {', '.join(kinds)}")


def _semver(ref: SchemaRef) -> tuple[int, ...]:
    return tuple(int(part) for part in ref.version.split("."))


def body_of(raw: bytes) -> Mapping[str, Any]:
    """The JSON object of a query body (an empty body is an empty object).

    Raises:
        ConfigurationError: the body is not a JSON object.
    """
    if not raw:
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ConfigurationError("query body", f"not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ConfigurationError("query body", "must be a JSON object")
    return body


def scenario_in(body: Mapping[str, Any], query: str) -> Scenario | None:
    """The scenario a query body carries under ``scenario``, if any.

    Raises:
        ConfigurationError: it is not a valid scenario (the error names the
            field, e.g. ``scenario: disruptions[0].share``).
    """
    data = body.get("scenario")
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise ConfigurationError(query, '"scenario" must be a scenario object')
    return Scenario.from_data(data, where="scenario")


def number_in(
    body: Mapping[str, Any], key: str, query: str, *, whole: bool = False
) -> float | None:
    """An optional number of a query body (a whole one with ``whole``).

    Raises:
        ConfigurationError: it is there but not a number.
    """
    value = body.get(key)
    if value is None:
        return None
    wanted = int if whole else int | float
    if isinstance(value, bool) or not isinstance(value, wanted):
        kind = "a whole number" if whole else "a number"
        raise ConfigurationError(query, f'"{key}" must be {kind}, not {value!r}')
    return value
