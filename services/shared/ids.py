"""Identifiers: a short type prefix, then a time-ordered random part.

Ids sort by creation time (48-bit millisecond timestamp first), which keeps index
locality and makes them usable as stable pagination cursors; 80 random bits make
them unguessable.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """A new id such as ``org_01jd4z7k2m9q8w3e5r6t7y8u9i``: prefix, time, randomness."""
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{_encode(millis, 10)}{_encode(secrets.randbits(80), 16)}"
