"""File rules: attach an analysed upload to a dataset revision, withdraw it, count and
record what is served (who may read a file is :mod:`services.catalog.files.access`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services.catalog.analysis.analyze import analyze_file
from services.catalog.analysis.rejection import FileRejected
from services.catalog.analysis.result import FileAnalysis, to_jsonable
from services.catalog.datasets import service as datasets
from services.catalog.datasets.metadata import metadata_of, write_metadata
from services.catalog.datasets.model import Action, DatasetStatus
from services.catalog.datasets.tables import DatasetRevision
from services.catalog.files.access import Access, file_of
from services.catalog.files.anonymous import AnonymousAccessLog
from services.catalog.files.blobs import BlobStore
from services.catalog.files.grants import GrantChecker, UsageUnanswered
from services.catalog.files.schemas import UploadedFile
from services.catalog.files.summary import media_type
from services.catalog.files.tables import DatasetFile
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.database import Database
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.outbox import Outbox
from services.shared.problems import Forbidden, InvalidInput

log = logging.getLogger(__name__)

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def file_format(filename: str, declared: str | None) -> str:
    """The upload's format: the form field ``format`` if sent, else the file's suffix."""
    if declared:
        value = declared.strip().lower()
        if value in ("csv", "jsonl"):
            return value
        raise InvalidInput(f"format {declared!r} is not supported: csv or jsonl",
                           slug="unsupported-format")
    fmt = FORMATS.get(Path(filename).suffix.lower())
    if fmt is None:
        raise InvalidInput("name the file .csv or .jsonl, or send the form field format",
                           slug="unsupported-format")
    return fmt


def check_upload(session: Session, *, dataset_id: str, actor: Principal) -> list[dict[str, Any]]:
    """Before reading the body: the caller may add a file now (404 when the dataset is
    not visible, 403 when not its publisher, 409 when under review). Returns the
    declared schema columns of the revision the file will join."""
    dataset = datasets._visible(session, dataset_id, actor)
    datasets._decide(dataset, Action.EDIT, actor)
    return list(datasets._revision(session, dataset).columns)


def analyze(staged: Path, *, fmt: str, columns: list[dict[str, Any]]) -> FileAnalysis:
    """Run the analysis engine; a malformed file is a 422 problem."""
    try:
        return analyze_file(staged, file_format=fmt, columns=columns)
    except FileRejected as exc:
        raise InvalidInput(exc.detail, slug=f"file-{exc.reason.value.replace('_', '-')}",
                           title="File rejected", reason=exc.reason.value, line=exc.line,
                           byte_offset=exc.byte_offset, column=exc.column) from exc


def add_file(
    session: Session, outbox: Outbox, blobs: BlobStore, *, dataset_id: str, actor: Principal,
    staged: Path, sha256: str, size: int, fmt: str, filename: str, analysis: FileAnalysis,
) -> DatasetFile:
    """Store the blob and its row. A dataset whose newest revision has been public gets a
    new revision (public at once when listed), as a metadata edit would."""
    dataset = datasets._visible(session, dataset_id, actor, for_update=True)
    transition = datasets._decide(dataset, Action.EDIT, actor)
    latest = datasets._revision(session, dataset)
    now = utcnow()
    row = latest
    if latest.published_at is not None:
        row = DatasetRevision(
            dataset_id=dataset.id, revision=latest.revision + 1, created_by=actor.subject,
            created_at=now, updated_at=now,
            published_at=now if transition.to is DatasetStatus.LISTED else None,
        )
        write_metadata(row, metadata_of(latest))
        row.metadata_sha256 = latest.metadata_sha256
        session.add(row)
        dataset.revision = row.revision
    dataset.status = transition.to.value
    dataset.updated_at = now
    data = analysis.to_dict()
    record = DatasetFile(
        id=new_id("file"), dataset_id=dataset.id, revision=row.revision, sha256=sha256,
        bytes=size, rows=analysis.row_count, format=fmt, original_name=filename[:255],
        quality={**data["quality"], "violations": data["violations"],
                 "columns": data["columns"], "duplicate_row_count": data["duplicate_row_count"],
                 "encoding": data["encoding"], "analyzed_at": data["analyzed_at"]},
        sample=list(data["sample_rows"]), pii=list(data["pii"]),
        created_by=actor.subject, created_at=now,
    )
    if transition.to is DatasetStatus.LISTED:
        datasets.check_pii(session, dataset, row.revision, extra=[record])
    session.add(record)
    session.flush()
    blobs.commit(staged, sha256)
    outbox.record(session, type="dataset.file_added", actor=actor.subject, subject=dataset.id,
                  payload={"dataset_id": dataset.id, "org_id": dataset.publisher_org_id,
                           "revision": row.revision, "file_id": record.id, "sha256": sha256,
                           "bytes": size, "rows": analysis.row_count, "format": fmt,
                           "quality_score": _score(analysis.quality.overall_score)})
    return record


def _score(value: float | None) -> str | None:
    # Ledger payloads are canonical JSON, which has no floats: the score as a decimal string.
    return None if value is None else f"{value:.2f}"


def file_out(record: DatasetFile) -> UploadedFile:
    """The upload's answer."""
    uploaded = to_jsonable(record.created_at)
    return UploadedFile.model_validate(
        {"id": record.id, "dataset_id": record.dataset_id, "revision": record.revision,
         "sha256": record.sha256, "bytes": record.bytes, "rows": record.rows,
         "format": record.format, "media_type": media_type(record.format),
         "quality": record.quality, "created_at": uploaded, "uploaded_at": uploaded})


def withdraw_file(session: Session, outbox: Outbox, *, dataset_id: str, file_id: str,
                  reason: str, actor: Principal) -> DatasetFile:
    """The publisher withdraws a file (uploaded by mistake): it is no longer listed or
    served to anyone, grant holders included; its row and hash stay, and the ledger
    records the withdrawal. 403 for anyone but the publisher, 410 if already withdrawn,
    422 for a blank reason."""
    note = reason.strip()
    if not note:
        raise InvalidInput("reason: say why the file is withdrawn", slug="reason-required")
    dataset = datasets._visible(session, dataset_id, actor, for_update=True)
    if actor.org != dataset.publisher_org_id:
        raise Forbidden("only the dataset's publisher withdraws its files",
                        slug="publisher-only")
    record = file_of(session, dataset, file_id)
    record.withdrawn_at, record.withdrawn_by, record.withdraw_reason = (
        utcnow(), actor.subject, note)
    outbox.record(session, type="dataset.file_withdrawn", actor=actor.subject,
                  subject=dataset.id,
                  payload={"dataset_id": dataset.id, "org_id": dataset.publisher_org_id,
                           "revision": record.revision, "file_id": record.id,
                           "sha256": record.sha256, "reason_sha256": text_sha256(note)})
    return record


@dataclass(frozen=True)
class Usage:
    """A download counted against a metered grant (``report_id`` is unique to it)."""

    report_id: str
    meter: str
    calls: int
    rows: int

    def as_dict(self) -> dict[str, Any]:
        """The form the ledger event carries."""
        return {"report_id": self.report_id, "meter": self.meter, "calls": self.calls,
                "rows": self.rows}


def rows_served(record: DatasetFile, start: int, length: int) -> int:
    """The rows a download counts: all of the file's rows for the whole file; for a byte
    range, the file's rows in proportion to the bytes sent, rounded up (so a file
    fetched in n ranges counts at most n - 1 rows more than in one piece)."""
    if record.rows <= 0 or length <= 0 or record.bytes <= 0:
        return 0
    if start == 0 and length >= record.bytes:
        return record.rows
    return min(record.rows, -(-record.rows * length // record.bytes))


VOID_UNANSWERED = "usage report unanswered"
VOID_NOT_RECORDED = "access not recorded"


def meter_usage(grants: GrantChecker, *, record: DatasetFile, access: Access,
                rows: int) -> Usage | None:
    """Count one call and ``rows`` rows against a metered grant before they are served
    (nothing for other access). Raises 403 ``quota-exceeded`` when the grant has too
    little left, 503 when the exchange cannot count it; when no attempt was answered the
    exchange may have counted it anyway, so the report is voided (nothing is served)."""
    if access.basis != "grant" or access.grant_id is None or access.meter is None:
        return None
    usage = Usage(report_id=new_id("use"), meter=access.meter, calls=1, rows=rows)
    try:
        grants.report_usage(access.grant_id, report_id=usage.report_id,
                            dataset_id=record.dataset_id, calls=usage.calls, rows=usage.rows)
    except UsageUnanswered:
        grants.void_usage(access.grant_id, report_id=usage.report_id,
                          dataset_id=record.dataset_id, reason=VOID_UNANSWERED)
        raise
    return usage


def count_and_record(db: Database, grants: GrantChecker, outbox: Outbox, *,
                     record: DatasetFile, access: Access, rows: int, sent: int,
                     range_: str | None = None,
                     rows_read: tuple[int, int] | None = None,
                     anonymous: AnonymousAccessLog | None = None,
                     address: str = "unknown") -> Usage | None:
    """Before data is served: count it against a metered grant (``rows`` rows, see
    :func:`meter_usage`; no transaction is open while the exchange answers), then record
    ``data.accessed`` (an anonymous access to open data: add it to its client's count
    for the period, see :mod:`.anonymous`). A refusal or failure to count leaves nothing
    behind; an access counted but not recorded is not served, so its usage report is
    voided."""
    usage = meter_usage(grants, record=record, access=access, rows=rows)
    try:
        with db.transaction() as session:
            if anonymous is not None and access.basis == "open" and access.org is None \
                    and access.subject == "anonymous":
                anonymous.count(session, outbox, dataset_id=record.dataset_id,
                                address=address, bytes_sent=sent, rows=rows)
            else:
                record_download(session, outbox, record=record, access=access, sent=sent,
                                range_=range_, usage=usage, rows_read=rows_read)
    except Exception:
        if usage is not None and access.grant_id is not None:
            log.warning("access to %s counted under grant %s (usage report %s) but not "
                        "recorded: voiding the report", record.id, access.grant_id,
                        usage.report_id)
            grants.void_usage(access.grant_id, report_id=usage.report_id,
                              dataset_id=record.dataset_id, reason=VOID_NOT_RECORDED)
        raise
    return usage


def record_download(session: Session, outbox: Outbox, *, record: DatasetFile, access: Access,
                    sent: int, range_: str | None, usage: Usage | None = None,
                    rows_read: tuple[int, int] | None = None) -> None:
    """``data.accessed`` in the ledger: who, which file, how many bytes, or for the rows
    API which rows (``rows_read``: offset and count); under a metered grant also the
    usage counted and its ``report_id``."""
    payload: dict[str, Any] = {
        "dataset_id": record.dataset_id, "file_id": record.id, "sha256": record.sha256,
        "subject": access.subject, "org_id": access.org, "basis": access.basis,
        "bytes_sent": sent,
    }
    if rows_read is not None:
        payload["via"] = "rows"
        payload["rows"] = {"offset": rows_read[0], "count": rows_read[1]}
    if access.grant_id:
        payload["grant_id"] = access.grant_id
    if range_:
        payload["range"] = range_
    if usage is not None:
        payload["usage"] = usage.as_dict()
    outbox.record(session, type="data.accessed", actor=access.subject, subject=record.id,
                  payload=payload)
