"""Masking of personal information in the sample rows a buyer sees before ordering.

Rules (the stars replace characters one for one, except in e-mail addresses):

* resident ID number: first 3 and last 4 characters kept, ``110***********1234``;
* mobile number: first 3 and last 4 digits kept, ``138****5678`` (a ``+86`` prefix stays);
* e-mail address: first character and the domain kept, ``z***@example.com``;
* bank card number: last 4 digits kept, ``************1234``;
* person name: the family name kept, ``张*``, ``张**``, ``欧阳**``; Latin names keep initials.

In a column flagged as a whole, every non-null value is masked with its kind's rule, even
one that failed validation (a mistyped ID number is still someone's ID number). In every
other column, PII found inside a value by pattern is masked where it stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from services.catalog.analysis.pii import PiiKind, find_pii_spans

COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "百里", "呼延", "南宫", "西门",
        "独孤", "申屠", "太史", "闻人", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于",
    }
)
_MOBILE_CORE_RE = re.compile(r"1[3-9][0-9]{9}$")
_HAN_RE = re.compile(r"[㐀-鿿]")


def _stars(count: int) -> str:
    return "*" * max(count, 0)


def _mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    if len(value) <= keep_start + keep_end:
        return _stars(len(value))
    end = len(value) - keep_end
    return value[:keep_start] + _stars(end - keep_start) + value[end:]


def mask_resident_id(value: str) -> str:
    """Mask an ID number, keeping its first 3 and last 4 characters."""
    return _mask_middle(value, 3, 4)


def mask_mobile(value: str) -> str:
    """Mask a mobile number, keeping its first 3 and last 4 digits and any +86 prefix."""
    core = _MOBILE_CORE_RE.search(value)
    if core is None:
        return _mask_middle(value, 3, 4)
    return value[: core.start()] + _mask_middle(core.group(), 3, 4)


def mask_email(value: str) -> str:
    """Mask an e-mail address, keeping the first character and the domain."""
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return _mask_middle(value, 1, 0)
    return f"{local[0]}***@{domain}"


def mask_bank_card(value: str) -> str:
    """Mask a bank card number, keeping its last 4 digits."""
    return _mask_middle(value, 0, 4)


def mask_person_name(value: str) -> str:
    """Mask a person's name, keeping the family name (or the initials of a Latin name)."""
    if _HAN_RE.match(value):
        family = 2 if value[:2] in COMPOUND_SURNAMES and len(value) > 2 else 1
        return value[:family] + "".join(
            char if char in "·•" else "*" for char in value[family:]
        )
    return " ".join(_mask_middle(word, 1, 0) for word in value.split(" "))


_MASKERS = {
    PiiKind.RESIDENT_ID: mask_resident_id,
    PiiKind.MOBILE: mask_mobile,
    PiiKind.EMAIL: mask_email,
    PiiKind.BANK_CARD: mask_bank_card,
    PiiKind.PERSON_NAME: mask_person_name,
}


def mask_value(kind: PiiKind, value: str) -> str:
    """Mask a whole value that is (or sits in a column of) the given kind of PII."""
    stripped = value.strip()
    if not stripped:
        return value
    return _MASKERS[kind](stripped)


def mask_text(text: str, *, today: date | None = None) -> str:
    """Mask every ID number, bank card, mobile and e-mail found inside a free text."""
    spans = find_pii_spans(text, today=today)
    if not spans:
        return text
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        pieces.append(text[cursor : span.start])
        pieces.append(_MASKERS[span.kind](text[span.start : span.end]))
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def mask_rows(
    rows: Sequence[Mapping[str, str | None]],
    *,
    flagged: Mapping[str, PiiKind],
    today: date | None = None,
) -> list[dict[str, str | None]]:
    """Mask sample rows: whole values in flagged columns, found PII in every other column."""
    masked: list[dict[str, str | None]] = []
    for row in rows:
        out: dict[str, str | None] = {}
        for column, value in row.items():
            if value is None:
                out[column] = None
            elif column in flagged:
                out[column] = mask_value(flagged[column], value)
            else:
                out[column] = mask_text(value, today=today)
        masked.append(out)
    return masked
