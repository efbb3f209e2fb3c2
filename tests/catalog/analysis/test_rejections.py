"""Malformed uploads raise FileRejected with a reason and a message naming where and what."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.catalog.analysis import (
    AnalysisOptions,
    FileRejected,
    RejectionReason,
    SchemaError,
    analyze_file,
)

NOW = datetime(2024, 6, 1, tzinfo=UTC)
SCHEMA: list[dict[str, Any]] = [
    {"name": "a", "type": "integer"},
    {"name": "b", "type": "string"},
]


def _reject(
    tmp_path: Path,
    content: bytes,
    file_format: str = "csv",
    options: AnalysisOptions | None = None,
    columns: list[dict[str, Any]] | None = None,
) -> FileRejected:
    path = tmp_path / f"upload.{file_format}"
    path.write_bytes(content)
    with pytest.raises(FileRejected) as caught:
        analyze_file(
            path, file_format=file_format, columns=columns or SCHEMA, now=NOW, options=options
        )
    return caught.value


def test_empty_file(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"")
    assert error.reason is RejectionReason.EMPTY_FILE
    assert "empty" in error.detail


def test_header_only(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"a,b\n")
    assert error.reason is RejectionReason.NO_DATA_ROWS
    assert "no data rows" in error.detail


def test_blank_first_line(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"\n1,2\n")
    assert error.reason is RejectionReason.MISSING_HEADER
    assert "line 1" in error.detail


def test_gbk_header_is_not_utf8(tmp_path: Path) -> None:
    error = _reject(tmp_path, "姓名,城市\n张三,北京\n".encode("gbk"))
    assert error.reason is RejectionReason.NOT_UTF8
    assert (error.line, error.byte_offset) == (1, 0)
    assert "line 1" in error.detail and "UTF-8" in error.detail and "GBK" in error.detail


def test_gbk_value_is_not_utf8_with_its_line_and_byte(tmp_path: Path) -> None:
    content = b"a,b\n1,ok\n2,fine\n3," + "北京".encode("gbk") + b"\n"
    error = _reject(tmp_path, content)
    assert error.reason is RejectionReason.NOT_UTF8
    assert error.line == 4
    assert error.byte_offset == len(b"a,b\n1,ok\n2,fine\n3,")
    assert f"at byte {error.byte_offset} (line 4)" in error.detail


def test_ragged_row_with_too_many_fields(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"a,b\n1,x\n2,y,extra\n3,z\n")
    assert error.reason is RejectionReason.RAGGED_ROW
    assert error.line == 3
    assert "line 3 has 3 fields but the header has 2" in error.detail


def test_ragged_row_with_too_few_fields(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"a,b\n1,x\n2,y\n3\n")
    assert error.reason is RejectionReason.RAGGED_ROW
    assert "line 4 has 1 fields" in error.detail


def test_ragged_row_after_a_quoted_line_break_names_the_physical_line(tmp_path: Path) -> None:
    error = _reject(tmp_path, b'a,b\n1,"two\nlines"\n2,y,z\n')
    assert error.reason is RejectionReason.RAGGED_ROW
    assert error.line == 4


def test_unterminated_quote(tmp_path: Path) -> None:
    error = _reject(tmp_path, b'a,b\n1,x\n2,"open\n3,y\n')
    assert error.reason in (RejectionReason.MALFORMED_CSV, RejectionReason.RAGGED_ROW)
    assert "quote" in error.detail


def test_line_longer_than_the_limit(tmp_path: Path) -> None:
    content = b"a,b\n1,short\n2," + b"x" * 200 + b"\n"
    error = _reject(tmp_path, content, options=AnalysisOptions(max_line_bytes=100))
    assert error.reason is RejectionReason.LINE_TOO_LONG
    assert error.line == 3
    assert "line 3 is longer than the limit of 100 bytes" in error.detail


def test_header_longer_than_the_limit(tmp_path: Path) -> None:
    content = b"a," + b"b" * 200 + b"\n1,2\n"
    error = _reject(tmp_path, content, options=AnalysisOptions(max_line_bytes=100))
    assert error.reason is RejectionReason.LINE_TOO_LONG
    assert error.line == 1


def test_duplicate_header_names(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"a,b,a\n1,2,3\n")
    assert error.reason is RejectionReason.DUPLICATE_HEADER_NAME
    assert "header columns 1 ('a') and 3 ('a') have the same name" in error.detail


def test_header_names_differing_only_in_case(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"Name,name\n1,2\n")
    assert error.reason is RejectionReason.DUPLICATE_HEADER_NAME
    assert "letter case" in error.detail


def test_empty_header_name(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"a,,c\n1,2,3\n")
    assert error.reason is RejectionReason.EMPTY_HEADER_NAME
    assert "header column 2 has an empty name" in error.detail


def test_unsupported_format(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"a,b\n1,2\n", file_format="xlsx")
    assert error.reason is RejectionReason.UNSUPPORTED_FORMAT
    assert "csv" in error.detail and "jsonl" in error.detail


def test_missing_required_column_rejects_when_asked(tmp_path: Path) -> None:
    columns: list[dict[str, Any]] = [
        {"name": "a", "type": "integer"},
        {"name": "c", "type": "string", "required": True},
    ]
    error = _reject(
        tmp_path,
        b"a,b\n1,2\n",
        options=AnalysisOptions(reject_missing_required=True),
        columns=columns,
    )
    assert error.reason is RejectionReason.MISSING_REQUIRED_COLUMN
    assert "'c'" in error.detail


def _jsonl(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    error = _reject(tmp_path, _jsonl('{"a": 1}', '{"a": 2,', '{"a": 3}'), file_format="jsonl")
    assert error.reason is RejectionReason.INVALID_JSON
    assert error.line == 2
    assert "line 2 is not valid JSON" in error.detail


def test_two_objects_on_one_line(tmp_path: Path) -> None:
    error = _reject(tmp_path, _jsonl('{"a": 1}{"a": 2}'), file_format="jsonl")
    assert error.reason is RejectionReason.INVALID_JSON
    assert error.line == 1


@pytest.mark.parametrize(("line", "kind"), [("[1, 2]", "an array"), ("3", "a number")])
def test_jsonl_line_that_is_not_an_object(tmp_path: Path, line: str, kind: str) -> None:
    error = _reject(tmp_path, _jsonl('{"a": 1}', '{"a": 2}', line), file_format="jsonl")
    assert error.reason is RejectionReason.NOT_AN_OBJECT
    assert error.line == 3
    assert f"line 3 holds {kind}, not a JSON object" in error.detail


def test_jsonl_duplicate_key(tmp_path: Path) -> None:
    error = _reject(tmp_path, _jsonl('{"a": 1}', '{"a": 2, "a": 3}'), file_format="jsonl")
    assert error.reason is RejectionReason.DUPLICATE_HEADER_NAME
    assert error.line == 2


def test_jsonl_keys_differing_only_in_case(tmp_path: Path) -> None:
    error = _reject(tmp_path, _jsonl('{"a": 1}', '{"A": 2}'), file_format="jsonl")
    assert error.reason is RejectionReason.DUPLICATE_HEADER_NAME


def test_jsonl_not_utf8(tmp_path: Path) -> None:
    content = b'{"a": 1}\n{"b": "' + "北京".encode("gbk") + b'"}\n'
    error = _reject(tmp_path, content, file_format="jsonl")
    assert error.reason is RejectionReason.NOT_UTF8
    assert error.line == 2
    assert error.byte_offset == len(b'{"a": 1}\n{"b": "')


def test_jsonl_blank_lines_only(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"\n\n\n", file_format="jsonl")
    assert error.reason is RejectionReason.NO_DATA_ROWS


def test_jsonl_line_longer_than_the_limit(tmp_path: Path) -> None:
    long_line = json.dumps({"a": 1, "b": "x" * 300})
    error = _reject(
        tmp_path,
        _jsonl('{"a": 1}', long_line),
        file_format="jsonl",
        options=AnalysisOptions(max_line_bytes=100),
    )
    assert error.reason is RejectionReason.LINE_TOO_LONG
    assert error.line == 2


def test_rejection_serialises(tmp_path: Path) -> None:
    error = _reject(tmp_path, b"a,b\n1,2,3\n")
    assert error.to_dict()["reason"] == "ragged_row"
    assert error.to_dict()["line"] == 2


def test_invalid_declared_schema_is_a_caller_error(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a\n1\n")
    with pytest.raises(SchemaError, match="money"):
        analyze_file(path, file_format="csv", columns=[{"name": "a", "type": "money"}])
