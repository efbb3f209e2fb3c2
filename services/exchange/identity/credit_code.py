"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Eighteen characters from a 31-character alphabet (digits and capitals without I, O,
S, V, Z): a registration-authority code, an organisation-type code, a six-digit
administrative division, a nine-character organisation code, and a check character
computed with weights 3^i mod 31.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authorities named by GB 32100 (机构编制, 外交, 司法行政, 文化, 民政, 旅游,
# 宗教, 工会, 市场监管, 中央军委改革和编制办公室, 农业, 其他).
AUTHORITIES = frozenset("123456789ANY")


class InvalidCreditCode(ValueError):
    """The code is not a valid unified social credit code; ``reason`` says how."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def check_character(first17: str) -> str:
    """The check character for the first seventeen characters of a code."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(raw: str) -> str:
    """The code in upper case without surrounding blanks, if valid; else
    :class:`InvalidCreditCode` naming what is wrong."""
    code = raw.strip().upper()
    if len(code) != 18:
        raise InvalidCreditCode(
            "length", f"a unified social credit code has 18 characters, this one has {len(code)}"
        )
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise InvalidCreditCode(
            "character",
            f"characters {', '.join(repr(c) for c in bad)} are not allowed "
            "(digits and capital letters except I, O, S, V, Z)",
        )
    if code[0] not in AUTHORITIES:
        raise InvalidCreditCode(
            "authority", f"{code[0]!r} is not a registration-authority code of GB 32100"
        )
    if not code[2:8].isdigit():
        raise InvalidCreditCode(
            "division", "characters 3 to 8 must be a six-digit administrative division code"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(
            "check-character",
            f"check character is {code[17]!r} but the first 17 characters give {expected!r}",
        )
    return code
