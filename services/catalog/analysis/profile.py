"""Streaming passes over the file that measure every column, each built as one SQL query.

The main pass is a single aggregate over a layered projection, so that each expensive
expression is computed once per value and only where a cheaper one says it can matter
(an expression inside a ``CASE`` branch runs only on the rows its condition selects,
while both sides of an ``AND`` in a projection run on every row):

0. per column, the text value ``vN`` (null when empty), whether it conforms to the
   declared type (``okN``), its PII shape (``sN``: byte-length and first-character
   gates, then one regex) and its hash (``hN``);
1. the format variant of conforming values (``fN``), the value as a number where its
   shape is numeric (``nN``) and, per free-text column, the prefilter for embedded ID
   numbers, cards and mobiles (``dN``: a run of 11 digits);
2. the typed sort key of conforming values (``kN``), the first 17 digits of ID-shaped
   values (``pN``) and the first embedded ID candidate, extracted where ``dN`` holds;
3. the PII kind of the whole value (``wN``, check digits computed on the numbers) and
   the ID candidate's digits; 4-5. the first embedded card candidate and its number.

The aggregate computes counts, approximate distinct counts (HyperLogLog over the value
hashes), extremes, format counts, the embedded findings (checks inside ``CASE``) and the
number of distinct 64-bit row hashes (combined from the value hashes). Every aggregate
has bounded state except the distinct-row hash set, which the engine spills to disk
beyond its memory limit. Nothing in this pass depends on row order, so the engine reads
and measures the file on all its threads.

Row numbers of examples (values of the wrong type, nulls in required columns) need the
file's order: a second query numbers the rows in one ordered stream read in small
buffers, and it is read only until every such column has its first examples; the counts
from the main pass say how many there are, so a file without violations skips it. A
file small enough (``exact_max_rows``) gets one more pass with exact distinct counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from services.catalog.analysis.columns import (
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
from services.catalog.analysis.pii import (
    WHOLE_VALUE_CODES,
    PiiKind,
    embedded_candidate_sql,
    embedded_card_number_sql,
    embedded_card_valid_sql,
    embedded_digits_gate_sql,
    embedded_email_sql,
    embedded_id_first17_sql,
    embedded_id_valid_sql,
    embedded_mobile_sql,
    invalid_x_id_sql,
    is_person_name_header,
    shape_first17_sql,
    shape_number_sql,
    shape_sql,
    whole_value_kind_sql,
)
from services.catalog.analysis.rejection import FileRejected
from services.catalog.analysis.source import (
    FileColumn,
    FileSource,
    no_rows,
    translate_engine_error,
)

PII_SCANNED_TYPES = frozenset({ColumnType.STRING, ColumnType.INTEGER})
LAYERS = 6
# Aggregates whose value is a count (``count_if`` over no true value gives null).
_COUNTS_BY_KIND = frozenset({"pii_whole", "pii_embedded", "format_variants"})
_COUNTS = frozenset({"non_null", "distinct", "conforming", "inaccurate", "future_values"})
_EXAMPLE_FIRST_BATCH = 16
_EXAMPLE_BATCH = 2048


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


def _base_relation(source: FileSource, *, head: bool = False) -> str:
    values = ", ".join(f"{c.alias} AS v{i}" for i, c in enumerate(source.columns))
    relation = source.head_relation if head and source.head_relation else source.relation
    return f"({select_sql(values, relation)})"


class _QueryBuilder:
    """Collects the layered projections and the aggregates, and where each result lands."""

    def __init__(self, source: FileSource, *, now: datetime) -> None:
        self.source = source
        self.now = now
        self.today = now.date()
        self.layers: list[list[str]] = [[] for _ in range(LAYERS)]
        self.aggregates: list[str] = []
        self.slots: list[tuple[int, str, Any]] = []

    def aggregate(self, column_index: int, name: str, sql: str, extra: Any = None) -> None:
        self.slots.append((column_index, name, extra))
        self.aggregates.append(sql)

    def build(self) -> str:
        for index, column in enumerate(self.source.columns):
            self._column(index, column)
        relation = _base_relation(self.source)
        for layer in self.layers:
            if layer:
                relation = f"({select_sql('*, ' + ', '.join(layer), relation)})"
        row_hash = "hash(" + ", ".join(f"h{i}" for i in range(len(self.source.columns))) + ")"
        head = ["count(*)", f"count(DISTINCT {row_hash})"]
        return select_sql(", ".join(head + self.aggregates), relation)

    def _column(self, i: int, column: FileColumn) -> None:
        col_type = _column_type(column)
        v = f"v{i}"
        self.aggregate(i, "non_null", f"count({v})")
        # Each value is hashed once: its hash feeds the column's HyperLogLog and the row's
        # hash (a null's hash is null, so that HyperLogLog ignores it; the row hash still
        # tells a null from a value).
        self.layers[0].append(f"CASE WHEN {v} IS NOT NULL THEN hash({v}) END AS h{i}")
        self.aggregate(i, "distinct", f"approx_count_distinct(h{i})")
        conform = conformance_sql(col_type, v)
        if conform is not None:
            self._typed_column(i, col_type, conform)
        if col_type in PII_SCANNED_TYPES:
            self._pii_column(i, column)

    def _typed_column(self, i: int, col_type: ColumnType, conform: str) -> None:
        v, ok, k, f = f"v{i}", f"ok{i}", f"k{i}", f"f{i}"
        self.layers[0].append(f"{conform} AS {ok}")
        self.aggregate(i, "conforming", f"count_if({ok})")
        variant = format_variant_sql(col_type, v)
        if variant is not None:
            self.layers[1].append(f"CASE WHEN {ok} THEN {variant} END AS {f}")
            for code in format_variant_codes(col_type):
                self.aggregate(i, "format_variants", f"count_if({f} = {code})", code)
        key = sort_key_sql(col_type, v, f)
        if key is None:
            return
        self.layers[2].append(f"CASE WHEN {ok} THEN {key} END AS {k}")
        self.aggregate(i, "min_value", f"arg_min({v}, {k})")
        self.aggregate(i, "max_value", f"arg_max({v}, {k})")
        accurate = accuracy_sql(col_type, v, k)
        if accurate is not None:
            self.aggregate(
                i, "inaccurate", f"count_if(CASE WHEN {ok} THEN NOT ({accurate}) ELSE false END)"
            )
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
        self.layers[0].append(f"{shape_sql(v, name_column=name_column)} AS {shape}")
        self.layers[1].append(f"{shape_number_sql(v, shape)} AS {number}")
        self.layers[2].append(f"{shape_first17_sql(v, shape, number)} AS {first17}")
        self.layers[3].append(
            f"{whole_value_kind_sql(shape, first17, number, today=self.today)} AS {w}"
        )
        for kind, code in WHOLE_VALUE_CODES.items():
            if kind is PiiKind.PERSON_NAME and not name_column:
                continue
            self.aggregate(i, "pii_whole", f"count_if({w} = {code})", kind)
        if _scans_embedded(column):
            self._embedded(i, v, shape, number, w)

    def _embedded(self, i: int, v: str, shape: str, number: str, kind: str) -> None:
        digits, id_text, card_text = f"d{i}", f"e{i}_id", f"e{i}_card"
        id_first17, card_number = f"e{i}_idp", f"e{i}_cardn"
        self.layers[1].append(f"{embedded_digits_gate_sql(v, shape)} AS {digits}")
        self.layers[2].append(
            f"{embedded_candidate_sql(PiiKind.RESIDENT_ID, v, digits)} AS {id_text}"
        )
        self.layers[3].append(f"{embedded_id_first17_sql(id_text)} AS {id_first17}")
        card_gate = f"{digits} OR {invalid_x_id_sql(shape, number, kind)}"
        self.layers[4].append(
            f"{embedded_candidate_sql(PiiKind.BANK_CARD, v, card_gate)} AS {card_text}"
        )
        self.layers[5].append(f"{embedded_card_number_sql(card_text)} AS {card_number}")
        id_valid = f"e{i}_id_ok"
        self.layers[4].append(
            f"{embedded_id_valid_sql(id_text, id_first17, today=self.today)} AS {id_valid}"
        )
        conditions = {
            PiiKind.RESIDENT_ID: id_valid,
            PiiKind.BANK_CARD: embedded_card_valid_sql(
                card_text, card_number, id_text, id_valid
            ),
            PiiKind.MOBILE: embedded_mobile_sql(v, digits),
            PiiKind.EMAIL: embedded_email_sql(v, shape),
        }
        for kind, condition in conditions.items():
            self.aggregate(i, "pii_embedded", f"count_if({condition})", kind)


def profile_file(
    con: duckdb.DuckDBPyConnection,
    source: FileSource,
    *,
    now: datetime,
    example_rows: int,
    exact_max_rows: int,
) -> FileProfile:
    """Measure every column of the file: one parallel pass, then what needs row order."""
    builder = _QueryBuilder(source, now=now)
    row = _fetch_one(con, builder.build(), source)
    row_count, distinct_rows = int(row[0]), int(row[1])
    if row_count == 0:
        raise no_rows(source.file_format)
    figures: list[dict[str, Any]] = [
        {"pii_whole": {}, "pii_embedded": {}, "format_variants": {}} for _ in source.columns
    ]
    for (index, name, extra), value in zip(builder.slots, row[2:], strict=True):
        if name in _COUNTS_BY_KIND:
            figures[index][name][extra] = int(value or 0)
        elif name in _COUNTS:
            figures[index][name] = int(value or 0)
        else:
            figures[index][name] = value
    exact = 0 < row_count <= exact_max_rows
    if exact:
        distinct_rows, distinct_values = _exact_counts(con, source)
        for index, count in enumerate(distinct_values):
            figures[index]["distinct"] = count
    examples = _example_rows(con, source, figures, row_count, example_rows)
    for (index, name), rows in examples.items():
        figures[index][name] = rows
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


def _example_rows(
    con: duckdb.DuckDBPyConnection,
    source: FileSource,
    figures: Sequence[Mapping[str, Any]],
    row_count: int,
    limit: int,
) -> dict[tuple[int, str], tuple[int, ...]]:
    """The first row numbers of each column's wrong-type values and required-column nulls.

    ``figures`` holds the main pass's counts, so the ordered stream is read only until
    every wanted list is full (to the end only when a list's last example is there).
    """
    wanted: list[tuple[int, str, str, int]] = []
    for index, column in enumerate(source.columns):
        v = f"v{index}"
        spec = column.spec
        non_null = int(figures[index]["non_null"])
        if spec is not None and spec.required and non_null < row_count:
            wanted.append((index, "null_example_rows", f"{v} IS NULL", row_count - non_null))
        conform = conformance_sql(_column_type(column), v)
        conforming = figures[index].get("conforming")
        if conform is not None and conforming is not None and int(conforming) < non_null:
            wanted.append(
                (index, "example_rows", f"coalesce(NOT ({conform}), false)",
                 non_null - int(conforming))
            )
    if not wanted:
        return {}
    flags = ", ".join(f"{condition} AS b{n}" for n, (_, _, condition, _) in enumerate(wanted))
    numbered = select_sql(
        f"row_number() OVER () AS rn, {flags}", _base_relation(source, head=True)
    )
    any_flag = " OR ".join(f"b{n}" for n in range(len(wanted)))
    sql = select_sql("*", f"({numbered}) WHERE {any_flag}")
    found: list[list[int]] = [[] for _ in wanted]
    targets = [min(count, limit) for *_, count in wanted]
    cursor = con.cursor()
    try:
        cursor.execute("SET enable_progress_bar = false")
        cursor.execute(sql)
        batch_size = _EXAMPLE_FIRST_BATCH
        while any(len(rows) < target for rows, target in zip(found, targets, strict=True)):
            batch = cursor.fetchmany(batch_size)
            if not batch:
                break
            batch_size = min(2 * batch_size, _EXAMPLE_BATCH)
            for record in batch:
                for n, flag in enumerate(record[1:]):
                    if flag and len(found[n]) < targets[n]:
                        found[n].append(int(record[0]))
    except duckdb.InvalidInputException as exc:
        raise _rejection(exc, source) from None
    finally:
        cursor.close()
    return {
        (index, name): tuple(rows)
        for (index, name, _, _), rows in zip(wanted, found, strict=True)
    }


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
