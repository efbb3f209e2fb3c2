"""Opening an uploaded CSV or JSONL file as a columnar relation, and refusing malformed ones.

The file's columns are found first (the CSV header line, read here; the union of the
JSONL objects' keys, gathered by one engine pass). Then every column is read as text
through the engine's streaming reader under a safe alias (``c0``, ``c1``...), so that no
header name ever has to be quoted into SQL as an identifier.

The engine stops at the first malformed record; its message is mapped onto a
``FileRejected``. Where the engine's position is imprecise (it counts records rather
than lines, and its JSON line numbers can be off), a streaming Python pass over the
file finds the exact line and byte. That pass runs only on the rejection path.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from services.catalog.analysis.columns import (
    ColumnSpec,
    FileFormat,
    check_column_names,
    select_sql,
    sql_literal,
)
from services.catalog.analysis.engine import json_object_bytes, read_buffer_bytes
from services.catalog.analysis.rejection import FileRejected, RejectionReason

BOM = codecs.BOM_UTF8


@dataclass(frozen=True, slots=True)
class FileColumn:
    """A column of the file: its name there, its SQL alias and its declaration, if any."""

    name: str
    alias: str
    spec: ColumnSpec | None


@dataclass(frozen=True, slots=True)
class FileSource:
    """An opened file: its columns and the SQL table expressions that stream them as text.

    ``relation`` suits a full pass on all threads; ``head_relation`` reads the file in
    small buffers, for a pass that reads from the start and may stop early.
    """

    path: Path
    file_format: FileFormat
    columns: tuple[FileColumn, ...]
    relation: str
    has_bom: bool
    header_present: bool
    max_line_bytes: int
    head_relation: str = ""


def open_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    file_format: FileFormat,
    declared: Sequence[ColumnSpec],
    *,
    max_line_bytes: int,
    max_columns: int,
) -> FileSource:
    """Find the file's columns, refuse a malformed header, and build its reader SQL."""
    with path.open("rb") as handle:
        has_bom = handle.read(3) == BOM
    if file_format is FileFormat.CSV:
        names = _read_csv_header(path, max_line_bytes)
    else:
        names = _read_jsonl_keys(con, path, declared, max_line_bytes)
    check_column_names(names, what="header column" if file_format is FileFormat.CSV else "key")
    if len(names) > max_columns:
        raise FileRejected(
            RejectionReason.TOO_MANY_COLUMNS,
            f"the file has {len(names)} columns; at most {max_columns} are accepted",
        )
    by_name = {spec.name: spec for spec in declared}
    columns = tuple(
        FileColumn(name=name, alias=f"c{index}", spec=by_name.get(name))
        for index, name in enumerate(names)
    )
    if file_format is FileFormat.CSV:
        relation = _csv_relation(
            path, columns, max_line_bytes, buffer_size=read_buffer_bytes(max_line_bytes)
        )
        head_relation = _csv_relation(
            path, columns, max_line_bytes,
            buffer_size=read_buffer_bytes(max_line_bytes, head=True),
        )
    else:
        relation = head_relation = _jsonl_relation(path, columns, max_line_bytes)
    return FileSource(
        path=path,
        file_format=file_format,
        columns=columns,
        relation=relation,
        has_bom=has_bom,
        header_present=True,
        max_line_bytes=max_line_bytes,
        head_relation=head_relation,
    )


def _read_csv_header(path: Path, max_line_bytes: int) -> list[str]:
    with path.open("rb") as handle:
        raw = handle.readline(max_line_bytes + len(BOM) + 2)
    start = len(BOM) if raw.startswith(BOM) else 0
    content = raw[start:].rstrip(b"\r\n")
    if len(content) > max_line_bytes:
        raise _line_too_long(1, max_line_bytes)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(start + exc.start, 1, exc.object[exc.start : exc.start + 4]) from None
    if not text.strip():
        raise FileRejected(
            RejectionReason.MISSING_HEADER,
            "line 1 is empty; a CSV file must start with a header line naming its columns",
            line=1,
        )
    try:
        fields = next(csv.reader([text], strict=True))
    except csv.Error as exc:
        raise FileRejected(
            RejectionReason.MALFORMED_CSV,
            f"the header on line 1 cannot be parsed as CSV ({exc}); put each column name "
            "on line 1, separated by commas, and close every double quote",
            line=1,
        ) from None
    return [name.strip() for name in fields]


def _read_jsonl_keys(
    con: duckdb.DuckDBPyConnection, path: Path, declared: Sequence[ColumnSpec],
    max_line_bytes: int,
) -> list[str]:
    objects = (
        f"read_json_objects({sql_literal(str(path))}, format='newline_delimited', "
        f"maximum_object_size={json_object_bytes(max_line_bytes)})"
    )
    try:
        row = con.execute(
            select_sql(
                "count(*), count_if(json_type(json) <> 'OBJECT'), "
                "count_if(len(json_keys(json)) <> len(list_distinct(json_keys(json)))), "
                "coalesce(max(strlen(json)), 0), "
                # brackets that open, an upper bound of a line's nesting depth
                "coalesce(max(strlen(json) - strlen(replace(replace(json::VARCHAR, '[', ''), "
                "'{', ''))), 0)",
                objects,
            )
        ).fetchone()
        assert row is not None
        lines, non_objects, duplicate_keys, longest, openers = (int(x or 0) for x in row)
        if non_objects or duplicate_keys or longest > max_line_bytes:
            raise _locate_or(path, FileFormat.JSONL, max_line_bytes, None, _generic_json_problem)
        if openers > MAX_JSON_DEPTH:
            too_deep = locate_problem(path, FileFormat.JSONL, max_line_bytes)
            if too_deep is not None:
                raise too_deep
        if lines == 0:
            raise no_rows(FileFormat.JSONL)
        all_keys = select_sql("unnest(json_keys(json)) AS key", objects)
        keys = con.execute(select_sql("DISTINCT key", f"({all_keys})")).fetchall()
    except duckdb.InvalidInputException as exc:
        raise translate_engine_error(exc, path, FileFormat.JSONL, max_line_bytes, 0) from None
    found = {str(key) for (key,) in keys}
    ordered = [spec.name for spec in declared if spec.name in found]
    ordered += sorted(found.difference(ordered))
    return ordered


def _csv_relation(
    path: Path, columns: Sequence[FileColumn], max_line_bytes: int, *, buffer_size: int = 0
) -> str:
    types = ", ".join(f"{sql_literal(c.alias)}: 'VARCHAR'" for c in columns)
    buffer = f", buffer_size={buffer_size}" if buffer_size else ""
    return (
        f"read_csv({sql_literal(str(path))}, columns={{{types}}}, header=true, "
        "auto_detect=false, delim=',', quote='\"', escape='\"', strict_mode=true, "
        f"null_padding=false, encoding='utf-8', max_line_size={max_line_bytes}{buffer})"
    )


def _jsonl_relation(path: Path, columns: Sequence[FileColumn], max_line_bytes: int) -> str:
    types = ", ".join(f"{sql_literal(c.name)}: 'VARCHAR'" for c in columns)
    renames = ", ".join(f"nullif(\"{_identifier(c.name)}\", '') AS {c.alias}" for c in columns)
    reader = (
        f"read_json({sql_literal(str(path))}, format='newline_delimited', "
        f"columns={{{types}}}, maximum_object_size={json_object_bytes(max_line_bytes)})"
    )
    return f"({select_sql(renames, reader)})"


def _identifier(name: str) -> str:
    return name.replace('"', '""')


def _line_too_long(line: int, limit: int) -> FileRejected:
    return FileRejected(
        RejectionReason.LINE_TOO_LONG,
        f"line {line} is longer than the limit of {limit} bytes; split the record or shorten "
        "its values",
        line=line,
    )


def _not_utf8(byte_offset: int, line: int, sample: bytes) -> FileRejected:
    return FileRejected(
        RejectionReason.NOT_UTF8,
        f"the file is not UTF-8: invalid byte sequence {sample.hex(' ')} at byte "
        f"{byte_offset} (line {line}); save the file as UTF-8 (a GBK or GB18030 export "
        "must be converted)",
        line=line,
        byte_offset=byte_offset,
    )


def no_rows(file_format: FileFormat) -> FileRejected:
    """The rejection for a file that holds no data rows."""
    if file_format is FileFormat.CSV:
        detail = "the file has a header line but no data rows"
    else:
        detail = "the file has no JSON objects (only blank lines)"
    return FileRejected(RejectionReason.NO_DATA_ROWS, detail)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def locate_problem(path: Path, file_format: FileFormat, max_line_bytes: int) -> FileRejected | None:
    """Stream the file line by line and describe its first malformed line, if any."""
    offset = 0
    with path.open("rb") as handle:
        for line in range(1, 1 << 62):
            raw = handle.readline(max_line_bytes + len(BOM) + 2)
            if not raw:
                return None
            start = len(BOM) if line == 1 and raw.startswith(BOM) else 0
            content = raw[start:].rstrip(b"\r\n")
            if len(content) > max_line_bytes:
                return _line_too_long(line, max_line_bytes)
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = exc.object[exc.start : exc.start + 4]
                return _not_utf8(offset + start + exc.start, line, bad)
            if file_format is FileFormat.JSONL and text.strip():
                problem = _json_line_problem(text, line)
                if problem is not None:
                    return problem
            offset += len(raw)
    return None


MAX_JSON_DEPTH = 32
"""How deeply a JSON Lines record may nest arrays and objects."""


def _too_deep(line: int) -> FileRejected:
    return FileRejected(
        RejectionReason.INVALID_JSON,
        f"line {line} nests arrays or objects more than {MAX_JSON_DEPTH} levels deep",
        line=line,
    )


def _depth_over(value: object, limit: int) -> bool:
    """Whether ``value`` nests containers deeper than ``limit`` (without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _json_line_problem(text: str, line: int) -> FileRejected | None:
    try:
        value = json.loads(text, object_pairs_hook=_object_pairs, parse_constant=_reject_constant)
    except RecursionError:
        return _too_deep(line)
    except json.JSONDecodeError as exc:
        return FileRejected(
            RejectionReason.INVALID_JSON,
            f"line {line} is not valid JSON: {exc.msg} at column {exc.colno}; each line must "
            "hold exactly one JSON object",
            line=line,
        )
    except ValueError as exc:
        return FileRejected(
            RejectionReason.INVALID_JSON,
            f"line {line} is not valid JSON: {exc}",
            line=line,
        )
    except _DuplicateKey as exc:
        return FileRejected(
            RejectionReason.DUPLICATE_HEADER_NAME,
            f"line {line} has the key {exc.key!r} twice in one object; keys must be unique",
            line=line,
            column=exc.key,
        )
    if not isinstance(value, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
            type(value), "a number"
        )
        return FileRejected(
            RejectionReason.NOT_AN_OBJECT,
            f"line {line} holds {kind}, not a JSON object; each line must hold one object "
            "whose keys are the column names",
            line=line,
        )
    if _depth_over(value, MAX_JSON_DEPTH):
        return _too_deep(line)
    return None


def _csv_record_problem(
    path: Path, expected_fields: int, max_line_bytes: int
) -> FileRejected | None:
    csv.field_size_limit(max(csv.field_size_limit(), max_line_bytes))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            for fields in reader:
                if not fields or reader.line_num == 1:
                    continue
                if len(fields) != expected_fields:
                    return _ragged(reader.line_num, len(fields), expected_fields)
        except csv.Error as exc:
            return _malformed_csv(reader.line_num, str(exc))
    return None


def _ragged(line: int, found: int, expected: int, *, record: bool = False) -> FileRejected:
    return _csv_rejected(
        RejectionReason.RAGGED_ROW, line, record,
        f"has {found} fields but the header has {expected}; every row needs exactly "
        "one value per column (quote values that contain commas)",
    )


def _malformed_csv(line: int, why: str, *, record: bool = False) -> FileRejected:
    return _csv_rejected(
        RejectionReason.MALFORMED_CSV, line, record,
        f"cannot be parsed as CSV: {why}; close every double quote and double any "
        "quote inside a quoted value",
    )


def _csv_rejected(reason: RejectionReason, line: int, record: bool, what: str) -> FileRejected:
    """A rejection of a CSV file at a line, or at a record when quoted values span lines."""
    where = f"record {line} (counting the header as record 1)" if record else f"line {line}"
    return FileRejected(reason, f"{where} {what}", line=line)


def _generic_json_problem(detail: str) -> FileRejected:
    return FileRejected(RejectionReason.INVALID_JSON, f"the file is not valid JSON Lines: {detail}")


def _locate_or(
    path: Path,
    file_format: FileFormat,
    max_line_bytes: int,
    engine_detail: str | None,
    fallback: Any,
) -> FileRejected:
    located = locate_problem(path, file_format, max_line_bytes)
    if located is not None:
        return located
    rejection: FileRejected = fallback(engine_detail or "the engine could not read it")
    return rejection


_LINE_RE = re.compile(r"on Line: (\d+)")
_FIELDS_RE = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _engine_summary(message: str, path: Path) -> str:
    kept: list[str] = []
    for line in message.splitlines():
        if not line.strip():
            break
        if line.startswith("Original Line"):
            continue
        kept.append(line.strip())
    summary = " ".join(kept).replace(str(path), "the file")
    summary = re.sub(r"^[A-Za-z ]+Error: ", "", summary)
    return summary[:300]


def translate_engine_error(
    exc: duckdb.InvalidInputException,
    path: Path,
    file_format: FileFormat,
    max_line_bytes: int,
    expected_fields: int,
) -> FileRejected:
    """Turn the engine's read error into a FileRejected naming the line and the fix."""
    message = str(exc)
    summary = _engine_summary(message, path)
    if file_format is FileFormat.JSONL:
        return _locate_or(path, file_format, max_line_bytes, summary, _generic_json_problem)
    record_match = _LINE_RE.search(message)
    record = int(record_match.group(1)) if record_match else None
    located = locate_problem(path, file_format, max_line_bytes)
    if located is not None:
        return located
    if "Maximum line size" in message and record is not None:
        return _line_too_long(record, max_line_bytes)
    precise = _csv_record_problem(path, expected_fields, max_line_bytes)
    if precise is not None:
        return precise
    fields = _FIELDS_RE.search(message)
    if fields is not None and record is not None:
        return _ragged(record, int(fields.group(2)), int(fields.group(1)), record=True)
    if record is not None:
        return _malformed_csv(record, summary, record=True)
    return FileRejected(RejectionReason.MALFORMED_CSV, f"the file cannot be read as CSV: {summary}")
