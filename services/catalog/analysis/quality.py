"""Data-quality scores on the six GB/T 36344-2018 dimensions, from figures measured on a file.

Every function here is pure: it takes the counts the profiling pass produced and returns a
``DimensionScore`` holding the score (0-100, or ``None`` when there is nothing to measure,
shown as ``unknown``), the formula as text and the figures it came from, so that a reader
can recompute any score by hand. ``combine`` applies the stated weighted mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

Figure = int | float | str | bool | None


class QualityDimension(StrEnum):
    """The six quality dimensions of GB/T 36344-2018."""

    NORMATIVITY = "normativity"
    COMPLETENESS = "completeness"
    ACCURACY = "accuracy"
    CONSISTENCY = "consistency"
    TIMELINESS = "timeliness"
    ACCESSIBILITY = "accessibility"


DIMENSION_NAMES_ZH: Mapping[QualityDimension, str] = {
    QualityDimension.NORMATIVITY: "规范性",
    QualityDimension.COMPLETENESS: "完整性",
    QualityDimension.ACCURACY: "准确性",
    QualityDimension.CONSISTENCY: "一致性",
    QualityDimension.TIMELINESS: "时效性",
    QualityDimension.ACCESSIBILITY: "可访问性",
}

DEFAULT_WEIGHTS: Mapping[QualityDimension, float] = {
    QualityDimension.NORMATIVITY: 0.20,
    QualityDimension.COMPLETENESS: 0.20,
    QualityDimension.ACCURACY: 0.20,
    QualityDimension.CONSISTENCY: 0.15,
    QualityDimension.TIMELINESS: 0.10,
    QualityDimension.ACCESSIBILITY: 0.15,
}

REQUIRED_COLUMN_WEIGHT = 2
OPTIONAL_COLUMN_WEIGHT = 1


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """One dimension's score with the formula and the figures it was computed from."""

    dimension: QualityDimension
    name_zh: str
    score: float | None
    formula: str
    figures: Mapping[str, Figure] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """``scored``, or ``unknown`` when the file gave nothing to measure."""
        return "unknown" if self.score is None else "scored"


@dataclass(frozen=True, slots=True)
class QualityReport:
    """The six dimension scores and the overall score with its formula and weights."""

    overall_score: float | None
    overall_formula: str
    weights: Mapping[QualityDimension, float]
    dimensions: tuple[DimensionScore, ...]

    def dimension(self, dimension: QualityDimension) -> DimensionScore:
        """The score of one dimension."""
        for item in self.dimensions:
            if item.dimension is dimension:
                return item
        raise KeyError(dimension)


@dataclass(frozen=True, slots=True)
class CompletenessColumn:
    """What completeness needs to know about one declared column."""

    name: str
    required: bool
    present: bool
    non_null_ratio: float


@dataclass(frozen=True, slots=True)
class AccuracyCheck:
    """One plausibility rule applied to one column: how many values it checked and failed."""

    column: str
    rule: str
    checked: int
    inaccurate: int


def _score(value: float) -> float:
    return round(min(max(value, 0.0), 100.0), 2)


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 6) if denominator else 0.0


def _dimension(
    dimension: QualityDimension, score: float | None, formula: str, figures: Mapping[str, Figure]
) -> DimensionScore:
    return DimensionScore(
        dimension=dimension,
        name_zh=DIMENSION_NAMES_ZH[dimension],
        score=None if score is None else _score(score),
        formula=formula,
        figures=dict(figures),
    )


def score_normativity(*, typed_values: int, conforming_values: int) -> DimensionScore:
    """Normativity (规范性): share of non-null values in typed columns that match their type."""
    score = None if typed_values == 0 else 100 * conforming_values / typed_values
    return _dimension(
        QualityDimension.NORMATIVITY,
        score,
        "100 × conforming_values / typed_values, over the non-null values of declared columns "
        "whose type is not string; unknown when there are none",
        {
            "typed_values": typed_values,
            "conforming_values": conforming_values,
            "non_conforming_values": typed_values - conforming_values,
        },
    )


def score_completeness(columns: Sequence[CompletenessColumn]) -> DimensionScore:
    """Completeness (完整性): weighted mean non-null ratio, a missing column counting as empty."""
    total_weight = 0
    weighted = 0.0
    for column in columns:
        weight = REQUIRED_COLUMN_WEIGHT if column.required else OPTIONAL_COLUMN_WEIGHT
        total_weight += weight
        weighted += weight * (column.non_null_ratio if column.present else 0.0)
    score = None if total_weight == 0 else 100 * weighted / total_weight
    required = [c for c in columns if c.required]
    return _dimension(
        QualityDimension.COMPLETENESS,
        score,
        f"100 × Σ(w × non_null_ratio) / Σw over declared columns, w = {REQUIRED_COLUMN_WEIGHT} "
        f"for a required column and {OPTIONAL_COLUMN_WEIGHT} otherwise; a declared column "
        "missing from the file has non_null_ratio 0",
        {
            "declared_columns": len(columns),
            "declared_columns_missing": sum(1 for c in columns if not c.present),
            "required_columns": len(required),
            "required_columns_missing": sum(1 for c in required if not c.present),
            "weighted_non_null_ratio": _ratio(weighted, total_weight),
        },
    )


def score_accuracy(checks: Sequence[AccuracyCheck]) -> DimensionScore:
    """Accuracy (准确性): share of checked values that pass plausibility and check-digit rules."""
    checked = sum(c.checked for c in checks)
    inaccurate = sum(c.inaccurate for c in checks)
    score = None if checked == 0 else 100 * (1 - inaccurate / checked)
    figures: dict[str, Figure] = {"checked_values": checked, "inaccurate_values": inaccurate}
    for check in checks:
        figures[f"{check.column}: {check.rule}"] = f"{check.inaccurate}/{check.checked} failed"
    return _dimension(
        QualityDimension.ACCURACY,
        score,
        "100 × (1 − inaccurate_values / checked_values); checked values are conforming dates "
        "and datetimes (a real calendar value, year within the plausible range), conforming "
        "integers (within 64 bits), and every non-null value of a resident-ID column (valid "
        "birth date and MOD 11-2 check digit) or a bank-card column (Luhn); unknown when "
        "nothing is checked",
        figures,
    )


def score_consistency(
    *, row_count: int, duplicate_rows: int, format_consistency: Mapping[str, float]
) -> DimensionScore:
    """Consistency (一致性): no duplicate rows, and each typed column written one way."""
    uniqueness = 1 - duplicate_rows / row_count if row_count else 1.0
    parts = [uniqueness]
    mean_format = None
    if format_consistency:
        mean_format = sum(format_consistency.values()) / len(format_consistency)
        parts.append(mean_format)
    figures: dict[str, Figure] = {
        "row_count": row_count,
        "duplicate_rows": duplicate_rows,
        "row_uniqueness": round(uniqueness, 6),
        "mean_format_consistency": None if mean_format is None else round(mean_format, 6),
    }
    for column, share in format_consistency.items():
        figures[f"format_consistency: {column}"] = round(share, 6)
    return _dimension(
        QualityDimension.CONSISTENCY,
        100 * sum(parts) / len(parts),
        "100 × mean(row_uniqueness, mean_format_consistency) where row_uniqueness = 1 − "
        "duplicate_rows / row_count and a column's format consistency is the share of its "
        "conforming values written in its most common variant (integer, decimal, boolean, "
        "datetime columns); 100 × row_uniqueness when no such column has values",
        figures,
    )


def score_timeliness(
    *,
    newest: datetime | None,
    newest_column: str | None,
    now: datetime,
    fresh_days: float,
    stale_days: float,
    future_values: int = 0,
) -> DimensionScore:
    """Timeliness (时效性): how old the newest date or datetime value is at ``now``."""
    formula = (
        f"age_days = (now − newest date/datetime value not after now) in days; 100 when "
        f"age_days ≤ {fresh_days:g}, 0 when age_days ≥ {stale_days:g}, else 100 × "
        f"({stale_days:g} − age_days) / ({stale_days:g} − {fresh_days:g}); unknown when no "
        "declared date or datetime column has a value"
    )
    figures: dict[str, Figure] = {
        "now": now.isoformat(),
        "newest_value": None if newest is None else newest.isoformat(),
        "newest_column": newest_column,
        "future_values_ignored": future_values,
    }
    if newest is None:
        return _dimension(QualityDimension.TIMELINESS, None, formula, figures)
    age_days = max((_utc(now) - _utc(newest)).total_seconds() / 86400, 0.0)
    figures["age_days"] = round(age_days, 3)
    if age_days <= fresh_days:
        score = 100.0
    elif age_days >= stale_days:
        score = 0.0
    else:
        score = 100 * (stale_days - age_days) / (stale_days - fresh_days)
    return _dimension(QualityDimension.TIMELINESS, score, formula, figures)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def score_accessibility(
    *, file_format: str, utf8: bool, header_present: bool, documented_columns: int,
    total_columns: int,
) -> DimensionScore:
    """Accessibility (可访问性): machine-readable, UTF-8, with a header and documented columns."""
    documented_ratio = documented_columns / total_columns if total_columns else 0.0
    parts = [1.0, 1.0 if utf8 else 0.0, 1.0 if header_present else 0.0, documented_ratio]
    return _dimension(
        QualityDimension.ACCESSIBILITY,
        100 * sum(parts) / len(parts),
        "100 × (machine_readable + utf8 + header_present + documented_ratio) / 4, each 0 or 1 "
        "but documented_ratio = file columns declared with a non-empty description / file "
        "columns",
        {
            "file_format": file_format,
            "machine_readable": True,
            "utf8": utf8,
            "header_present": header_present,
            "documented_columns": documented_columns,
            "file_columns": total_columns,
            "documented_ratio": round(documented_ratio, 6),
        },
    )


def combine(
    dimensions: Sequence[DimensionScore],
    weights: Mapping[QualityDimension, float] = DEFAULT_WEIGHTS,
) -> QualityReport:
    """The overall score: the weighted mean of the scored dimensions, weights renormalised."""
    scored = [d for d in dimensions if d.score is not None and weights.get(d.dimension, 0) > 0]
    total = sum(weights[d.dimension] for d in scored)
    overall = None
    if total > 0:
        overall = round(sum(weights[d.dimension] * (d.score or 0.0) for d in scored) / total, 2)
    listed = ", ".join(f"{d.value} {weights.get(d, 0):g}" for d in QualityDimension)
    return QualityReport(
        overall_score=overall,
        overall_formula=(
            f"Σ(weight × score) / Σ(weight) over the dimensions that have a score (an unknown "
            f"dimension is left out and the other weights renormalised); weights: {listed}"
        ),
        weights=dict(weights),
        dimensions=tuple(dimensions),
    )
