"""Masking rules for the sample rows, exactly as the catalog shows them."""

from __future__ import annotations

from datetime import date

import pytest

from services.catalog.analysis.masking import (
    mask_bank_card,
    mask_email,
    mask_mobile,
    mask_person_name,
    mask_resident_id,
    mask_rows,
    mask_text,
    mask_value,
)
from services.catalog.analysis.pii import PiiKind
from tests.catalog.analysis.reference_checksums import luhn_complete, make_resident_id


def test_resident_id_keeps_first_three_and_last_four() -> None:
    assert mask_resident_id("110101199003071234") == "110***********1234"
    assert mask_resident_id("11010119900307123X") == "110***********123X"


def test_mobile_keeps_first_three_and_last_four() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("+8613812345678") == "+86138****5678"


def test_email_keeps_first_character_and_domain() -> None:
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_email("z@example.com") == "z***@example.com"


def test_bank_card_keeps_last_four() -> None:
    assert mask_bank_card("6222020838637947") == "************7947"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("买买提·艾力", "买**·**"),
        ("John Smith", "J*** S****"),
    ],
)
def test_person_name_keeps_family_name(name: str, masked: str) -> None:
    assert mask_person_name(name) == masked


def test_flagged_column_masks_even_invalid_values() -> None:
    assert mask_value(PiiKind.RESIDENT_ID, "110101199003071230") == "110***********1230"
    assert mask_value(PiiKind.MOBILE, " 13812345678 ") == "138****5678"


def test_value_level_masking_inside_text() -> None:
    resident_id = make_resident_id("110101", "19900307", "123")
    card = luhn_complete("622202083863794")
    text = f"张先生 {resident_id} 电话13812345678 邮箱zs@example.com 卡{card}"
    expected = (
        f"张先生 110***********{resident_id[-4:]} 电话138****5678 邮箱z***@example.com "
        f"卡{'*' * 12}{card[-4:]}"
    )
    assert mask_text(text, today=date(2024, 1, 1)) == expected


def test_invalid_id_inside_text_is_left_alone() -> None:
    valid = make_resident_id("110101", "19900307", "123")
    invalid = valid[:17] + ("0" if valid[17] != "0" else "1")
    assert mask_text(f"号码 {invalid}", today=date(2024, 1, 1)).endswith(invalid[-6:])


def test_mask_rows_combines_both_rules() -> None:
    rows = [{"姓名": "李四", "备注": "电话 13912345678", "城市": "北京", "空": None}]
    masked = mask_rows(rows, flagged={"姓名": PiiKind.PERSON_NAME})
    assert masked == [{"姓名": "李*", "备注": "电话 139****5678", "城市": "北京", "空": None}]
