"""Canonical JSON is RFC 8785's, and refuses what it cannot represent exactly."""

from __future__ import annotations

import hashlib

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from services.shared.canonical import (
    NotCanonicalisable,
    canonical_json,
    canonical_sha256,
    text_sha256,
)


def test_keys_sorted_by_utf16_and_no_whitespace() -> None:
    value = {"b": 1, "a": [True, None, "x"], "é": "ü", "\u20ac": 2, "\U0001f600": 3}
    assert canonical_json(value) == (
        '{"a":[true,null,"x"],"b":1,"é":"ü","€":2,"\U0001f600":3}'.encode()
    )


def test_rfc8785_string_escapes() -> None:
    assert canonical_json("\u0000\b\t\n\f\r\"\\/") == b'"\\u0000\\b\\t\\n\\f\\r\\"\\\\/"'


@pytest.mark.parametrize("bad", [1.5, 2**53, -(2**53), {"x": [0.1]}, {1: "a"}, b"bytes"])
def test_values_without_an_exact_form_are_refused(bad: object) -> None:
    with pytest.raises(NotCanonicalisable):
        canonical_json(bad)


def test_safe_integers_and_big_numbers_as_strings() -> None:
    assert canonical_json({"n": 2**53 - 1, "big": str(2**64)}) == (
        b'{"big":"18446744073709551616","n":9007199254740991}'
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
                      children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_fast_path_equals_the_reference_serializer(value: object) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@given(st.dictionaries(st.sampled_from(["\ue000", "\U0001f600", "a", "\uffff", "é"]),
                       st.integers(0, 9), min_size=2))
def test_keys_outside_ascii_sort_by_utf16_code_units(value: dict[str, int]) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


def test_text_hash_is_of_the_utf8_bytes_as_given() -> None:
    # the ledger's definition of reason_sha256: no JSON quotes, no trimming
    assert text_sha256("资料不全") == hashlib.sha256("资料不全".encode()).hexdigest()
    assert text_sha256("x") != canonical_sha256("x")
    assert text_sha256(" x") != text_sha256("x")
