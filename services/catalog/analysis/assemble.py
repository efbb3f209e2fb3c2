"""Turning the engine's figures for a file into the ``FileAnalysis`` a caller sees.

Pure Python over the ``FileProfile`` that ``profile`` measured: which columns hold
personal information, which accuracy checks apply, the per-column statistics, the
schema violations and the six GB/T 36344 quality dimensions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from services.catalog.analysis.columns import TEMPORAL_TYPES, ColumnSpec, ColumnType
from services.catalog.analysis.masking import mask_rows
from services.catalog.analysis.options import AnalysisOptions
from services.catalog.analysis.pii import PiiKind, is_bank_card_header, is_resident_id_header
from services.catalog.analysis.profile import ColumnProfile, FileProfile
from services.catalog.analysis.quality import (
    AccuracyCheck,
    CompletenessColumn,
    QualityReport,
    combine,
    score_accessibility,
    score_accuracy,
    score_completeness,
    score_consistency,
    score_normativity,
    score_timeliness,
)
from services.catalog.analysis.result import (
    ColumnStats,
    FileAnalysis,
    PiiFinding,
    SchemaViolation,
    ViolationKind,
)
from services.catalog.analysis.source import FileSource


def assemble(
    source: FileSource,
    declared: Sequence[ColumnSpec],
    profile: FileProfile,
    raw_sample: list[dict[str, str | None]],
    size: int,
    now: datetime,
    options: AnalysisOptions,
) -> FileAnalysis:
    """The analysis result from the engine's figures: PII findings, accuracy checks,
    column statistics, violations, the quality report and the masked sample."""
    findings = _pii_findings(profile, options.pii_column_threshold)
    flagged = {f.column: f.kind for f in findings if f.flagged}
    checks = _accuracy_checks(profile, flagged)
    stats = _column_stats(profile, declared, checks)
    quality = _quality(source, declared, profile, checks, now, options)
    notes = []
    if not profile.duplicates_exact:
        notes.append(
            f"distinct counts are HyperLogLog estimates (a few per cent of error) because the "
            f"file has more than {options.exact_max_rows} rows; duplicate rows are counted by "
            "64-bit row hashes"
        )
    return FileAnalysis(
        file_format=source.file_format,
        size_bytes=size,
        encoding="utf-8",
        has_bom=source.has_bom,
        analyzed_at=now,
        row_count=profile.row_count,
        duplicate_row_count=profile.duplicate_rows,
        duplicate_count_exact=profile.duplicates_exact,
        columns=stats,
        violations=_violations(profile, declared),
        quality=quality,
        pii=tuple(findings),
        sample_rows=tuple(mask_rows(raw_sample, flagged=flagged, today=now.date())),
        notes=tuple(notes),
    )


def _pii_findings(profile: FileProfile, threshold: float) -> list[PiiFinding]:
    findings: list[PiiFinding] = []
    for column in profile.columns:
        if column.non_null == 0:
            continue
        kinds = set(column.pii_whole) | set(column.pii_embedded)
        best: PiiKind | None = None
        best_ratio = 0.0
        for kind, count in column.pii_whole.items():
            ratio = count / column.non_null
            if ratio >= threshold and ratio > best_ratio:
                best, best_ratio = kind, ratio
        for kind in sorted(kinds, key=list(PiiKind).index):
            whole = column.pii_whole.get(kind, 0)
            embedded = column.pii_embedded.get(kind, 0)
            if whole + embedded == 0:
                continue
            findings.append(
                PiiFinding(
                    column=column.column.name,
                    kind=kind,
                    match_count=whole + embedded,
                    ratio=round((whole + embedded) / column.non_null, 6),
                    whole_value_count=whole,
                    embedded_count=embedded,
                    flagged=kind is best,
                )
            )
    return findings


def _accuracy_checks(
    profile: FileProfile, flagged: Mapping[str, PiiKind]
) -> dict[str, list[AccuracyCheck]]:
    checks: dict[str, list[AccuracyCheck]] = {}
    for column in profile.columns:
        name = column.column.name
        found: list[AccuracyCheck] = []
        col_type = column.column_type
        if col_type is ColumnType.INTEGER and column.conforming:
            found.append(AccuracyCheck(name, "within 64-bit range", column.conforming,
                                       column.inaccurate))
        if col_type in TEMPORAL_TYPES and column.conforming:
            found.append(AccuracyCheck(name, "real calendar value in plausible years",
                                       column.conforming, column.inaccurate))
        if column.pii_whole and column.non_null:
            if flagged.get(name) is PiiKind.RESIDENT_ID or is_resident_id_header(name):
                valid = column.pii_whole.get(PiiKind.RESIDENT_ID, 0)
                found.append(AccuracyCheck(name, "resident ID birth date and check digit",
                                           column.non_null, column.non_null - valid))
            elif flagged.get(name) is PiiKind.BANK_CARD or is_bank_card_header(name):
                valid = column.pii_whole.get(PiiKind.BANK_CARD, 0)
                found.append(AccuracyCheck(name, "bank card Luhn check digit",
                                           column.non_null, column.non_null - valid))
        if found:
            checks[name] = found
    return checks


def _dominant_format(column: ColumnProfile) -> tuple[str | None, float | None]:
    variants = column.format_variants
    total = sum(variants.values())
    if not total:
        return None, None
    name, count = min(variants.items(), key=lambda item: (-item[1], item[0]))
    return name, round(count / total, 6)


def _column_stats(
    profile: FileProfile,
    declared: Sequence[ColumnSpec],
    checks: Mapping[str, list[AccuracyCheck]],
) -> tuple[ColumnStats, ...]:
    rows = profile.row_count
    stats: list[ColumnStats] = []
    for column in profile.columns:
        spec = column.column.spec
        conforming = column.non_null if column.conforming is None else column.conforming
        dominant, consistency = _dominant_format(column)
        column_checks = checks.get(column.column.name, [])
        stats.append(
            ColumnStats(
                name=column.column.name,
                declared_type=spec.type if spec else None,
                required=bool(spec and spec.required),
                documented=bool(spec and spec.documented),
                present=True,
                non_null_count=column.non_null,
                null_count=rows - column.non_null,
                null_ratio=round((rows - column.non_null) / rows, 6),
                distinct_count=column.distinct,
                distinct_count_exact=column.distinct_exact,
                conforming_count=conforming,
                conformance_ratio=_share(conforming, column.non_null),
                min_value=column.min_value,
                max_value=column.max_value,
                dominant_format=dominant,
                format_consistency=consistency,
                accuracy_checked=sum(c.checked for c in column_checks),
                inaccurate_count=sum(c.inaccurate for c in column_checks),
            )
        )
    for spec in _missing_columns(profile, declared):
        stats.append(
            ColumnStats(
                name=spec.name,
                declared_type=spec.type,
                required=spec.required,
                documented=spec.documented,
                present=False,
                non_null_count=0,
                null_count=rows,
                null_ratio=1.0,
                distinct_count=0,
                distinct_count_exact=True,
                conforming_count=0,
                conformance_ratio=None,
                min_value=None,
                max_value=None,
                dominant_format=None,
                format_consistency=None,
                accuracy_checked=0,
                inaccurate_count=0,
            )
        )
    return tuple(stats)


def _missing_columns(profile: FileProfile, declared: Sequence[ColumnSpec]) -> list[ColumnSpec]:
    """The declared columns the file does not have, in declared order."""
    present = {c.column.name for c in profile.columns}
    return [spec for spec in declared if spec.name not in present]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _rows_text(rows: Sequence[int]) -> str:
    return ", ".join(str(r) for r in rows)


def _violations(
    profile: FileProfile, declared: Sequence[ColumnSpec]
) -> tuple[SchemaViolation, ...]:
    violations: list[SchemaViolation] = []
    for missing in _missing_columns(profile, declared):
        label = "required" if missing.required else "optional"
        violations.append(
            SchemaViolation(
                column=missing.name,
                kind=ViolationKind.MISSING_COLUMN,
                required=missing.required,
                count=profile.row_count,
                example_rows=(),
                message=f"declared {label} column {missing.name!r} is missing from the file",
            )
        )
    for column in profile.columns:
        spec = column.column.spec
        name = column.column.name
        if spec is None:
            violations.append(
                SchemaViolation(
                    column=name,
                    kind=ViolationKind.UNDECLARED_COLUMN,
                    required=False,
                    count=column.non_null,
                    example_rows=(),
                    message=f"column {name!r} is in the file but not in the declared schema",
                )
            )
            continue
        nulls = profile.row_count - column.non_null
        if spec.required and nulls:
            violations.append(
                SchemaViolation(
                    column=name,
                    kind=ViolationKind.NULL_IN_REQUIRED_COLUMN,
                    required=True,
                    count=nulls,
                    example_rows=column.null_example_rows,
                    message=f"{nulls} rows have no value in required column {name!r} "
                    f"(rows {_rows_text(column.null_example_rows)}...)",
                )
            )
        if column.conforming is not None and column.conforming < column.non_null:
            bad = column.non_null - column.conforming
            violations.append(
                SchemaViolation(
                    column=name,
                    kind=ViolationKind.TYPE_MISMATCH,
                    required=spec.required,
                    count=bad,
                    example_rows=column.example_rows,
                    message=f"{bad} values in column {name!r} are not {spec.type.value} "
                    f"(rows {_rows_text(column.example_rows)}...)",
                )
            )
    return tuple(violations)


def _quality(
    source: FileSource,
    declared: Sequence[ColumnSpec],
    profile: FileProfile,
    checks: Mapping[str, list[AccuracyCheck]],
    now: datetime,
    options: AnalysisOptions,
) -> QualityReport:
    rows = profile.row_count
    by_name = {c.column.name: c for c in profile.columns}
    typed = [c for c in profile.columns if c.conforming is not None]
    normativity = score_normativity(
        typed_values=sum(c.non_null for c in typed),
        conforming_values=sum(c.conforming or 0 for c in typed),
    )
    if declared:
        completeness_columns = [
            CompletenessColumn(
                name=spec.name,
                required=spec.required,
                present=spec.name in by_name,
                non_null_ratio=by_name[spec.name].non_null / rows if spec.name in by_name else 0.0,
            )
            for spec in declared
        ]
    else:
        completeness_columns = [
            CompletenessColumn(c.column.name, False, True, c.non_null / rows)
            for c in profile.columns
        ]
    formats = {}
    for column in profile.columns:
        _, share = _dominant_format(column)
        if share is not None:
            formats[column.column.name] = share
    newest: datetime | None = None
    newest_column: str | None = None
    for column in profile.columns:
        if column.newest is not None and (newest is None or column.newest > newest):
            newest, newest_column = column.newest, column.column.name
    dimensions = [
        normativity,
        score_completeness(completeness_columns),
        score_accuracy([check for found in checks.values() for check in found]),
        score_consistency(
            row_count=rows, duplicate_rows=profile.duplicate_rows, format_consistency=formats
        ),
        score_timeliness(
            newest=newest,
            newest_column=newest_column,
            now=now,
            fresh_days=options.fresh_days,
            stale_days=options.stale_days,
            future_values=sum(c.future_values for c in profile.columns),
        ),
        score_accessibility(
            file_format=source.file_format.value,
            utf8=True,
            header_present=source.header_present,
            documented_columns=sum(
                1 for c in profile.columns if c.column.spec and c.column.spec.documented
            ),
            total_columns=len(profile.columns),
        ),
    ]
    return combine(dimensions, options.weights)
