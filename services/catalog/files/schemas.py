"""Response bodies of the file routes, so that OpenAPI shows what each route returns.

The quality report, column figures, violations and PII findings are stored as JSON at
upload (see ``service.add_file``) and returned as stored. Column figures, violations and
PII findings are the analysis engine's own result types, stored field for field; the
quality report's models keep any key they do not name (``extra="allow"``) and a whole
number a whole number (``Number``), so that a body reads exactly as it is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from services.catalog.analysis import ColumnStats, PiiFinding, QualityDimension, SchemaViolation

Number = Annotated[int | float, WithJsonSchema({"type": "number"})]
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Figure = int | float | str | bool | None


class _Stored(BaseModel):
    model_config = ConfigDict(extra="allow")


class DimensionScore(_Stored):
    """One GB/T 36344 dimension: its score (null: nothing to measure), formula and figures."""

    dimension: QualityDimension
    name_zh: str
    score: Number | None
    formula: str
    figures: dict[str, Figure]
    status: str = Field(description="`scored`, or `unknown` when the score is null")


class QualityReport(_Stored):
    """The quality report stored at upload: the six dimension scores and the weighted
    overall score, with the column figures and schema violations behind them."""

    overall_score: Number | None
    overall_formula: str
    weights: dict[QualityDimension, Number]
    dimensions: list[DimensionScore]
    violations: list[SchemaViolation]
    columns: list[ColumnStats]
    duplicate_row_count: int
    encoding: str
    analyzed_at: Timestamp


class UploadedFile(BaseModel):
    """A file just added to a dataset revision, with its quality report."""

    id: str
    dataset_id: str
    revision: int
    sha256: str
    bytes: int
    rows: int
    format: str = Field(description="`csv` or `jsonl`")
    media_type: str
    quality: QualityReport
    created_at: Timestamp
    uploaded_at: Timestamp


class FileQuality(BaseModel):
    """A file's quality report and the personal information found in it."""

    file_id: str
    sha256: str
    rows: int
    quality: QualityReport
    pii: list[PiiFinding]


class FileSample(BaseModel):
    """The first rows of a file, personal information masked, taken at upload."""

    file_id: str
    rows: list[dict[str, str | None]]


class UsageCounted(BaseModel):
    """What a call counted against a metered grant (``report_id`` is unique to it)."""

    report_id: str
    meter: str = Field(description="`call` or `1000_rows`")
    calls: int
    rows: int


class RowsPage(BaseModel):
    """A page of a file's rows; ``usage`` only under a metered grant."""

    dataset_id: str
    file_id: str
    sha256: str
    columns: list[str]
    offset: int
    rows: list[dict[str, Any]]
    next_offset: int | None = Field(description="where the next page starts; null after "
                                                "the last row")
    usage: UsageCounted | None = Field(default=None, description="absent unless the grant "
                                                                 "is metered")


class WithdrawalIn(BaseModel):
    """Why a publisher withdraws a file (uploaded by mistake, say)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500,
                        description="kept with the file; the ledger keeps its SHA-256")


class FileWithdrawn(BaseModel):
    """A withdrawn file: no longer served; its hash stays on record."""

    id: str
    dataset_id: str
    revision: int
    sha256: str
    withdrawn_at: datetime
    withdraw_reason: str
