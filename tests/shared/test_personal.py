"""The ledger's personal-information guard: real personal data is refused wherever it
sits in a payload; hashes and ids, whatever digits they happen to hold, are not."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import MetaData, create_engine, func, select
from sqlalchemy.orm import Session

from services.shared.outbox import Outbox, ledger_keyring, outbox_table
from services.shared.personal import PersonalInformation, check_payload, personal_information
from services.shared.settings import ServiceSettings

# A SHA-256 digest holding an 11-digit run that starts like a mobile number.
DIGEST_WITH_DIGITS = "ab" + "13812345678" + "cd" * 25 + "e"


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ({"buyer": "11010519491231002X"}, "resident ID"),
        ({"buyer": {"id": "身份证 11010519491231002x 已核验"}}, "resident ID"),
        ({"phone": "13800138000"}, "mobile"),
        ({"notes": ["call 13800138000 today"]}, "mobile"),
        ({"contact": "电话:13800138000"}, "mobile"),
        ({"mail": "a.b@example.cn"}, "e-mail"),
    ],
)
def test_personal_information_is_found(payload: dict[str, object], kind: str) -> None:
    found = personal_information(payload)
    assert found is not None and kind in found
    with pytest.raises(PersonalInformation):
        check_payload(payload)


@pytest.mark.parametrize(
    "payload",
    [
        {"sha256": DIGEST_WITH_DIGITS},
        {"file": "file_13800138000abc"},
        {"credit_code": "91330100716105852F"},
        {"id_like": "110105194912310021"},  # wrong check character: not a resident ID
        {"amount_fen": 13800138000},
        {"count": "138001380001"},  # twelve digits: not a mobile number
    ],
)
def test_ids_hashes_and_amounts_pass(payload: dict[str, object]) -> None:
    assert len(DIGEST_WITH_DIGITS) == 64
    assert personal_information(payload) is None


@given(st.binary(min_size=0, max_size=64))
def test_no_sha256_digest_is_personal(data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    assert personal_information({"sha256": digest, "evt": f"evt_{digest[:32]}"}) is None


def test_the_outbox_refuses_personal_information_and_keeps_nothing(tmp_path: Path) -> None:
    metadata = MetaData()
    table = outbox_table(metadata, "test_outbox")
    engine = create_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    metadata.create_all(engine)
    keys = ledger_keyring(ServiceSettings(var_dir=tmp_path), "catalog")
    outbox = Outbox(table, source="catalog", keys=keys)
    with Session(engine) as session:
        outbox.record(session, type="file.added", actor="usr_1", subject="ds_1",
                      payload={"sha256": DIGEST_WITH_DIGITS})
        with pytest.raises(PersonalInformation, match=r"payload\.buyer\.phone"):
            outbox.record(session, type="order.created", actor="usr_1", subject="ord_1",
                          payload={"buyer": {"phone": "13800138000"}})
        session.commit()
        assert session.scalar(select(func.count()).select_from(table)) == 1
    engine.dispose()
