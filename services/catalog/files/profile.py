"""One streaming pass over the file that measures every column, built as a single SQL query.

The query is layered so that each expensive expression is computed once per value:

1. ``base``: the row number and, per column, the text value ``vN`` (null when empty);
2. ``typed``: per column, whether the value conforms to the declared type (``okN``), its
   format variant (``fN``) and its PII shape (``sN``: cheap gates and one regex);
3. ``keyed``: the typed sort key of conforming values (``kN``), the numbers the check
   digits need (``pN``, ``nN``) and, per free-text column, whether the value may contain
   embedded PII (``gN``);
4. ``cand``: the PII kind of the whole value (``wN``, check digits computed on the
   numbers) and the embedded candidates, extracted only where the gate is open;
5. ``numbered`` and ``checked``: the candidates' numbers and whether an embedded ID
   number is valid (a valid ID is not also counted as a bank card);

and a final aggregate computes counts, bounded lists of example rows, approximate
distinct counts (HyperLogLog), extremes, format histograms and a hash-based count of
distinct rows. Every aggregate has bounded state except the distinct-row hash set, which
the engine spills to disk beyond its memory limit. A file small enough
(``exact_max_rows``) gets a second pass with exact distinct counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from services.catalog.files.errors import FileRejected
from services.catalog.files.pii import (
    EMBEDDED_KINDS,
    WHOLE_VALUE_CODES,
    PiiKind,
    embedded_extract_sql,
    embedded_gate_sql,
    embedded_number_sql,
    embedded_valid_sql,
    is_person_name_header,
    lookup_columns_sql,
    shape_numbers_sql,
    shape_sql,
    whole_value_kind_sql,
)
from services.catalog.files.schema import (
    TEMPORAL_TYPES,
    ColumnType,
    accuracy_sql,
    conformance_sql,
    format_variant_codes,
    format_variant_name,
    format_variant_sql,
    plausible_range_sql,
    select_sql,
    sort_key_sql,
)
from services.catalog.files.source import (
    FileColumn,
    FileSource,
    no_rows,
    translate_engine_error,
)

PII_SCANNED_TYPES = frozenset({ColumnType.STRING, ColumnType.INTEGER})


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    """The figures measured on one file column."""

    column: FileColumn
    non_null: int
    distinct: int
    distinct_exact: bool
    conforming: int | None = None
    example_rows: tuple[int, ...] = ()
    null_example_rows: tuple[int, ...] = ()
    min_value: str | None = None
    max_value: str | None = None
    inaccurate: int = 0
    format_variants: Mapping[str, int] = field(default_factory=dict)
    newest: datetime | None = None
    future_values: int = 0
    pii_whole: Mapping[PiiKind, int] = field(default_factory=dict)
    pii_embedded: Mapping[PiiKind, int] = field(default_factory=dict)

    @property
    def column_type(self) -> ColumnType:
        """The declared type, ``string`` for an undeclared column."""
        return self.column.spec.type if self.column.spec else ColumnType.STRING


@dataclass(frozen=True, slots=True)
class FileProfile:
    """The figures measured on the whole file."""

    row_count: int
    duplicate_rows: int
    duplicates_exact: bool
    columns: tuple[ColumnProfile, ...]


def _column_type(column: FileColumn) -> ColumnType:
    return column.spec.type if column.spec else ColumnType.STRING


def _scans_embedded(column: FileColumn) -> bool:
    return _column_type(column) is ColumnType.STRING


class _QueryBuilder:
    """Collects the layered projections and the aggregates, and where each result lands."""

    def __init__(self, source: FileSource, *, now: datetime, example_rows: int) -> None:
        self.source = source
        self.now = now
        self.today = now.date()
        self.example_rows = example_rows
        self.typed: list[str] = []
        self.keyed: list[str] = []
        self.cand: list[str] = []
        self.numbered: list[str] = []
        self.checked: list[str] = []
        self.aggregates: list[str] = []
        self.slots: list[tuple[int, str, Any]] = []

    def aggregate(self, column_index: int, name: str, sql: str, extra: Any = None) -> None:
        self.slots.append((column_index, name, extra))
        self.aggregates.append(sql)

    def build(self) -> str:
        for index, column in enumerate(self.source.columns):
            self._column(index, column)
        columns = self.source.columns
        values = ", ".join(
            [f"{c.alias} AS v{i}" for i, c in enumerate(columns)] + lookup_columns_sql()
        )
        relation = f"({select_sql(f'row_number() OVER () AS rn, {values}', self.source.relation)})"
        for extra in (self.typed, self.keyed, self.cand, self.numbered, self.checked):
            if extra:
                relation = f"({select_sql('*, ' + ', '.join(extra), relation)})"
        return select_sql(", ".join(["count(*)", *self.aggregates]), relation)

    def _column(self, i: int, column: FileColumn) -> None:
        col_type = _column_type(column)
        v = f"v{i}"
        self.aggregate(i, "non_null", f"count({v})")
        self.aggregate(i, "distinct", f"approx_count_distinct({v})")
        if column.spec is not None and column.spec.required:
            nulls = f"min(CASE WHEN {v} IS NULL THEN rn END, {self.example_rows})"
            self.aggregate(i, "null_example_rows", nulls)
        conform = conformance_sql(col_type, v)
        if conform is not None:
            self._typed_column(i, col_type, conform)
        if col_type in PII_SCANNED_TYPES:
            self._pii_column(i, column)

    def _typed_column(self, i: int, col_type: ColumnType, conform: str) -> None:
        v, ok, k, f = f"v{i}", f"ok{i}", f"k{i}", f"f{i}"
        self.typed.append(f"{conform} AS {ok}")
        self.aggregate(i, "conforming", f"count_if({ok})")
        self.aggregate(
            i, "example_rows", f"min(CASE WHEN NOT {ok} THEN rn END, {self.example_rows})"
        )
        variant = format_variant_sql(col_type, v)
        if variant is not None:
            self.typed.append(f"{variant} AS {f}")
            for code in format_variant_codes(col_type):
                self.aggregate(i, "format_variants", f"count_if({ok} AND {f} = {code})", code)
        key = sort_key_sql(col_type, v, f)
        if key is None:
            return
        self.keyed.append(f"CASE WHEN {ok} THEN {key} END AS {k}")
        self.aggregate(i, "min_value", f"arg_min({v}, {k})")
        self.aggregate(i, "max_value", f"arg_max({v}, {k})")
        accurate = accuracy_sql(col_type, v, k)
        if accurate is not None:
            self.aggregate(i, "inaccurate", f"count_if({ok} AND NOT ({accurate}))")
        if col_type in TEMPORAL_TYPES:
            low, high = plausible_range_sql(col_type)
            if col_type is ColumnType.DATE:
                now = f"DATE '{self.today.isoformat()}'"
            else:
                now = f"TIMESTAMP '{self.now.replace(tzinfo=None).isoformat(sep=' ')}'"
            self.aggregate(i, "newest", f"max(CASE WHEN {k} BETWEEN {low} AND {now} THEN {k} END)")
            self.aggregate(i, "future_values", f"count_if({k} > {now} AND {k} <= {high})")

    def _pii_column(self, i: int, column: FileColumn) -> None:
        v, shape, first17, number, w = f"v{i}", f"s{i}", f"p{i}", f"n{i}", f"w{i}"
        name_column = is_person_name_header(column.name)
        self.typed.append(f"{shape_sql(v, name_column=name_column)} AS {shape}")
        first17_sql, number_sql = shape_numbers_sql(v, shape)
        self.keyed.append(f"{first17_sql} AS {first17}")
        self.keyed.append(f"{number_sql} AS {number}")
        self.cand.append(
            f"{whole_value_kind_sql(v, shape, first17, number, today=self.today)} AS {w}"
        )
        for kind, code in WHOLE_VALUE_CODES.items():
            if kind is PiiKind.PERSON_NAME and not name_column:
                continue
            self.aggregate(i, "pii_whole", f"count_if({w} = {code})", kind)
        if not _scans_embedded(column):
            return
        gate = f"g{i}"
        self.keyed.append(f"{embedded_gate_sql(v, shape)} AS {gate}")
        names = {kind: f"e{i}_{kind.value}" for kind in EMBEDDED_KINDS}
        numbers = {kind: f"{name}_n" for kind, name in names.items()}
        for kind, name in names.items():
            self.cand.append(f"CASE WHEN {gate} THEN {embedded_extract_sql(kind, v)} END AS {name}")
            candidate_number = embedded_number_sql(kind, name)
            if candidate_number is not None:
                self.numbered.append(f"{candidate_number} AS {numbers[kind]}")
        id_name, id_valid = names[PiiKind.RESIDENT_ID], f"e{i}_id_ok"
        self.checked.append(
            embedded_valid_sql(
                PiiKind.RESIDENT_ID, id_name, numbers[PiiKind.RESIDENT_ID], id_name, "false",
                today=self.today,
            )
            + f" AS {id_valid}"
        )
        for kind, name in names.items():
            if kind is PiiKind.RESIDENT_ID:
                valid = id_valid
            else:
                valid = embedded_valid_sql(
                    kind, name, numbers[kind], id_name, id_valid, today=self.today
                )
            self.aggregate(i, "pii_embedded", f"count_if({valid})", kind)


def profile_file(
    con: duckdb.DuckDBPyConnection,
    source: FileSource,
    *,
    now: datetime,
    example_rows: int,
    exact_max_rows: int,
) -> FileProfile:
    """Measure every column of the file in one streaming pass (two for a small file)."""
    builder = _QueryBuilder(source, now=now, example_rows=example_rows)
    sql = builder.build()
    row = _fetch_one(con, sql, source)
    row_count = int(row[0])
    if row_count == 0:
        raise no_rows(source.file_format)
    figures: list[dict[str, Any]] = [
        {"pii_whole": {}, "pii_embedded": {}, "format_variants": {}} for _ in source.columns
    ]
    for (index, name, extra), value in zip(builder.slots, row[1:], strict=True):
        if name in ("pii_whole", "pii_embedded", "format_variants"):
            figures[index][name][extra] = int(value)
        else:
            figures[index][name] = value
    exact = 0 < row_count <= exact_max_rows
    if exact:
        distinct_rows, distinct_values = _exact_counts(con, source)
        for index, count in enumerate(distinct_values):
            figures[index]["distinct"] = count
    else:
        distinct_rows = _distinct_row_hashes(con, source)
    columns = tuple(
        _column_profile(column, figures[index], exact)
        for index, column in enumerate(source.columns)
    )
    return FileProfile(
        row_count=row_count,
        duplicate_rows=row_count - distinct_rows,
        duplicates_exact=exact,
        columns=columns,
    )


def _fetch_one(con: duckdb.DuckDBPyConnection, sql: str, source: FileSource) -> tuple[Any, ...]:
    try:
        row = con.execute(sql).fetchone()
    except duckdb.InvalidInputException as exc:
        raise _rejection(exc, source) from None
    if row is None:
        raise RuntimeError("aggregate query returned no row")
    return tuple(row)


def _rejection(exc: duckdb.InvalidInputException, source: FileSource) -> FileRejected:
    return translate_engine_error(
        exc, source.path, source.file_format, source.max_line_bytes, len(source.columns)
    )


def _exact_counts(
    con: duckdb.DuckDBPyConnection, source: FileSource
) -> tuple[int, list[int]]:
    columns = source.columns
    raw = ", ".join(c.alias for c in columns)
    distinct = ", ".join(f"count(DISTINCT {c.alias})" for c in columns)
    distinct_rows = select_sql("count(*)", f"({select_sql(f'DISTINCT {raw}', source.relation)})")
    row = _fetch_one(con, select_sql(f"({distinct_rows}), {distinct}", source.relation), source)
    return int(row[0]), [int(x) for x in row[1:]]


def _distinct_row_hashes(con: duckdb.DuckDBPyConnection, source: FileSource) -> int:
    row_hash = "hash(" + ", ".join(c.alias for c in source.columns) + ")"
    row = _fetch_one(con, select_sql(f"count(DISTINCT {row_hash})", source.relation), source)
    return int(row[0])


def _column_profile(column: FileColumn, figures: Mapping[str, Any], exact: bool) -> ColumnProfile:
    examples = figures.get("example_rows") or []
    variants = figures["format_variants"]
    conforming = figures.get("conforming")
    return ColumnProfile(
        column=column,
        non_null=int(figures["non_null"]),
        distinct=int(figures["distinct"]),
        distinct_exact=exact,
        conforming=None if conforming is None else int(conforming),
        example_rows=tuple(int(x) for x in examples),
        null_example_rows=tuple(int(x) for x in figures.get("null_example_rows") or []),
        min_value=figures.get("min_value"),
        max_value=figures.get("max_value"),
        inaccurate=int(figures.get("inaccurate") or 0),
        format_variants=_variant_counts(_column_type(column), variants),
        newest=_as_datetime(figures.get("newest")),
        future_values=int(figures.get("future_values") or 0),
        pii_whole=dict(figures["pii_whole"]),
        pii_embedded=dict(figures["pii_embedded"]),
    )


def _variant_counts(col_type: ColumnType, by_code: Mapping[int, int]) -> dict[str, int]:
    return {format_variant_name(col_type, code): n for code, n in by_code.items() if n}


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None
