"""Unified social credit codes: real codes pass, each kind of mistake is named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.exchange.identity.credit_code import InvalidCreditCode, normalise_credit_code

# Independent of the implementation: GB 32100's alphabet and weights written out again.
CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def reference_check(first17: str) -> str:
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(CHARS.index(c) * w for c, w in zip(first17, weights))
    return CHARS[(31 - total % 31) % 31]


REAL_CODES = [
    "91110108551385082Q",
    "914403001922038216",
    "91350100M000100Y43",
    "91330100716105852F",
    "12100000400000624D",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code: str) -> None:
    assert normalise_credit_code(code) == code


def test_lower_case_and_blanks_are_normalised() -> None:
    assert normalise_credit_code("  91350100m000100y43 ") == "91350100M000100Y43"


@given(
    st.sampled_from("123456789ANY"),
    st.text(alphabet=CHARS, min_size=1, max_size=1),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARS, min_size=9, max_size=9),
)
def test_any_code_with_the_right_check_character_is_accepted(
    authority: str, kind: str, division: str, org: str
) -> None:
    first17 = authority + kind + division + org
    assert normalise_credit_code(first17 + reference_check(first17)) == first17 + reference_check(
        first17
    )


@given(st.sampled_from(REAL_CODES), st.sampled_from(CHARS))
def test_any_other_check_character_is_rejected(code: str, wrong: str) -> None:
    if wrong == code[17]:
        return
    with pytest.raises(InvalidCreditCode) as err:
        normalise_credit_code(code[:17] + wrong)
    assert err.value.reason == "check-character"


@pytest.mark.parametrize(
    ("code", "reason", "words"),
    [
        ("91350100M000100Y4", "length", "18 characters"),
        ("91350100M000100Y433", "length", "18 characters"),
        ("", "length", "18 characters"),
        ("91350100M000100O43", "character", "'O'"),
        ("91350100M00010IY43", "character", "'I'"),
        ("9135010OM000100Y43", "character", "'O'"),
        ("B1350100M000100Y43", "authority", "registration-authority"),
        ("913501A0M000100Y43", "division", "administrative division"),
        ("91350100M000100Y44", "check-character", "'3'"),
    ],
)
def test_each_kind_of_invalid_code_is_named(code: str, reason: str, words: str) -> None:
    with pytest.raises(InvalidCreditCode) as err:
        normalise_credit_code(code)
    assert err.value.reason == reason
    assert words in err.value.detail
