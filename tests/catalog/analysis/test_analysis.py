"""A crafted file whose right answers are known, analysed as CSV and as JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.catalog.analysis import (
    AnalysisOptions,
    ColumnType,
    FileAnalysis,
    PiiKind,
    QualityDimension,
    ViolationKind,
    analyze_file,
)
from tests.catalog.analysis.reference_checksums import luhn_is_valid, make_resident_id

NOW = datetime(2024, 8, 5, 4, 0, tzinfo=UTC)


def _id_ending_in_x() -> str:
    for n in range(1000):
        value = make_resident_id("510107", "19770707", f"{n:03d}")
        if value.endswith("X"):
            return value
    raise AssertionError("no X check character found")


def _bad_id() -> str:
    valid = make_resident_id("440305", "19880808", "321")
    for char in "0123456789":
        candidate = valid[:17] + char
        if char != valid[17] and not luhn_is_valid(candidate):
            return candidate
    raise AssertionError("no Luhn-invalid wrong check digit")


ID1 = make_resident_id("110101", "19900115", "123")
ID2 = make_resident_id("310104", "19850228", "456")
ID3 = _id_ending_in_x()
ID4 = make_resident_id("330106", "20010101", "777")
BAD_ID = _bad_id()

HEADER = [
    "id", "姓名", "身份证号", "mobile", "amount", "active", "born", "updated_at", "note", "extra",
]
ROW1 = ["1", "张三", ID1, "13812345678", "12.50", "true", "1990-01-15", "2024-06-01T10:00:00",
        "联系 13912345678", "x"]
ROW2 = ["2", "李四", ID2, "13912345679", "3.25", "false", "1985-02-28", "2024-06-02T11:30:00",
        "", "y"]
ROWS = [
    ROW1,
    ROW2,
    ["3", "王五", ID3, "15012345670", "abc", "yes", "2023-02-30", "2024-06-03 09:15:00",
     "邮箱 a.b@example.com", ""],
    ["4", "欧阳娜娜", BAD_ID, "", "100", "1", "1899-12-31", "not a date", "ok", "z"],
    ["5", "", "", "18600000000", "-7.125", "maybe", "2000-13-01", "2024-06-05T08:00:00Z", "",
     "z"],
    ROW1,
    ["7", "赵六", ID4, "13700000000", "0.10", "TRUE", "2010-10-10", "2024-06-06T12:00:00+08:00",
     "card 4111111111111111", "w"],
    ROW2,
]
SCHEMA: list[dict[str, Any]] = [
    {"name": "id", "type": "integer", "description": "记录编号", "required": True},
    {"name": "姓名", "type": "string", "description": "姓名"},
    {"name": "身份证号", "type": "string", "description": "公民身份号码"},
    {"name": "mobile", "type": "string", "description": "手机号"},
    {"name": "amount", "type": "decimal", "description": "金额"},
    {"name": "active", "type": "boolean", "description": ""},
    {"name": "born", "type": "date", "description": "出生日期"},
    {"name": "updated_at", "type": "datetime", "description": "更新时间"},
    {"name": "note", "type": "string"},
    {"name": "missing_col", "type": "string", "description": "不存在的列"},
]


def _csv_text() -> str:
    lines = [",".join(HEADER)] + [",".join(row) for row in ROWS]
    return "\n".join(lines) + "\n"


def _jsonl_text() -> str:
    lines = []
    for row in ROWS:
        record: dict[str, Any] = {}
        for name, value in zip(HEADER, row, strict=True):
            if value == "":
                if name == "extra":
                    continue
                record[name] = None
            elif name == "id" or (name == "active" and value == "1"):
                record[name] = int(value)
            elif name == "active" and value in ("true", "false"):
                record[name] = value == "true"
            else:
                record[name] = value
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def csv_result(tmp_path_factory: pytest.TempPathFactory) -> FileAnalysis:
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_text(_csv_text(), encoding="utf-8")
    return analyze_file(path, file_format="csv", columns=SCHEMA, now=NOW)


@pytest.fixture(scope="module")
def jsonl_result(tmp_path_factory: pytest.TempPathFactory) -> FileAnalysis:
    path = tmp_path_factory.mktemp("jsonl") / "data.jsonl"
    path.write_text(_jsonl_text(), encoding="utf-8")
    return analyze_file(path, file_format="jsonl", columns=SCHEMA, now=NOW)


@pytest.fixture(params=["csv", "jsonl"])
def result(
    request: pytest.FixtureRequest, csv_result: FileAnalysis, jsonl_result: FileAnalysis
) -> Iterator[FileAnalysis]:
    yield csv_result if request.param == "csv" else jsonl_result


def test_rows_and_duplicates(result: FileAnalysis) -> None:
    assert result.row_count == 8
    assert result.duplicate_row_count == 2
    assert result.duplicate_count_exact


def test_column_order_and_presence(result: FileAnalysis) -> None:
    assert [c.name for c in result.columns] == [*HEADER, "missing_col"]
    assert not result.column("missing_col").present
    assert result.column("extra").declared_type is None


@pytest.mark.parametrize(
    ("column", "null_ratio", "distinct"),
    [
        ("id", 0.0, 6),
        ("姓名", 0.125, 5),
        ("身份证号", 0.125, 5),
        ("mobile", 0.125, 5),
        ("amount", 0.0, 6),
        ("active", 0.0, 6),
        ("born", 0.0, 6),
        ("updated_at", 0.0, 6),
        ("note", 0.375, 4),
        ("extra", 0.125, 4),
        ("missing_col", 1.0, 0),
    ],
)
def test_null_ratios_and_distinct_counts(
    result: FileAnalysis, column: str, null_ratio: float, distinct: int
) -> None:
    stats = result.column(column)
    assert stats.null_ratio == pytest.approx(null_ratio)
    assert stats.distinct_count == distinct
    assert stats.distinct_count_exact


@pytest.mark.parametrize(
    ("column", "conformance", "minimum", "maximum", "dominant", "consistency"),
    [
        ("id", 1.0, "1", "7", "plain digits", 1.0),
        ("amount", 7 / 8, "-7.125", "100", "2 decimal places", 5 / 7),
        ("active", 7 / 8, None, None, "true/false", 4 / 7),
        ("born", 1.0, "1899-12-31", "2010-10-10", None, None),
        ("updated_at", 7 / 8, "2024-06-01T10:00:00", "2024-06-06T12:00:00+08:00",
         "YYYY-MM-DDThh:mm:ss", 4 / 7),
    ],
)
def test_typed_columns(
    csv_result: FileAnalysis,
    column: str,
    conformance: float,
    minimum: str | None,
    maximum: str | None,
    dominant: str | None,
    consistency: float | None,
) -> None:
    stats = csv_result.column(column)
    assert stats.conformance_ratio == pytest.approx(conformance, abs=1e-6)
    assert (stats.min_value, stats.max_value) == (minimum, maximum)
    assert stats.dominant_format == dominant
    if consistency is None:
        assert stats.format_consistency is None
    else:
        assert stats.format_consistency == pytest.approx(consistency, abs=1e-6)


def test_accuracy_figures(result: FileAnalysis) -> None:
    born = result.column("born")
    assert (born.accuracy_checked, born.inaccurate_count) == (8, 3)
    ids = result.column("身份证号")
    assert (ids.accuracy_checked, ids.inaccurate_count) == (7, 1)


def test_schema_violations(result: FileAnalysis) -> None:
    found = {(v.column, v.kind): v for v in result.violations}
    assert found[("amount", ViolationKind.TYPE_MISMATCH)].count == 1
    assert found[("amount", ViolationKind.TYPE_MISMATCH)].example_rows == (3,)
    assert found[("active", ViolationKind.TYPE_MISMATCH)].example_rows == (5,)
    assert found[("updated_at", ViolationKind.TYPE_MISMATCH)].example_rows == (4,)
    assert found[("missing_col", ViolationKind.MISSING_COLUMN)].count == 8
    assert ("extra", ViolationKind.UNDECLARED_COLUMN) in found
    assert ("born", ViolationKind.TYPE_MISMATCH) not in found
    assert ("id", ViolationKind.NULL_IN_REQUIRED_COLUMN) not in found


def test_dimension_scores_match_the_stated_formulas(result: FileAnalysis) -> None:
    quality = result.quality
    normativity = 100 * 37 / 40
    completeness = 100 * (2 * 1 + 3 * 7 / 8 + 4 * 1 + 5 / 8 + 0) / 11
    accuracy = 100 * (1 - 4 / 30)
    consistency = 100 * ((1 - 2 / 8) + (1 + 5 / 7 + 4 / 7 + 4 / 7) / 4) / 2
    age_days = (NOW - datetime(2024, 6, 6, 4, 0, tzinfo=UTC)).total_seconds() / 86400
    timeliness = 100 * (365 - age_days) / (365 - 30)
    accessibility = 100 * (3 + 7 / 10) / 4
    expected = {
        QualityDimension.NORMATIVITY: normativity,
        QualityDimension.COMPLETENESS: completeness,
        QualityDimension.ACCURACY: accuracy,
        QualityDimension.CONSISTENCY: consistency,
        QualityDimension.TIMELINESS: timeliness,
        QualityDimension.ACCESSIBILITY: accessibility,
    }
    for dimension, score in expected.items():
        assert quality.dimension(dimension).score == pytest.approx(score, abs=0.01), dimension
    weights = {d: w for d, w in quality.weights.items()}
    overall = sum(weights[d] * round(s, 2) for d, s in expected.items()) / sum(weights.values())
    assert quality.overall_score == pytest.approx(overall, abs=0.01)
    assert quality.dimension(QualityDimension.TIMELINESS).figures["newest_column"] == "updated_at"


def test_pii_findings(result: FileAnalysis) -> None:
    found = {(f.column, f.kind): f for f in result.pii}
    assert result.flagged_columns == {
        "姓名": PiiKind.PERSON_NAME,
        "身份证号": PiiKind.RESIDENT_ID,
        "mobile": PiiKind.MOBILE,
    }
    ids = found[("身份证号", PiiKind.RESIDENT_ID)]
    assert ids.match_count == 6
    assert ids.ratio == pytest.approx(6 / 7, abs=1e-6)
    assert found[("note", PiiKind.MOBILE)].embedded_count == 2
    assert found[("note", PiiKind.EMAIL)].match_count == 1
    assert found[("note", PiiKind.BANK_CARD)].match_count == 1
    assert not found[("note", PiiKind.MOBILE)].flagged
    assert ("身份证号", PiiKind.BANK_CARD) not in found


def test_report_never_contains_raw_pii(result: FileAnalysis) -> None:
    report = json.dumps(
        {k: v for k, v in result.to_dict().items() if k != "sample_rows"}, ensure_ascii=False
    )
    for raw in (ID1, BAD_ID, "13812345678", "a.b@example.com", "4111111111111111", "张三"):
        assert raw not in report


def test_masked_sample(result: FileAnalysis) -> None:
    rows = result.sample_rows
    assert len(rows) == 8
    assert rows[0]["姓名"] == "张*"
    assert rows[3]["姓名"] == "欧阳**"
    assert rows[0]["身份证号"] == f"110***********{ID1[-4:]}"
    assert rows[3]["身份证号"] == f"440***********{BAD_ID[-4:]}"
    assert rows[0]["mobile"] == "138****5678"
    assert rows[0]["note"] == "联系 139****5678"
    assert rows[2]["note"] == "邮箱 a***@example.com"
    assert rows[6]["note"] == "card ************1111"
    assert rows[0]["amount"] == "12.50"
    assert rows[4]["姓名"] is None
    sample_text = json.dumps([dict(r) for r in rows], ensure_ascii=False)
    for raw in (ID1, ID2, ID3, ID4, BAD_ID, "13812345678", "4111111111111111"):
        assert raw not in sample_text


def test_sample_size_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(), encoding="utf-8")
    result = analyze_file(
        path, file_format="csv", columns=SCHEMA, now=NOW, options=AnalysisOptions(sample_rows=3)
    )
    assert [r["id"] for r in result.sample_rows] == ["1", "2", "3"]


def test_to_dict_is_json_ready(csv_result: FileAnalysis) -> None:
    data = json.loads(json.dumps(csv_result.to_dict(), ensure_ascii=False))
    assert data["row_count"] == 8
    assert data["columns"][0]["declared_type"] == ColumnType.INTEGER.value
    dims = {d["dimension"]: d for d in data["quality"]["dimensions"]}
    assert dims["timeliness"]["status"] == "scored"
    assert "weights" in data["quality"]["overall_formula"]


def test_jsonl_equals_csv(csv_result: FileAnalysis, jsonl_result: FileAnalysis) -> None:
    assert jsonl_result.columns == csv_result.columns
    assert jsonl_result.violations == csv_result.violations
    assert jsonl_result.pii == csv_result.pii
    assert jsonl_result.quality.overall_score == csv_result.quality.overall_score
    for mine, theirs in zip(
        jsonl_result.quality.dimensions, csv_result.quality.dimensions, strict=True
    ):
        assert mine.score == theirs.score
        if mine.dimension is not QualityDimension.ACCESSIBILITY:
            assert mine.figures == theirs.figures


def test_bom_and_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff城市,人口\n北京,2189\n上海,2487\n").encode())
    result = analyze_file(
        path,
        file_format="csv",
        columns=[{"name": "城市", "type": "string"}, {"name": "人口", "type": "integer"}],
        now=NOW,
    )
    assert result.has_bom
    assert [c.name for c in result.columns] == ["城市", "人口"]
    assert result.column("人口").max_value == "2487"
    assert result.sample_rows[0] == {"城市": "北京", "人口": "2189"}
    assert result.quality.dimension(QualityDimension.TIMELINESS).status == "unknown"
    assert result.quality.dimension(QualityDimension.ACCURACY).score == 100.0


def test_missing_required_column_is_a_violation_by_default(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    result = analyze_file(
        path,
        file_format="csv",
        columns=[{"name": "a", "type": "integer"}, {"name": "b", "type": "date", "required": True}],
        now=NOW,
    )
    violation = next(v for v in result.violations if v.column == "b")
    assert violation.kind is ViolationKind.MISSING_COLUMN
    assert violation.required
    assert result.quality.dimension(QualityDimension.COMPLETENESS).score == pytest.approx(
        100 / 3, abs=0.01
    )


def test_null_in_required_column_names_rows(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,x\n,y\n3,z\n,w\n", encoding="utf-8")
    result = analyze_file(
        path, file_format="csv", columns=[{"name": "a", "type": "integer", "required": True}],
        now=NOW,
    )
    kind = ViolationKind.NULL_IN_REQUIRED_COLUMN
    violation = next(v for v in result.violations if v.kind is kind)
    assert (violation.count, violation.example_rows) == (2, (2, 4))


def test_quoted_fields_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_bytes(
        b'name,address,score\r\n"Li, Wei","Line one\r\nline two",7\r\n'
        b'"Zhao ""Z"" Liu",plain,x\r\n'
    )
    result = analyze_file(
        path,
        file_format="csv",
        columns=[
            {"name": "name", "type": "string"},
            {"name": "address", "type": "string"},
            {"name": "score", "type": "integer"},
        ],
        now=NOW,
    )
    assert result.row_count == 2
    assert result.sample_rows[0]["address"] == "Line one\r\nline two"
    assert result.sample_rows[1]["name"] == 'Zhao "Z" Liu'
    mismatch = next(v for v in result.violations if v.column == "score")
    assert mismatch.example_rows == (2,)


def test_jsonl_nested_values_are_kept_as_json_text(tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl"
    path.write_text(
        '{"k": 1, "tags": ["a", "b"]}\n\n{"k": 2, "tags": {"x": 1}}\n', encoding="utf-8"
    )
    result = analyze_file(
        path,
        file_format="jsonl",
        columns=[{"name": "k", "type": "integer"}, {"name": "tags", "type": "string"}],
        now=NOW,
    )
    assert result.row_count == 2
    assert result.sample_rows[0]["tags"] == '["a","b"]'
    assert result.column("k").conformance_ratio == 1.0
