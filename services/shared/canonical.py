"""Canonical JSON (RFC 8785, JCS): the bytes that get hashed and signed.

JCS serialises numbers as IEEE 754 doubles, so an integer beyond 2**53 or a decimal
would not survive a round trip; such values must travel as strings, and
:func:`canonical_json` refuses them instead of silently rounding.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

MAX_SAFE_INTEGER = 2**53 - 1


class NotCanonicalisable(ValueError):
    """The value has no exact canonical JSON form (a float, a huge integer...)."""


def _check(value: Any, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise NotCanonicalisable(f"{path}: integer beyond 2**53; send it as a string")
        return
    if isinstance(value, float):
        raise NotCanonicalisable(f"{path}: floating-point number; send it as a string")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonicalisable(f"{path}: object keys must be strings")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    raise NotCanonicalisable(f"{path}: {type(value).__name__} is not JSON")


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value`` (integers, strings, no floats)."""
    _check(value, "$")
    return rfc8785.dumps(value)


def canonical_sha256(value: Any) -> str:
    """Hex SHA-256 of the canonical form of ``value``."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
