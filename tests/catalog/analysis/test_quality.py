"""Quality scoring: every formula recomputed by hand from its stated figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.catalog.analysis.quality import (
    AccuracyCheck,
    CompletenessColumn,
    QualityDimension,
    combine,
    score_accessibility,
    score_accuracy,
    score_completeness,
    score_consistency,
    score_normativity,
    score_timeliness,
)

NOW = datetime(2024, 8, 5, 4, 0, tzinfo=UTC)


def test_normativity_is_the_conforming_share() -> None:
    assert score_normativity(typed_values=40, conforming_values=37).score == 92.5
    assert score_normativity(typed_values=0, conforming_values=0).status == "unknown"


def test_completeness_weights_required_columns_twice_and_missing_as_empty() -> None:
    columns = [
        CompletenessColumn("a", required=True, present=True, non_null_ratio=0.5),
        CompletenessColumn("b", required=False, present=True, non_null_ratio=1.0),
        CompletenessColumn("c", required=False, present=False, non_null_ratio=1.0),
    ]
    result = score_completeness(columns)
    assert result.score == pytest.approx(100 * (2 * 0.5 + 1.0 + 0.0) / 4, abs=0.01)
    assert result.figures["required_columns_missing"] == 0
    assert result.figures["declared_columns_missing"] == 1


def test_accuracy_pools_all_checks() -> None:
    checks = [AccuracyCheck("d", "dates", 8, 3), AccuracyCheck("id", "ids", 7, 1)]
    result = score_accuracy(checks)
    assert result.score == pytest.approx(100 * (1 - 4 / 15), abs=0.01)
    assert result.figures["id: ids"] == "1/7 failed"
    assert score_accuracy([]).score is None


def test_consistency_averages_uniqueness_and_formats() -> None:
    result = score_consistency(
        row_count=8, duplicate_rows=2, format_consistency={"x": 1.0, "y": 4 / 7}
    )
    assert result.score == pytest.approx(100 * (0.75 + (1 + 4 / 7) / 2) / 2, abs=0.01)
    only_rows = score_consistency(row_count=10, duplicate_rows=1, format_consistency={})
    assert only_rows.score == 90.0


@pytest.mark.parametrize(
    ("age_days", "expected"),
    [(0, 100.0), (30, 100.0), (60, 100 * 305 / 335), (365, 0.0), (400, 0.0)],
)
def test_timeliness_declines_linearly(age_days: int, expected: float) -> None:
    result = score_timeliness(
        newest=NOW - timedelta(days=age_days),
        newest_column="t",
        now=NOW,
        fresh_days=30,
        stale_days=365,
    )
    assert result.score == pytest.approx(expected, abs=0.01)


def test_timeliness_unknown_without_temporal_values() -> None:
    result = score_timeliness(
        newest=None, newest_column=None, now=NOW, fresh_days=30, stale_days=365
    )
    assert result.status == "unknown"
    assert result.score is None


def test_accessibility_counts_documented_columns() -> None:
    result = score_accessibility(
        file_format="csv", utf8=True, header_present=True, documented_columns=7, total_columns=10
    )
    assert result.score == 92.5


def test_overall_is_the_weighted_mean_and_skips_unknown_dimensions() -> None:
    dims = [
        score_normativity(typed_values=10, conforming_values=5),
        score_accessibility(
            file_format="csv", utf8=True, header_present=True, documented_columns=1,
            total_columns=1,
        ),
        score_timeliness(newest=None, newest_column=None, now=NOW, fresh_days=30, stale_days=365),
    ]
    report = combine(dims)
    assert report.overall_score == pytest.approx((0.2 * 50 + 0.15 * 100) / 0.35, abs=0.01)
    assert "normativity 0.2" in report.overall_formula
    assert report.dimension(QualityDimension.TIMELINESS).status == "unknown"
