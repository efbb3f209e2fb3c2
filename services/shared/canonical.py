"""Canonical JSON (RFC 8785, JCS): the bytes that get hashed and signed.

JCS serialises numbers as IEEE 754 doubles, so an integer beyond 2**53 or a decimal
would not survive a round trip; such values must travel as strings, and
:func:`canonical_json` refuses them instead of silently rounding.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import rfc8785

MAX_SAFE_INTEGER = 2**53 - 1


class NotCanonicalisable(ValueError):
    """The value has no exact canonical JSON form (a float, a huge integer...)."""


def _check(value: Any, path: str) -> bool:
    """Refuse what has no exact form; True when every object key is ASCII."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise NotCanonicalisable(f"{path}: integer beyond 2**53; send it as a string")
        return True
    if isinstance(value, float):
        raise NotCanonicalisable(f"{path}: floating-point number; send it as a string")
    if isinstance(value, dict):
        ascii_keys = True
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonicalisable(f"{path}: object keys must be strings")
            ascii_keys = _check(item, f"{path}.{key}") and ascii_keys and key.isascii()
        return ascii_keys
    if isinstance(value, list | tuple):
        ascii_keys = True
        for i, item in enumerate(value):
            ascii_keys = _check(item, f"{path}[{i}]") and ascii_keys
        return ascii_keys
    raise NotCanonicalisable(f"{path}: {type(value).__name__} is not JSON")


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value`` (integers, strings, no floats)."""
    if _check(value, "$"):
        # With only safe integers and ASCII keys, the standard library's sorted, compact,
        # non-ASCII-preserving output is byte for byte RFC 8785 (code-point order equals
        # UTF-16 order for ASCII keys; escapes match ECMAScript's), and several times
        # faster than the general serializer.
        try:
            return json.dumps(
                value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode()
        except UnicodeEncodeError as exc:
            raise NotCanonicalisable(f"$: string is not valid Unicode ({exc.reason})") from exc
    return rfc8785.dumps(value)


def canonical_sha256(value: Any) -> str:
    """Hex SHA-256 of the canonical form of ``value``."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of ``text`` exactly as given: how every ledger payload
    records free text (a reason, a statement, a ruling) without holding the text itself."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
