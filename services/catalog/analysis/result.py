"""The typed result of a file analysis, JSON-ready through ``to_dict()``.

``FileAnalysis`` holds the row count, per-column statistics, schema violations, the
quality report, the PII findings and the masked sample rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

from services.catalog.analysis.columns import ColumnType, FileFormat
from services.catalog.analysis.pii import PiiKind
from services.catalog.analysis.quality import QualityReport


class ViolationKind(StrEnum):
    """How a file departs from the dataset's declared schema."""

    MISSING_COLUMN = "missing_column"
    NULL_IN_REQUIRED_COLUMN = "null_in_required_column"
    TYPE_MISMATCH = "type_mismatch"
    UNDECLARED_COLUMN = "undeclared_column"


@dataclass(frozen=True, slots=True)
class ColumnStats:
    """Figures for one column of the file (or a declared column the file lacks)."""

    name: str
    declared_type: ColumnType | None
    required: bool
    documented: bool
    present: bool
    non_null_count: int
    null_count: int
    null_ratio: float
    distinct_count: int
    distinct_count_exact: bool
    conforming_count: int
    conformance_ratio: float | None
    min_value: str | None
    max_value: str | None
    dominant_format: str | None
    format_consistency: float | None
    accuracy_checked: int
    inaccurate_count: int


@dataclass(frozen=True, slots=True)
class SchemaViolation:
    """A departure from the declared schema: a missing column, or values of the wrong type."""

    column: str
    kind: ViolationKind
    required: bool
    count: int
    example_rows: tuple[int, ...]
    message: str


@dataclass(frozen=True, slots=True)
class PiiFinding:
    """Personal information of one kind found in one column (counts only, never values)."""

    column: str
    kind: PiiKind
    match_count: int
    ratio: float
    whole_value_count: int
    embedded_count: int
    flagged: bool


@dataclass(frozen=True, slots=True)
class FileAnalysis:
    """Everything the catalog shows about an uploaded data file."""

    file_format: FileFormat
    size_bytes: int
    encoding: str
    has_bom: bool
    analyzed_at: datetime
    row_count: int
    duplicate_row_count: int
    duplicate_count_exact: bool
    columns: tuple[ColumnStats, ...]
    violations: tuple[SchemaViolation, ...]
    quality: QualityReport
    pii: tuple[PiiFinding, ...]
    sample_rows: tuple[Mapping[str, str | None], ...]
    notes: tuple[str, ...]

    def column(self, name: str) -> ColumnStats:
        """The statistics of one column by name."""
        for stats in self.columns:
            if stats.name == name:
                return stats
        raise KeyError(name)

    @property
    def flagged_columns(self) -> dict[str, PiiKind]:
        """Columns classified as a whole as one kind of personal information."""
        return {f.column: f.kind for f in self.pii if f.flagged}

    def to_dict(self) -> dict[str, Any]:
        """The analysis as plain JSON types (enums as values, times in ISO 8601)."""
        result = to_jsonable(self)
        assert isinstance(result, dict)
        result["quality"]["dimensions"] = [
            {**item, "status": "unknown" if item["score"] is None else "scored"}
            for item in result["quality"]["dimensions"]
        ]
        return result


def to_jsonable(value: Any) -> Any:
    """Convert dataclasses, enums, mappings, sequences and times into JSON types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value
