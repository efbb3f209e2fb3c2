"""The guard that keeps personal information out of ledger payloads.

Ledger payloads carry ids and hashes only. Both ends apply this one guard: the emitting
service when it writes an event to its outbox (so a bad event fails the change that
made it, instead of blocking the outbox at delivery), and the audit service on ingest.

A value counts as personal when it holds a mainland resident ID number (a plausible
birth date and a valid check character), a mobile number or an e-mail address, each
standing alone: digits inside a longer run of letters and digits, such as a SHA-256
digest or an id, are not a phone number.
"""

from __future__ import annotations

import re
from typing import Any

_RESIDENT_ID = re.compile(
    r"(?<![0-9A-Za-z])(\d{6})((?:19|20)\d{2})(\d{2})(\d{2})\d{3}[\dXx](?![0-9A-Za-z])"
)
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK_CHARS = "10X98765432"
_PERSONAL = (
    ("mobile number", re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")),
    ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
)


class PersonalInformation(ValueError):
    """A ledger payload holds personal information; ``str()`` says where and what."""


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    pairs = zip(first17, RESIDENT_ID_WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in pairs)
    return RESIDENT_ID_CHECK_CHARS[total % 11]


def _is_resident_id(match: re.Match[str]) -> bool:
    """An 18-character mainland ID with a plausible birth date and a valid ISO 7064
    MOD 11-2 check character (so credit codes and other long numbers pass)."""
    text = match.group(0)
    month, day = int(match.group(3)), int(match.group(4))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return resident_id_check_char(text[:17]) == text[17].upper()


def personal_information(value: Any, path: str = "payload") -> str | None:
    """Where ``value`` (a JSON value) holds personal information and what kind, or None."""
    if isinstance(value, str):
        if any(_is_resident_id(m) for m in _RESIDENT_ID.finditer(value)):
            return f"{path} looks like a resident ID number"
        for label, pattern in _PERSONAL:
            if pattern.search(value):
                return f"{path} looks like a {label}"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = personal_information(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = personal_information(item, f"{path}[{i}]")
            if found:
                return found
    return None


def check_payload(payload: dict[str, Any]) -> None:
    """Raise :class:`PersonalInformation` if the payload holds personal information."""
    found = personal_information(payload)
    if found:
        raise PersonalInformation(f"{found}; ledger payloads carry ids and hashes only")
