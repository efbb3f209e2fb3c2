"""PII detection: ID check digits, Luhn, mobiles, e-mails, names, and SQL/Python agreement."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.catalog.analysis.pii import (
    PiiKind,
    bank_card_sql,
    classify_value,
    find_pii_spans,
    is_bank_card,
    is_email,
    is_mobile,
    is_person_name_header,
    is_resident_id_header,
    is_valid_resident_id,
    looks_like_person_name,
    luhn_valid,
    resident_id_sql,
)
from tests.catalog.analysis.reference_checksums import (
    iso7064_mod11_2_check,
    luhn_complete,
    make_resident_id,
    wrong_check_char,
)

TODAY = date(2024, 6, 1)


class TestResidentId:
    def test_valid_ids_with_digit_and_x_check_characters(self) -> None:
        ids = [make_resident_id("110101", "19900307", f"{n:03d}") for n in range(40)]
        assert any(i.endswith("X") for i in ids)
        assert all(is_valid_resident_id(i, today=TODAY) for i in ids)
        assert is_valid_resident_id(ids[0].lower(), today=TODAY)

    def test_wrong_check_digit_is_not_an_id(self) -> None:
        valid = make_resident_id("440305", "19851231", "042")
        assert not is_valid_resident_id(wrong_check_char(valid), today=TODAY)

    @pytest.mark.parametrize(
        "birth", ["19900230", "19901301", "18991231", "20240602", "19000100"]
    )
    def test_impossible_or_implausible_birth_dates_are_rejected(self, birth: str) -> None:
        assert not is_valid_resident_id(make_resident_id("310104", birth, "001"), today=TODAY)

    def test_leap_day_is_a_real_birth_date(self) -> None:
        assert is_valid_resident_id(make_resident_id("310104", "20000229", "001"), today=TODAY)
        assert not is_valid_resident_id(make_resident_id("310104", "19000229", "001"), today=TODAY)

    @pytest.mark.parametrize(
        "value", ["11010119900307123", "1101011990030712345", "A10101199003071233", ""]
    )
    def test_wrong_shapes(self, value: str) -> None:
        assert not is_valid_resident_id(value, today=TODAY)


class TestBankCard:
    def test_luhn_valid_and_invalid(self) -> None:
        assert luhn_valid("4111111111111111")
        assert not luhn_valid("4111111111111112")
        card = luhn_complete("622202083863794")
        assert is_bank_card(card)
        broken = card[:-1] + str((int(card[-1]) + 1) % 10)
        assert not is_bank_card(broken)

    def test_length_limits(self) -> None:
        assert not is_bank_card(luhn_complete("41111111111"))
        assert is_bank_card(luhn_complete("411111111111"))
        assert is_bank_card(luhn_complete("411111111111111111"))
        assert not is_bank_card(luhn_complete("4111111111111111111"))

    def test_a_valid_id_number_is_not_a_bank_card(self) -> None:
        for n in range(200):
            resident_id = make_resident_id("110101", "19900307", f"{n:03d}")
            if resident_id[-1] != "X" and luhn_valid(resident_id):
                assert classify_value(resident_id, today=TODAY) is PiiKind.RESIDENT_ID
                assert not is_bank_card(resident_id, today=TODAY)
                return
        pytest.fail("no Luhn-valid ID number among the candidates")


class TestMobileEmailNames:
    @pytest.mark.parametrize("value", ["13812345678", "19912345678", "+8613812345678"])
    def test_mobiles(self, value: str) -> None:
        assert is_mobile(value)

    @pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "010-12345678"])
    def test_not_mobiles(self, value: str) -> None:
        assert not is_mobile(value)

    def test_emails(self) -> None:
        assert is_email("zhang.san+tag@example.com.cn")
        assert not is_email("zhang.san@localhost")
        assert not is_email("not an email")

    @pytest.mark.parametrize(
        "header",
        ["姓名", "名字", "name", "Full Name", "full_name", "contact_person", "联系人", "患者姓名"],
    )
    def test_name_headers(self, header: str) -> None:
        assert is_person_name_header(header)

    @pytest.mark.parametrize("header", ["company_name", "file_name", "名称", "city", "product"])
    def test_not_name_headers(self, header: str) -> None:
        assert not is_person_name_header(header)

    def test_name_shapes(self) -> None:
        assert looks_like_person_name("张三")
        assert looks_like_person_name("欧阳娜娜")
        assert looks_like_person_name("买买提·艾力")
        assert looks_like_person_name("John Smith")
        assert not looks_like_person_name("北京市海淀区中关村大街")
        assert not looks_like_person_name("john")

    def test_id_headers(self) -> None:
        assert is_resident_id_header("身份证号")
        assert is_resident_id_header("id_card")
        assert not is_resident_id_header("record_id")


class TestFindSpans:
    def test_finds_each_kind_inside_text(self) -> None:
        resident_id = make_resident_id("110101", "19900307", "123")
        card = luhn_complete("622202083863794")
        text = f"身份证{resident_id}，电话13812345678，邮箱 zhang@example.com，卡号 {card}。"
        kinds = [span.kind for span in find_pii_spans(text, today=TODAY)]
        assert kinds == [PiiKind.RESIDENT_ID, PiiKind.MOBILE, PiiKind.EMAIL, PiiKind.BANK_CARD]

    def test_digits_inside_longer_numbers_are_not_mobiles(self) -> None:
        assert find_pii_spans("order 9913812345678 and 138123456789", today=TODAY) == []


def _sql_results(values: list[str], expression: str) -> list[bool]:
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT {expression} FROM (SELECT x FROM unnest(?) AS t(x))", [values]
        ).fetchall()
        return [bool(r[0]) for r in rows]
    finally:
        con.close()


class TestSqlAgreesWithPython:
    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["110101", "310104", "440305", "510107"]),
                st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 12, 31)),
                st.integers(min_value=0, max_value=999),
                st.sampled_from(["right", "wrong", "lower"]),
            ),
            min_size=1,
            max_size=30,
        )
    )
    def test_resident_id(self, items: list[tuple[str, date, int, str]]) -> None:
        values = []
        for area, birth, sequence, variant in items:
            first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
            value = first17 + iso7064_mod11_2_check(first17)
            if variant == "wrong":
                value = wrong_check_char(value)
            elif variant == "lower":
                value = value.lower()
            values.append(value)
        expected = [is_valid_resident_id(v, today=TODAY) for v in values]
        assert _sql_results(values, resident_id_sql("x", today=TODAY)) == expected

    @settings(max_examples=25, deadline=None)
    @given(st.lists(st.from_regex(r"[0-9]{12,20}", fullmatch=True), min_size=1, max_size=30))
    def test_bank_card(self, values: list[str]) -> None:
        expected = [is_bank_card(v, today=TODAY) for v in values]
        assert _sql_results(values, bank_card_sql("x", today=TODAY)) == expected
