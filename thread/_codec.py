"""Values on the wire: JSON that keeps each value's meaning, or refuses it, saying why.

What :func:`encode` does with the values JSON handles badly:

* ``Decimal`` in plain data is written as a JSON number with its exact decimal
  text (``Decimal("1E-7")`` as ``1E-7``, ``Decimal("0.10")`` as ``0.10``), never
  through a float. Inside a pydantic model it is written the way the model's own
  contract says, which for pydantic is a string holding the same exact text.
* NaN and the infinities (float or ``Decimal``) are refused: JSON has no token
  for them and orjson would write ``null`` without a word.
* Integers outside the 64-bit range (below -2**63 or above 2**64 - 1) are
  refused: orjson cannot write them, and the readers of other languages (and
  orjson itself, see :func:`decode`) would turn them into rounded floats.
* A ``datetime`` without a UTC offset is refused: a reader elsewhere could not
  tell which instant it names.
* ``None`` is written as ``null`` and a missing key stays missing.

Plain data costs orjson's own encoding plus one look for ``null`` in the result;
a pydantic model's JSON is also scanned for a long run of digits, ``NaN`` and a
datetime with no offset. Only when something is found is the data walked to
find the value and its path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from decimal import Decimal
from typing import Any

import orjson
import pydantic

from thread._errors import EncodingError

_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1
# Decimal exponents a reader can still parse as a finite double.
_EXPONENT_LIMIT = 308
# An ISO datetime string that ends without an offset, as pydantic writes one.
_NAIVE_DATETIME = re.compile(rb'T\d\d:\d\d(?::\d\d(?:\.\d+)?)?"')
# Turning every digit into 9 lets bytes.find spot a run of 19 digits (the
# shortest integer past the 64-bit range) in a fraction of a regex's time.
_DIGITS_AS_NINES = bytes.maketrans(b"0123456789", b"9999999999")
_LONG_RUN = b"9" * 19
# Datetimes come to _default, where one without an offset can be refused.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME
# Values that always keep their meaning: the walk skips them first.
_PLAIN = frozenset({str, bool})
_SCALARS = frozenset({int, float, Decimal, dt.datetime, dt.date, dt.time})


def encode(data: Any) -> bytes:
    """Encode message data (pydantic models included) as JSON bytes.

    Bytes are passed through as they are, already encoded.

    Raises:
        EncodingError: a value cannot be written without changing its meaning;
            the error names its JSON pointer and the reason.
    """
    if isinstance(data, bytes):
        return data
    if isinstance(data, pydantic.BaseModel):
        raw = data.model_dump_json().encode()
        if _suspect_model_json(raw):
            _refuse_changed_values(data)
        return raw
    try:
        raw = orjson.dumps(data, default=_default, option=_OPTIONS)
    except orjson.JSONEncodeError as exc:
        _refuse_changed_values(data)
        raise EncodingError("", str(exc)) from exc
    # orjson writes NaN and the infinities as null, without a word.
    if b"null" in raw:
        _refuse_changed_values(data)
    return raw


def decode(raw: bytes) -> Any:
    """Decode JSON message data, refusing integers no reader can hold exactly.

    orjson reads an integer past the 64-bit range as a rounded float; such a
    message is refused rather than read with another value.

    Raises:
        EncodingError: the bytes are not JSON, or hold such an integer.
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise EncodingError("", f"not JSON: {exc}") from exc
    if _has_long_run(raw):
        json.loads(raw, parse_int=_exact_int)
    return data


def _suspect_model_json(raw: bytes) -> bool:
    """Whether pydantic's JSON may hide a NaN, a big integer or a naive datetime."""
    return (
        b"null" in raw
        or b"NaN" in raw
        or b"Infinity" in raw
        or _has_long_run(raw)
        or _NAIVE_DATETIME.search(raw) is not None
    )


def _has_long_run(raw: bytes) -> bool:
    return raw.translate(_DIGITS_AS_NINES).find(_LONG_RUN) >= 0


def _exact_int(text: str) -> int:
    value = int(text)
    if not _INT_MIN <= value <= _INT_MAX:
        raise EncodingError("", f"integer {text} does not fit in 64 bits")
    return value


def _default(value: Any) -> Any:
    """Write the types orjson leaves to us; anything else is refused by orjson."""
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise TypeError("a datetime without a UTC offset")
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        if _decimal_problem(value) is not None:
            raise TypeError("a Decimal without a JSON form")
        return orjson.Fragment(str(value).encode())
    if isinstance(value, pydantic.BaseModel):
        return orjson.Fragment(value.model_dump_json().encode())
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _refuse_changed_values(data: Any) -> None:
    """Raise for a value that would not keep its meaning; else return."""
    found = _find(data)
    if found is not None:
        path, reason = found
        raise EncodingError(path, reason)


def _find(value: Any) -> tuple[str, str] | None:
    """The JSON pointer of the first troublesome value in ``value``, and why."""
    # Exact types first: the containers and numbers every message is made of
    # are checked without going through pydantic's costly isinstance.
    kind = type(value)
    if kind is dict or kind is list or kind is tuple:
        return _find_inside(value)
    if value is None or kind in _PLAIN:
        return None
    reason = _problem(value)
    if reason is not None:
        return "", reason
    if kind in _SCALARS:
        return None
    if isinstance(value, pydantic.BaseModel):
        return _find(value.model_dump(mode="python"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _find(dataclasses.asdict(value))
    if isinstance(value, dict | list | tuple):
        return _find_inside(value)
    return None


def _find_inside(
    value: dict[Any, Any] | list[Any] | tuple[Any, ...],
) -> tuple[str, str] | None:
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(value, dict) and not isinstance(key, str):
            return "", f"key {key!r} is not a string"
        found = _find(item)
        if found is not None:
            return f"/{_escape(str(key))}{found[0]}", found[1]
    return None


def _problem(value: Any) -> str | None:
    match value:
        case bool() | None | str():
            return None
        case float() if not math.isfinite(value):
            return f"{value} is not a number JSON can carry"
        case int() if not _INT_MIN <= value <= _INT_MAX:
            return (
                f"integer {value} does not fit in 64 bits; readers would round it "
                "(send it as a string)"
            )
        case Decimal():
            return _decimal_problem(value)
        case dt.datetime() if value.utcoffset() is None:
            return f"datetime {value.isoformat()} has no UTC offset"
        case _:
            return None


def _decimal_problem(value: Decimal) -> str | None:
    if not value.is_finite():
        return f"Decimal {value} is not a number JSON can carry"
    if abs(value.adjusted()) > _EXPONENT_LIMIT:
        return f"Decimal {value} is beyond what JSON readers parse as a number"
    return None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
