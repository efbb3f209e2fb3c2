"""An entry's canonical bytes built from its record's canonical text are exactly those of
the whole body serialised by RFC 8785."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.audit.ledger.entry import seal, seal_text
from services.shared.canonical import canonical_json

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(st.characters(exclude_categories=("Cs",)), max_size=6),
                      inner, max_size=4),
    max_leaves=12,
)
ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)


@given(
    payload=st.dictionaries(st.text(st.characters(exclude_categories=("Cs",)), max_size=6),
                            json_value, max_size=5),
    seq=st.integers(0, 2**53 - 1),
    kid=ascii_text,
    signature=ascii_text,
    subject=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=10),
)
def test_seal_text_is_the_canonical_body(payload: dict[str, object], seq: int, kid: str,
                                         signature: str, subject: str) -> None:
    record = {"event_id": "evt_1", "type": "dataset.listed", "source": "catalog",
              "actor": "usr_1", "subject": subject, "occurred_at": "2026-11-29T08:00:00Z",
              "payload": payload}
    record_text = canonical_json(record).decode()
    sealed = seal(seq=seq, record=record, kid=kid, signature=signature,
                  recorded_at="2026-11-29T08:00:01.000001Z", prev_hash="ab" * 32)
    data, entry_hash, leaf = seal_text(seq=seq, record_text=record_text, kid=kid,
                                       signature=signature,
                                       recorded_at="2026-11-29T08:00:01.000001Z",
                                       prev_hash="ab" * 32)
    assert data == sealed.data == canonical_json(sealed.body)
    assert entry_hash == sealed.entry_hash == hashlib.sha256(data).hexdigest()
    assert leaf == sealed.leaf


def test_non_ascii_keys_and_escapes() -> None:
    # Non-ASCII keys send canonical_json down the general serializer; control
    # characters, quotes and backslashes must be escaped the same way.
    record = {"event_id": "e", "type": "t", "source": "s", "actor": "a",
              "subject": "数据\u2028\"\\\x01", "occurred_at": "2026-11-29T08:00:00Z",
              "payload": {"é": 1, "\U0001f600": [1, "x"], "z": {"数": None}}}
    text = canonical_json(record).decode()
    sealed = seal(seq=7, record=record, kid="k\"", signature="s\\", recorded_at="r",
                  prev_hash="0" * 64)
    assert seal_text(seq=7, record_text=text, kid="k\"", signature="s\\", recorded_at="r",
                     prev_hash="0" * 64)[0] == sealed.data


def test_sequence_numbers_stay_exact() -> None:
    with pytest.raises(ValueError):
        seal_text(seq=2**53, record_text="{}", kid="k", signature="s", recorded_at="r",
                  prev_hash="0" * 64)


def test_the_hand_written_entry_columns_are_the_tables() -> None:
    """The PostgreSQL write path (pipeline and COPY) names ledger_entries' columns itself."""
    from services.audit.ledger.repository import ENTRY_COLUMNS
    from services.audit.ledger.tables import LedgerEntry

    assert sorted(ENTRY_COLUMNS) == sorted(LedgerEntry.__table__.columns.keys())
