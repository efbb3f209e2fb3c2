"""Request and response bodies of the dataset API.

``title`` and ``description`` are bilingual objects ``{"zh": ..., "en": ...}``: the
Chinese text is required, the English one optional (empty when absent). A plain
string is accepted as shorthand for ``{"zh": <string>}``; responses always carry
the object.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from services.catalog.analysis import ColumnType
from services.catalog.datasets.model import DatasetStatus
from services.catalog.datasets.vocabulary import (
    LICENCE_IRIS,
    Grade,
    OpenType,
    UpdateFrequency,
)
from services.shared.schemas.names import SafeName

MAX_TITLE_ZH = 200
MAX_TITLE_EN = 300
MAX_DESCRIPTION = 4000

Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
ThemeCode = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Bilingual(_Strict):
    """Text in Chinese and English; a plain string stands for ``{"zh": <string>}``."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"zh": value} if isinstance(value, str) else value


class Title(_Bilingual):
    """A title in Chinese and, optionally, English."""

    zh: SafeName = Field(min_length=1, max_length=MAX_TITLE_ZH)
    en: SafeName = Field(default="", max_length=MAX_TITLE_EN)


class Description(_Bilingual):
    """A description in Chinese and, optionally, English."""

    zh: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    en: str = Field(default="", max_length=MAX_DESCRIPTION)


class ContactPoint(_Strict):
    """The publishing office's contact (an office, never a person's private details)."""

    office: str = Field(min_length=1, max_length=200, examples=["杭州市数据资源管理局 数据开放处"])
    email: str | None = Field(default=None, max_length=254,
                              pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 ()-]{4,31}$")

    @model_validator(mode="after")
    def _reachable(self) -> ContactPoint:
        if not self.email and not self.phone:
            raise ValueError("a contact point needs an email or a phone number")
        return self


class Temporal(_Strict):
    """The period the data covers (either end may be open)."""

    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Temporal:
        if self.start and self.end and self.start > self.end:
            raise ValueError("temporal coverage starts after it ends")
        return self


class Spatial(_Strict):
    """The area the data covers: a GB/T 2260 administrative division code and name."""

    code: str = Field(pattern=r"^[1-8][0-9]{5}$", examples=["330100"])
    name: str = Field(min_length=1, max_length=100, examples=["杭州市"])


class Column(_Strict):
    """A declared column of the dataset's files."""

    name: str = Field(min_length=1, max_length=64)
    type: ColumnType
    description: str = Field(default="", max_length=500)
    required: bool = False


def _check_licence(value: str) -> str:
    if value in LICENCE_IRIS or value.startswith(("https://", "http://")):
        return value
    known = ", ".join(sorted(LICENCE_IRIS))
    raise ValueError(f"licence must be one of {known} or the http(s) URL of its text")


def _distinct(values: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


def _check_columns(columns: list[Column]) -> list[Column]:
    seen: set[str] = set()
    for column in columns:
        folded = column.name.casefold()
        if folded in seen:
            raise ValueError(f"column {column.name!r} is declared twice")
        seen.add(folded)
    return columns


class DatasetFields(_Strict):
    """Metadata fields shared by creation and editing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    title: Title
    description: Description
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)
    themes: list[ThemeCode] = Field(min_length=1, max_length=5,
                                    description="codes from GET /v1/themes")
    open_type: OpenType
    grade: Grade
    update_frequency: UpdateFrequency
    licence: str = Field(max_length=500, description="a known licence id or the URL of one")
    contact_point: ContactPoint | None = None
    temporal: Temporal | None = None
    spatial: Spatial | None = None
    columns: list[Column] = Field(default_factory=list, max_length=500, alias="schema",
                                  description="declared columns of the dataset's files")

    @field_validator("keywords", "themes")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        return _distinct(values)

    @field_validator("licence")
    @classmethod
    def _licence(cls, value: str) -> str:
        return _check_licence(value)

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: list[Column]) -> list[Column]:
        return _check_columns(value)


class DatasetCreate(DatasetFields):
    """A new dataset draft; the publisher is the caller's organisation."""

    publisher_name: SafeName | None = Field(
        default=None, min_length=2, max_length=200,
        description="the publishing organisation's name as shown in the catalog",
    )


class DatasetUpdate(_Strict):
    """A partial change of metadata: fields left out keep their value, ``null`` clears
    an optional one."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    title: Title | None = None
    description: Description | None = None
    keywords: list[Keyword] | None = Field(default=None, max_length=20)
    themes: list[ThemeCode] | None = Field(default=None, min_length=1, max_length=5)
    open_type: OpenType | None = None
    grade: Grade | None = None
    update_frequency: UpdateFrequency | None = None
    licence: str | None = Field(default=None, max_length=500)
    contact_point: ContactPoint | None = None
    temporal: Temporal | None = None
    spatial: Spatial | None = None
    columns: list[Column] | None = Field(default=None, max_length=500, alias="schema")

    @model_validator(mode="after")
    def _required_stay_set(self) -> DatasetUpdate:
        required = ("title", "description", "keywords", "themes", "open_type", "grade",
                    "update_frequency", "licence", "columns")
        cleared = [name for name in required
                   if name in self.model_fields_set and getattr(self, name) is None]
        if cleared:
            raise ValueError(f"{', '.join(cleared)} cannot be null")
        return self

    @field_validator("keywords", "themes")
    @classmethod
    def _no_repeats(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _distinct(values)

    @field_validator("licence")
    @classmethod
    def _licence(cls, value: str | None) -> str | None:
        return None if value is None else _check_licence(value)

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: list[Column] | None) -> list[Column] | None:
        return None if value is None else _check_columns(value)


class ReviewDecision(_Strict):
    """An operator's or regulator's decision on a submitted dataset."""

    approve: bool
    reason: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _refusal_says_why(self) -> ReviewDecision:
        if not self.approve and not self.reason:
            raise ValueError("a rejection needs a reason")
        return self


class DelistRequest(_Strict):
    """Why a dataset leaves the catalog."""

    reason: str = Field(default="", max_length=2000)


class Publisher(BaseModel):
    """The organisation that publishes a dataset."""

    id: str
    name: str


class ReviewState(BaseModel):
    """Where the review stands (shown to the publisher, operators and regulators)."""

    submitted_at: datetime | None
    regulator_approved: bool
    regulator_approved_at: datetime | None
    decided_at: datetime | None
    reason: str | None
    pii_conflicts: list[dict[str, str]] = Field(
        default_factory=list, description="resident IDs or bank cards found in files of a "
        "general + unconditional dataset, not overridden: it cannot be listed so")
    pii_overridden_sha256s: list[str] = Field(
        default_factory=list, description="file contents an operator let stay general + "
        "unconditional despite such findings (recorded in the ledger)")


class PiiOverride(_Strict):
    """Why an operator lets files with resident IDs or bank cards stay general +
    unconditional."""

    reason: str = Field(min_length=4, max_length=2000)


class RevisionMetadata(BaseModel):
    """The metadata of one revision, exactly what ``metadata_sha256`` covers."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    title: Title
    description: Description
    keywords: list[str]
    themes: list[str]
    open_type: OpenType
    grade: Grade
    update_frequency: UpdateFrequency
    licence: str
    contact_point: ContactPoint | None
    temporal: Temporal | None
    spatial: Spatial | None
    columns: list[Column] = Field(alias="schema")


class FileSummary(BaseModel):
    """A file of a revision as the dataset document lists it; its content is at
    ``/v1/datasets/{id}/files/{file_id}/content`` and its full quality report at
    ``.../quality``."""

    id: str
    revision: int = Field(description="the revision the file was uploaded to")
    sha256: str = Field(description="SHA-256 of the content, lower-case hex")
    bytes: int
    rows: int
    format: Literal["csv", "jsonl"]
    media_type: str = Field(examples=["text/csv"])
    uploaded_at: datetime
    quality_score: float | None = Field(
        description="overall GB/T 36344 quality score 0-100 (null when nothing could be "
                    "scored)")
    violations: int = Field(description="schema violations found in the file")
    pii_columns: list[str] = Field(
        description="columns flagged as personal information (masked in the sample)")


class QualitySummary(BaseModel):
    """The quality of the newest file: overall score and the six GB/T 36344 dimensions."""

    file_id: str
    sha256: str
    overall_score: float | None
    dimensions: dict[str, float | None] = Field(
        description="normativity, completeness, accuracy, consistency, timeliness, "
                    "accessibility: score 0-100, or null when unknown")
    analyzed_at: datetime
    report: str = Field(description="path of the full quality report")


class DatasetOut(RevisionMetadata):
    """A dataset as its viewer may see it: its newest revision's metadata and status."""

    id: str
    status: DatasetStatus
    revision: int
    publisher: Publisher
    metadata_sha256: str
    created_at: datetime
    updated_at: datetime
    listed_at: datetime | None
    review: ReviewState | None = Field(
        default=None, description="for the publisher, operators and regulators only"
    )
    files: list[FileSummary] = Field(
        default_factory=list,
        description="the files of this revision, oldest first (a revision that only "
                    "changed metadata keeps the files of the revision before it)",
    )
    quality: QualitySummary | None = Field(
        default=None, description="the quality summary of the newest of these files "
                                  "(null while there are none)",
    )


class DatasetSummary(BaseModel):
    """A dataset in search results."""

    id: str
    status: DatasetStatus
    revision: int
    title: Title
    description: Description
    keywords: list[str]
    themes: list[str]
    publisher: Publisher
    open_type: OpenType
    grade: Grade
    update_frequency: UpdateFrequency
    updated_at: datetime
    listed_at: datetime | None
    relevance: int | None = Field(description="the score when q is given (see the docs)")


class SearchPage(BaseModel):
    """One page of search results and the cursor of the next (null on the last page)."""

    items: list[DatasetSummary]
    next_cursor: str | None


class RevisionSummary(BaseModel):
    """One revision in a dataset's history."""

    revision: int
    metadata_sha256: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class RevisionOut(RevisionMetadata):
    """One revision's full metadata."""

    dataset_id: str
    revision: int
    publisher: Publisher
    metadata_sha256: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    files: list[FileSummary] = Field(default_factory=list,
                                     description="the files of this revision")
    quality: QualitySummary | None = None


StatusFilter = Literal["draft", "submitted", "listed", "rejected", "delisted"]
