"""The file-analysis entry point: ``analyze_file`` measures an uploaded CSV or JSONL file.

Given a file already on disk, its format and the dataset's declared columns, it returns a
``FileAnalysis``: row count, per-column statistics, schema violations, a GB/T 36344-2018
quality report, PII findings and masked sample rows. A malformed file raises
``FileRejected``; values that do not fit the declared schema are reported, not rejected.
A declared column missing from the file is a violation (and counts as empty in
completeness) unless ``AnalysisOptions.reject_missing_required`` is set, in which case a
missing *required* column rejects the file.

Engine: DuckDB. Its CSV and JSON readers stream the file in parallel buffers and stop at
the first malformed record with its position; every column is read as VARCHAR and all
figures come from one SQL aggregate run on all threads (see ``profile``) whose state is
bounded (HyperLogLog distinct counts, counts, extremes), while the one unbounded piece,
the distinct-row hash set for duplicate counting, is held under DuckDB's memory limit
and spilled to disk past it. RE2 regular expressions and arithmetic check digits run
vectorised over the columns, behind cheap gates. Row numbers of examples come from a
second, ordered stream that stops as soon as it has them. Polars' streaming engine was
the alternative; DuckDB was chosen for its exact error positions on ragged, non-UTF-8
and over-long records, and its explicit memory limit with spilling.

Row numbers in the result count data rows from 1 (the CSV header is not a row); in a
file without blank lines or quoted line breaks, row *n* is on line *n + 1* of a CSV and
line *n* of a JSONL file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from services.catalog.analysis.assemble import assemble
from services.catalog.analysis.columns import ColumnSpec, FileFormat, parse_columns, select_sql
from services.catalog.analysis.engine import connect
from services.catalog.analysis.options import AnalysisOptions
from services.catalog.analysis.profile import profile_file
from services.catalog.analysis.rejection import FileRejected, RejectionReason
from services.catalog.analysis.result import FileAnalysis
from services.catalog.analysis.source import FileSource, open_source, translate_engine_error


def analyze_file(
    path: str | os.PathLike[str],
    *,
    file_format: FileFormat | str,
    columns: Iterable[ColumnSpec | Mapping[str, Any]],
    now: datetime | None = None,
    options: AnalysisOptions | None = None,
) -> FileAnalysis:
    """Analyse a stored data file against its declared schema; raise FileRejected if malformed."""
    options = options or AnalysisOptions()
    fmt = _file_format(file_format)
    declared = parse_columns(columns)
    moment = _as_utc(now or datetime.now(UTC))
    file_path = Path(path)
    size = file_path.stat().st_size
    if size == 0:
        raise FileRejected(RejectionReason.EMPTY_FILE, "the file is empty (0 bytes)")
    with connect(
        memory_limit_mb=options.memory_limit_mb, threads=options.threads,
        temp_directory=options.temp_directory,
    ) as con:
        source = open_source(
            con,
            file_path,
            fmt,
            declared,
            max_line_bytes=options.max_line_bytes,
            max_columns=options.max_columns,
        )
        _check_required_columns(declared, source, options)
        profile = profile_file(
            con,
            source,
            now=moment,
            example_rows=options.example_rows,
            exact_max_rows=options.exact_max_rows,
        )
        raw_sample = _read_sample(con, source, options.sample_rows)
    return assemble(source, declared, profile, raw_sample, size, moment, options)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _file_format(value: FileFormat | str) -> FileFormat:
    try:
        return FileFormat(str(value).lower())
    except ValueError:
        raise FileRejected(
            RejectionReason.UNSUPPORTED_FORMAT,
            f"format {value!r} is not supported; upload CSV (csv) or JSON Lines (jsonl)",
        ) from None


def _check_required_columns(
    declared: Sequence[ColumnSpec], source: FileSource, options: AnalysisOptions
) -> None:
    if not options.reject_missing_required:
        return
    present = {c.name for c in source.columns}
    missing = [spec.name for spec in declared if spec.required and spec.name not in present]
    if missing:
        raise FileRejected(
            RejectionReason.MISSING_REQUIRED_COLUMN,
            f"required column {missing[0]!r} is missing from the file; add it (the header "
            "or JSON keys must use the declared column names)",
            column=missing[0],
        )


def _read_sample(
    con: duckdb.DuckDBPyConnection, source: FileSource, limit: int
) -> list[dict[str, str | None]]:
    if limit == 0:
        return []
    aliases = ", ".join(c.alias for c in source.columns)
    try:
        relation = source.head_relation or source.relation
        rows = con.execute(select_sql(aliases, f"{relation} LIMIT {limit}")).fetchall()
    except duckdb.InvalidInputException as exc:
        raise translate_engine_error(
            exc, source.path, source.file_format, source.max_line_bytes, len(source.columns)
        ) from None
    names = [c.name for c in source.columns]
    return [dict(zip(names, row, strict=True)) for row in rows]
