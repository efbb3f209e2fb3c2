"""Declared dataset schemas and the per-type rules that decide whether a value conforms.

A dataset declares its columns as ``{name, type, description, required}``. Every value is
read as text exactly as written (an empty CSV field, a JSON ``null``, an empty JSON string
or a missing key is a null; surrounding spaces are part of the value) and judged against
its declared type by the SQL expressions built here, so that the same rule runs
vectorised inside the columnar engine for every row.

Lexical formats (normativity, 规范性) per declared type:

* ``string``: anything.
* ``integer``: optional sign and decimal digits (``-12``, ``+7``, ``007``).
* ``decimal``: plain decimal notation, optional exponent (``3``, ``-0.50``, ``.5``, ``1e6``).
* ``boolean``: ``true/false``, ``1/0``, ``t/f``, ``yes/no``, ``y/n`` (any letter case) or ``是/否``.
* ``date``: ISO 8601 calendar date ``YYYY-MM-DD``.
* ``datetime``: ISO 8601 ``YYYY-MM-DD[T ]hh:mm[:ss[.fraction]]`` with an optional ``Z`` or
  ``±hh[:mm]`` offset; a value without an offset is taken as UTC.

A value in the right format can still be wrong (accuracy, 准确性): an impossible calendar
date (``2023-02-30``), a year outside ``PLAUSIBLE_YEARS``, or an integer beyond 64 bits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.catalog.analysis.rejection import FileRejected, RejectionReason


class ColumnType(StrEnum):
    """The value types a dataset schema may declare for a column (the dataset API takes
    the same)."""

    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"


class FileFormat(StrEnum):
    """The machine-readable file formats a dataset file may be uploaded in."""

    CSV = "csv"
    JSONL = "jsonl"


class SchemaError(ValueError):
    """The declared schema itself is invalid (a caller error, not a file rejection)."""


PLAUSIBLE_YEARS = (1900, 2100)

TEMPORAL_TYPES = frozenset({ColumnType.DATE, ColumnType.DATETIME})

INTEGER_PATTERN = r"[+-]?[0-9]+"
DECIMAL_PATTERN = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATETIME_PATTERN = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
)
BOOLEAN_PATTERN = r"(?i:true|false|t|f|yes|no|y|n)|1|0|是|否"
BOOLEAN_FAMILIES: Mapping[str, str] = {
    "true": "true/false",
    "false": "true/false",
    "1": "1/0",
    "0": "1/0",
    "t": "t/f",
    "f": "t/f",
    "yes": "yes/no",
    "no": "yes/no",
    "y": "y/n",
    "n": "y/n",
    "是": "是/否",
    "否": "是/否",
}


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One declared column of a dataset: name, type, description and whether it is required."""

    name: str
    type: ColumnType
    description: str = ""
    required: bool = False

    @property
    def documented(self) -> bool:
        """Whether the column carries a non-empty description."""
        return bool(self.description.strip())


def parse_columns(columns: Iterable[ColumnSpec | Mapping[str, Any]]) -> tuple[ColumnSpec, ...]:
    """Validate a declared schema given as specs or ``{name, type, ...}`` mappings."""
    specs: list[ColumnSpec] = []
    seen: dict[str, str] = {}
    for position, item in enumerate(columns, start=1):
        spec = item if isinstance(item, ColumnSpec) else _spec_from_mapping(item, position)
        name = spec.name.strip()
        if not name:
            raise SchemaError(f"declared column {position} has an empty name")
        if name != spec.name:
            spec = ColumnSpec(name, spec.type, spec.description, spec.required)
        folded = name.casefold()
        if folded in seen:
            raise SchemaError(f"declared columns {seen[folded]!r} and {name!r} have the same name")
        seen[folded] = name
        specs.append(spec)
    return tuple(specs)


def _spec_from_mapping(item: Mapping[str, Any], position: int) -> ColumnSpec:
    name = item.get("name")
    if not isinstance(name, str):
        raise SchemaError(f"declared column {position} needs a string 'name'")
    raw_type = item.get("type")
    try:
        col_type = ColumnType(str(raw_type).lower())
    except ValueError:
        allowed = ", ".join(t.value for t in ColumnType)
        raise SchemaError(
            f"declared column {name!r} has type {raw_type!r}; expected one of {allowed}"
        ) from None
    description = item.get("description") or ""
    if not isinstance(description, str):
        raise SchemaError(f"declared column {name!r} has a non-string description")
    return ColumnSpec(name, col_type, description, bool(item.get("required", False)))


def sql_literal(text: str) -> str:
    """Quote text as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def select_sql(expressions: str, relation: str) -> str:
    """A SELECT statement from engine-built parts.

    Every identifier in the analysis SQL is a generated alias (``c0``, ``v0``...) and every
    text from the file or the caller goes through ``sql_literal``, so composing is safe.
    """
    return f"SELECT {expressions} FROM {relation}"  # noqa: S608


def conformance_sql(col_type: ColumnType, v: str) -> str | None:
    """SQL that is true when the non-null text ``v`` is in the declared type's format."""
    if col_type is ColumnType.STRING:
        return None
    if col_type is ColumnType.BOOLEAN:
        return f"regexp_full_match({v}, {sql_literal(BOOLEAN_PATTERN)})"
    pattern = {
        ColumnType.INTEGER: INTEGER_PATTERN,
        ColumnType.DECIMAL: DECIMAL_PATTERN,
        ColumnType.DATE: DATE_PATTERN,
        ColumnType.DATETIME: DATETIME_PATTERN,
    }[col_type]
    return f"regexp_full_match({v}, {sql_literal(pattern)})"


def sort_key_sql(col_type: ColumnType, v: str, variant: str) -> str | None:
    """SQL for the typed value that orders a column (numeric or chronological), if any.

    Datetimes with an offset are converted to UTC; ``variant`` is the column holding the
    code from ``format_variant_sql``, which says whether the value carries an offset.
    """
    if col_type is ColumnType.DATETIME:
        return (
            f"CASE WHEN {variant} >= {_DATETIME_TZ_STEP} "
            f"THEN CAST(try_cast({v} AS TIMESTAMPTZ) AS TIMESTAMP) "
            f"ELSE try_cast({v} AS TIMESTAMP) END"
        )
    return {
        ColumnType.INTEGER: f"try_cast({v} AS HUGEINT)",
        ColumnType.DECIMAL: f"try_cast({v} AS DOUBLE)",
        ColumnType.DATE: f"try_cast({v} AS DATE)",
    }.get(col_type)


def plausible_range_sql(col_type: ColumnType) -> tuple[str, str]:
    """SQL literals bounding the plausible dates or datetimes."""
    low, high = PLAUSIBLE_YEARS
    if col_type is ColumnType.DATE:
        return f"DATE '{low}-01-01'", f"DATE '{high}-12-31'"
    return f"TIMESTAMP '{low}-01-01 00:00:00'", f"TIMESTAMP '{high}-12-31 23:59:59.999999'"


_BIGINT_RANGE = (-(1 << 63), (1 << 63) - 1)


def accuracy_sql(col_type: ColumnType, v: str, key: str) -> str | None:
    """SQL that is true when a conforming value is also plausible (accuracy), if checked.

    ``key`` is the value's sort key from ``sort_key_sql`` (an integer's is a HUGEINT, null
    beyond it), so an integer fits in 64 bits exactly when its key lies in BIGINT's range.
    """
    if col_type is ColumnType.INTEGER:
        smallest, largest = _BIGINT_RANGE
        return f"coalesce({key} BETWEEN {smallest} AND {largest}, false)"
    if col_type in TEMPORAL_TYPES:
        low, high = plausible_range_sql(col_type)
        return f"coalesce({key} BETWEEN {low} AND {high}, false)"
    return None


_DATETIME_TZ_STEP = 6
_DATETIME_PRECISIONS = ("hh:mm", "hh:mm:ss", "hh:mm:ss.ffffff")
_DATETIME_ZONES = ("", "Z", "±hh:mm")
_INTEGER_VARIANTS = ("plain digits", "explicit plus sign", "zero-padded")
_DECIMAL_MAX_PLACES = 5
_BOOLEAN_FAMILY_NAMES = ("true/false", "1/0", "t/f", "yes/no", "y/n", "是/否")
_BOOLEAN_OTHER_CASE = len(_BOOLEAN_FAMILY_NAMES)


def format_variant_sql(col_type: ColumnType, v: str) -> str | None:
    """SQL giving a small integer code for the lexical variant of a conforming value.

    Format consistency is the share of a column's conforming values written in its most
    common variant; ``format_variant_codes`` lists the codes a type can produce and
    ``format_variant_name`` turns one into words. The SQL relies on the value conforming
    (it is only evaluated for such values): a conforming integer that sorts at or after
    ``'1'`` starts with a digit from 1 to 9; the only ``T``, ``.`` or ``+`` a conforming
    datetime can hold is its separator, fraction point or offset sign, and a ``-`` after
    its 16th character can only be an offset sign.
    """
    if col_type is ColumnType.INTEGER:
        return (
            f"CASE WHEN {v} >= '1' THEN 0 WHEN starts_with({v}, '+') THEN 1 WHEN strlen({v}) > 1 "
            f"AND (starts_with({v}, '0') OR starts_with({v}, '-0')) THEN 2 ELSE 0 END"
        )
    if col_type is ColumnType.DECIMAL:
        return (
            f"CASE WHEN contains({v}, 'e') OR contains({v}, 'E') THEN {_DECIMAL_MAX_PLACES + 1} "
            f"WHEN contains({v}, '.') THEN least(strlen({v}) - strpos({v}, '.'), "
            f"{_DECIMAL_MAX_PLACES}) ELSE 0 END"
        )
    if col_type is ColumnType.BOOLEAN:
        whens = " ".join(
            f"WHEN {sql_literal(token)} THEN {_BOOLEAN_FAMILY_NAMES.index(family)}"
            for token, family in BOOLEAN_FAMILIES.items()
        )
        return f"CASE {v} {whens} ELSE {_BOOLEAN_OTHER_CASE} END"
    if col_type is ColumnType.DATETIME:
        separator = f"CAST(contains({v}, 'T') AS INTEGER)"
        precision = (
            f"CASE WHEN substr({v}, 17, 1) <> ':' THEN 0 WHEN contains({v}, '.') THEN 2 ELSE 1 END"
        )
        zone = (
            f"CASE WHEN ends_with({v}, 'Z') THEN 1 WHEN contains({v}, '+') "
            f"OR contains(substr({v}, 17), '-') THEN 2 ELSE 0 END"
        )
        return f"({separator} + 2 * ({precision}) + {_DATETIME_TZ_STEP} * ({zone}))"
    return None


def format_variant_codes(col_type: ColumnType) -> tuple[int, ...]:
    """Every code ``format_variant_sql`` can give for a type."""
    counts = {
        ColumnType.INTEGER: len(_INTEGER_VARIANTS),
        ColumnType.DECIMAL: _DECIMAL_MAX_PLACES + 2,
        ColumnType.BOOLEAN: _BOOLEAN_OTHER_CASE + 1,
        ColumnType.DATETIME: 3 * _DATETIME_TZ_STEP,
    }
    return tuple(range(counts.get(col_type, 0)))


def format_variant_name(col_type: ColumnType, code: int) -> str:
    """Words for a code produced by ``format_variant_sql``."""
    if col_type is ColumnType.INTEGER:
        return _INTEGER_VARIANTS[code]
    if col_type is ColumnType.DECIMAL:
        if code > _DECIMAL_MAX_PLACES:
            return "exponent notation"
        more = " or more" if code == _DECIMAL_MAX_PLACES else ""
        return f"{code}{more} decimal places"
    if col_type is ColumnType.BOOLEAN:
        if code == _BOOLEAN_OTHER_CASE:
            return "upper or mixed case"
        return _BOOLEAN_FAMILY_NAMES[code]
    if col_type is ColumnType.DATETIME:
        zone, rest = divmod(code, _DATETIME_TZ_STEP)
        precision, separator = divmod(rest, 2)
        return (
            f"YYYY-MM-DD{'T' if separator else ' '}"
            f"{_DATETIME_PRECISIONS[precision]}{_DATETIME_ZONES[zone]}"
        )
    return str(code)


def check_column_names(names: Sequence[str], *, what: str) -> None:
    """Refuse file column names that are empty or equal ignoring letter case."""
    first_seen: dict[str, tuple[int, str]] = {}
    for position, name in enumerate(names, start=1):
        if not name.strip():
            raise FileRejected(
                RejectionReason.EMPTY_HEADER_NAME,
                f"{what} {position} has an empty name; every column needs a unique, "
                "non-empty name",
            )
        folded = name.casefold()
        if folded in first_seen:
            earlier_position, earlier = first_seen[folded]
            same = "the same name" if earlier == name else "names that differ only in letter case"
            raise FileRejected(
                RejectionReason.DUPLICATE_HEADER_NAME,
                f"{what}s {earlier_position} ({earlier!r}) and {position} ({name!r}) have "
                f"{same}; rename one so that every column name is unique",
                column=name,
            )
        first_seen[folded] = (position, name)
