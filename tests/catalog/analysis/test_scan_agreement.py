"""The vectorised scan of a whole file agrees with the Python rules value by value.

The main pass classifies every value in SQL behind cheap gates (byte length, a
character, a run of digits) and computes check digits arithmetically; these tests feed
it values of every shape, right and wrong, and compare its counts with what the Python
validators say about the same values.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.catalog.analysis import AnalysisOptions, FileAnalysis, PiiKind, analyze_file
from services.catalog.analysis.pii import classify_value, find_pii_spans, looks_like_person_name
from tests.catalog.analysis.reference_checksums import (
    iso7064_mod11_2_check,
    luhn_complete,
    wrong_check_char,
)

NOW = datetime(2024, 6, 1, tzinfo=UTC)
TODAY = NOW.date()
OPTIONS = AnalysisOptions(sample_rows=0, exact_max_rows=0)
SCAN_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _resident_id(area: str, birth: date, sequence: int, variant: str) -> str:
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    value = first17 + iso7064_mod11_2_check(first17)
    if variant == "wrong":
        return wrong_check_char(value)
    if variant == "lower":
        return value.lower()
    return value


resident_ids = st.builds(
    _resident_id,
    st.sampled_from(["110101", "310104", "440305", "510107"]),
    st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["right", "right", "wrong", "lower"]),
)
cards = st.builds(
    lambda prefix, broken: (
        luhn_complete(prefix)[:-1] + str((int(luhn_complete(prefix)[-1]) + 1) % 10)
        if broken
        else luhn_complete(prefix)
    ),
    st.from_regex(r"[1-9][0-9]{11,17}", fullmatch=True),
    st.booleans(),
)
mobiles = st.from_regex(r"(\+86)?1[2-9][0-9]{9}", fullmatch=True)
emails = st.sampled_from(
    ["a.b@example.com", "zhang+tag@mail.example.cn", "x@localhost", "a@b.cn", "@example.com"]
)
digit_runs = st.from_regex(r"[0-9]{8,20}", fullmatch=True)
texts = st.sampled_from(
    ["", "材料齐全", "北京市海淀区中关村大街123号12栋1234室", "BJ2024-00000001", "tel", " "]
)
whole_values = st.one_of(resident_ids, cards, mobiles, emails, digit_runs, texts)
# Inside a text the scan counts each kind it finds, where the Python spans give an overlap
# to the first kind: "+8613812345678" is a mobile to the scan, but a bank card to the spans
# when its 13 digits pass Luhn. Embedded mobiles here keep "+86" apart from the number.
embedded_mobiles = st.from_regex(r"(\+86[- ])?1[2-9][0-9]{9}", fullmatch=True)
embedded_values = st.builds(
    lambda before, inside, after: f"{before} {inside} {after}".strip(),
    st.sampled_from(["联系", "电话", "note:", "卡号", "邮箱"]),
    st.one_of(resident_ids, cards, embedded_mobiles, emails, digit_runs),
    st.sampled_from(["", "。", "谢谢", "x"]),
)


def _analyse(tmp_path: Path, header: str, values: list[str]) -> FileAnalysis:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header, "row"])
    for number, value in enumerate(values):
        writer.writerow([value, number])
    path = tmp_path / "values.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return analyze_file(
        path,
        file_format="csv",
        columns=[{"name": header, "type": "string"}, {"name": "row", "type": "integer"}],
        now=NOW,
        options=OPTIONS,
    )


def _counts(result: FileAnalysis, column: str) -> tuple[Counter[PiiKind], Counter[PiiKind]]:
    whole: Counter[PiiKind] = Counter()
    embedded: Counter[PiiKind] = Counter()
    for finding in result.pii:
        if finding.column == column:
            whole[finding.kind] = finding.whole_value_count
            embedded[finding.kind] = finding.embedded_count
    return +whole, +embedded


def _expected(values: list[str], *, names: bool) -> tuple[Counter[PiiKind], Counter[PiiKind]]:
    whole: Counter[PiiKind] = Counter()
    embedded: Counter[PiiKind] = Counter()
    for value in values:
        if value == "":
            continue
        kind = classify_value(value, today=TODAY)
        if kind is None and names and looks_like_person_name(value):
            kind = PiiKind.PERSON_NAME
        if kind is not None:
            whole[kind] += 1
            continue
        for found in {span.kind for span in find_pii_spans(value, today=TODAY)}:
            embedded[found] += 1
    return whole, embedded


@SCAN_SETTINGS
@given(st.lists(whole_values, min_size=1, max_size=60))
def test_whole_values_are_classified_as_python_does(tmp_path: Path, values: list[str]) -> None:
    result = _analyse(tmp_path, "value", values)
    assert _counts(result, "value") == _expected(values, names=False)


@SCAN_SETTINGS
@given(st.lists(embedded_values, min_size=1, max_size=60))
def test_embedded_values_are_found_as_python_finds_them(
    tmp_path: Path, values: list[str]
) -> None:
    result = _analyse(tmp_path, "备注", values)
    assert _counts(result, "备注") == _expected(values, names=False)


def test_names_only_in_a_name_column(tmp_path: Path) -> None:
    values = ["张三", "欧阳娜娜", "买买提·艾力", "John Smith", "北京市海淀区", "john",
              "13812345678"]
    named = _analyse(tmp_path, "姓名", values)
    assert _counts(named, "姓名") == _expected(values, names=True)
    plain = _analyse(tmp_path, "城市", values)
    assert PiiKind.PERSON_NAME not in _counts(plain, "城市")[0]


@pytest.mark.parametrize(
    ("value", "accurate"),
    [
        ("9223372036854775807", True),
        ("-9223372036854775808", True),
        ("+0009223372036854775807", True),
        ("9223372036854775808", False),
        ("-9223372036854775809", False),
        ("1" * 45, False),
    ],
)
def test_integers_are_accurate_within_64_bits(tmp_path: Path, value: str, accurate: bool) -> None:
    path = tmp_path / "ints.csv"
    path.write_text(f"n\n1\n{value}\n", encoding="utf-8")
    result = analyze_file(
        path, file_format="csv", columns=[{"name": "n", "type": "integer"}], now=NOW
    )
    stats = result.column("n")
    assert stats.conforming_count == 2
    assert (stats.accuracy_checked, stats.inaccurate_count) == (2, 0 if accurate else 1)


def test_a_column_without_any_value(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("note,n,born\n,,\n,,\n", encoding="utf-8")
    result = analyze_file(
        path,
        file_format="csv",
        columns=[
            {"name": "note", "type": "string"},
            {"name": "n", "type": "integer", "required": True},
            {"name": "born", "type": "date"},
        ],
        now=NOW,
    )
    assert result.row_count == 2
    assert result.pii == ()
    n = result.column("n")
    assert (n.non_null_count, n.conforming_count, n.conformance_ratio) == (0, 0, None)
    violation = next(v for v in result.violations if v.column == "n")
    assert (violation.count, violation.example_rows) == (2, (1, 2))


def test_an_invalid_id_ending_in_x_may_hold_a_bank_card(tmp_path: Path) -> None:
    card17 = luhn_complete("4403051898010836")
    values = [card17 + "X", _resident_id("440305", date(1988, 8, 8), 321, "right")]
    result = _analyse(tmp_path, "value", values)
    assert _counts(result, "value") == _expected(values, names=False)
    assert _counts(result, "value")[1] == Counter({PiiKind.BANK_CARD: 1})


def test_the_digits_of_an_embedded_id_ending_in_x_are_no_bank_card(tmp_path: Path) -> None:
    for sequence in range(1000):
        resident_id = _resident_id("310104", date(1998, 8, 30), sequence, "right")
        if resident_id.endswith("X") and luhn_complete(resident_id[:16]) == resident_id[:17]:
            break
    else:
        pytest.fail("no ID ending in X whose first 17 digits pass Luhn")
    values = [f"联系 {resident_id}", f"联系 {resident_id.lower()}。"]
    result = _analyse(tmp_path, "备注", values)
    assert _counts(result, "备注") == (Counter(), Counter({PiiKind.RESIDENT_ID: 2}))
    assert _counts(result, "备注") == _expected(values, names=False)
