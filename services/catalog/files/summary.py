"""The files of a dataset revision as the dataset document shows them, with the newest
file's quality summary.

A revision's files are those uploaded to it; a revision that only changed metadata
keeps the files of the newest earlier revision that has any (uploading to a published
revision starts a new revision holding the new file, see ``files.service.add_file``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from services.catalog.datasets.schemas import FileSummary, QualitySummary
from services.catalog.files.tables import DatasetFile

MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/jsonl"}
DIMENSIONS = ("normativity", "completeness", "accuracy", "consistency", "timeliness",
              "accessibility")


def media_type(fmt: str) -> str:
    """The media type of a stored file format."""
    return MEDIA_TYPES.get(fmt, "application/octet-stream")


def files_of(session: Session, wanted: Mapping[str, int]) -> dict[str, list[DatasetFile]]:
    """For each ``dataset_id → revision``, the files that revision carries (oldest
    first): its own uploads, or those of the newest earlier revision with uploads.
    Withdrawn files are left out. Two queries whatever the number of datasets."""
    if not wanted:
        return {}
    bounds = session.execute(
        select(DatasetFile.dataset_id, func.max(DatasetFile.revision))
        .where(or_(*(and_(DatasetFile.dataset_id == dataset_id,
                          DatasetFile.revision <= revision)
                     for dataset_id, revision in wanted.items())),
               DatasetFile.withdrawn_at.is_(None))
        .group_by(DatasetFile.dataset_id)
    ).all()
    if not bounds:
        return {}
    records = session.scalars(
        select(DatasetFile)
        .where(or_(*(and_(DatasetFile.dataset_id == dataset_id,
                          DatasetFile.revision == revision)
                     for dataset_id, revision in bounds)),
               DatasetFile.withdrawn_at.is_(None))
        .order_by(DatasetFile.dataset_id, DatasetFile.created_at, DatasetFile.id)
    ).all()
    found: dict[str, list[DatasetFile]] = {}
    for record in records:
        found.setdefault(record.dataset_id, []).append(record)
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def dimension_scores(quality: Mapping[str, Any]) -> dict[str, float | None]:
    """The six GB/T 36344 dimension scores of a stored quality report (None: unknown)."""
    scores: dict[str, float | None] = dict.fromkeys(DIMENSIONS)
    for item in quality.get("dimensions") or []:
        if isinstance(item, Mapping) and item.get("dimension") in scores:
            scores[str(item["dimension"])] = _number(item.get("score"))
    return scores


def file_summary(record: DatasetFile) -> FileSummary:
    """One file as the dataset document lists it."""
    quality = record.quality or {}
    return FileSummary(
        id=record.id, revision=record.revision, sha256=record.sha256, bytes=record.bytes,
        rows=record.rows, format=record.format, media_type=media_type(record.format),
        uploaded_at=record.created_at, quality_score=_number(quality.get("overall_score")),
        violations=len(quality.get("violations") or []),
        pii_columns=sorted({str(f["column"]) for f in record.pii or []
                            if isinstance(f, Mapping) and f.get("flagged")
                            and f.get("column") is not None}),
    )


def quality_summary(records: Sequence[DatasetFile]) -> QualitySummary | None:
    """The quality summary of the newest of ``records`` (None when there are none)."""
    if not records:
        return None
    newest = max(records, key=lambda r: (r.created_at, r.id))
    quality = newest.quality or {}
    return QualitySummary(
        file_id=newest.id, sha256=newest.sha256,
        overall_score=_number(quality.get("overall_score")),
        dimensions=dimension_scores(quality),
        analyzed_at=quality.get("analyzed_at") or newest.created_at,
        report=f"/v1/datasets/{newest.dataset_id}/files/{newest.id}/quality",
    )
