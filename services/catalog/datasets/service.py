"""Dataset rules: create and edit metadata in revisions, move through the listing review,
show each caller what it may see. Every change records its ledger event in the outbox
within the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.catalog.datasets import model, repository
from services.catalog.datasets.metadata import (
    metadata_of,
    metadata_sha256,
    search_text,
    write_metadata,
)
from services.catalog.datasets.model import Action, Capacity, DatasetStatus
from services.catalog.datasets.schemas import (
    DatasetCreate,
    DatasetOut,
    DatasetUpdate,
    Publisher,
    ReviewState,
    RevisionMetadata,
    RevisionOut,
    RevisionSummary,
)
from services.catalog.datasets.tables import Dataset, DatasetRevision
from services.catalog.datasets.vocabulary import Grade
from services.catalog.files.summary import file_summary, files_of, quality_summary
from services.catalog.files.tables import DatasetFile
from services.catalog.search import repository as search_repository
from services.catalog.search.text import SearchDocument
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.outbox import Outbox
from services.shared.problems import Conflict, Forbidden, InvalidInput, NotFound


def create_dataset(
    session: Session, outbox: Outbox, *, fields: DatasetCreate, actor: Principal
) -> DatasetOut:
    """A new draft (revision 1) published by the caller's organisation."""
    if actor.org is None:
        raise Forbidden("only a member organisation publishes datasets", slug="members-only")
    metadata = RevisionMetadata.model_validate(fields.model_dump(exclude={"publisher_name"}))
    check_themes(session, metadata.themes)
    now = utcnow()
    publisher = Publisher(id=actor.org, name=fields.publisher_name or _org_name(actor))
    dataset = Dataset(
        id=new_id("ds"),
        publisher_org_id=publisher.id,
        publisher_name=publisher.name,
        status=DatasetStatus.DRAFT.value,
        revision=1,
        open_type=metadata.open_type.value,
        grade=metadata.grade.value,
        created_by=actor.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(dataset)
    row = DatasetRevision(dataset_id=dataset.id, revision=1, created_by=actor.subject,
                          created_at=now, updated_at=now)
    write_metadata(row, metadata)
    row.metadata_sha256 = metadata_sha256(dataset.id, publisher, metadata)
    session.add(row)
    session.flush()
    _changed(session, outbox, "dataset.created", actor, dataset, row,
             document=search_text(metadata))
    return dataset_view(session, dataset, row, actor, files=[])


def _org_name(actor: Principal) -> str:
    # Member tokens from the exchange name the organisation; a token without that name
    # (another issuer's, say) leaves the organisation id as the honest label.
    name = actor.claims.get("org_name")
    return str(name) if name else str(actor.org)


def check_themes(session: Session, codes: list[str]) -> None:
    """422 unless every code is in the theme vocabulary."""
    unknown = sorted(set(codes) - repository.known_themes(session, codes))
    if unknown:
        raise InvalidInput(
            f"unknown theme {', '.join(unknown)}: themes are codes from GET /v1/themes",
            slug="unknown-theme", themes=unknown,
        )


def edit_dataset(
    session: Session, outbox: Outbox, *, dataset_id: str, changes: DatasetUpdate,
    actor: Principal,
) -> DatasetOut:
    """Change metadata: in place while the newest revision was never public, as a new
    revision otherwise (public at once when the dataset is listed)."""
    dataset = _visible(session, dataset_id, actor, for_update=True)
    latest = _revision(session, dataset)
    current = metadata_of(latest)
    updated = current.model_copy(
        update={name: getattr(changes, name) for name in changes.model_fields_set}
    )
    changed = {
        name for name in changes.model_fields_set
        if getattr(updated, name) != getattr(current, name)
    }
    status = DatasetStatus(dataset.status)
    transition = _decide(dataset, Action.EDIT, actor)
    if status is DatasetStatus.LISTED:
        model.check_listed_edit(changed)
    if not changed:
        return dataset_view(session, dataset, latest, actor)
    if "themes" in changed:
        check_themes(session, updated.themes)
    now = utcnow()
    row = latest
    if latest.published_at is not None:
        row = DatasetRevision(
            dataset_id=dataset.id, revision=latest.revision + 1, created_by=actor.subject,
            created_at=now,
            published_at=now if transition.to is DatasetStatus.LISTED else None,
        )
        session.add(row)
        dataset.revision = row.revision
    write_metadata(row, updated)
    row.updated_at = now
    row.metadata_sha256 = metadata_sha256(dataset.id, _publisher(dataset), updated)
    dataset.open_type = updated.open_type.value
    dataset.grade = updated.grade.value
    dataset.status = transition.to.value
    dataset.updated_at = now
    session.flush()
    _changed(session, outbox, transition.event, actor, dataset, row,
             document=search_text(updated),
             extra={"changed_fields": sorted(_api_names(changed))})
    return dataset_view(session, dataset, row, actor)


def pii_findings(files: list[DatasetFile]) -> list[tuple[str, str, str]]:
    """Each flagged PII finding of the files: (file sha256, column, kind)."""
    return [(f.sha256, str(p.get("column")), str(p.get("kind")))
            for f in files for p in f.pii if p.get("flagged")]


def _overridden(dataset: Dataset) -> frozenset[str]:
    return frozenset(dataset.pii_override_sha256s or [])


def check_pii(session: Session, dataset: Dataset, revision: int,
              extra: list[DatasetFile] | None = None) -> None:
    """409 unless the PII scan of the revision's files (and ``extra`` ones) allows the
    dataset's grade and open type (:func:`model.check_pii_classification`)."""
    files = files_of(session, {dataset.id: revision}).get(dataset.id, []) + (extra or [])
    model.check_pii_classification(open_type=dataset.open_type, grade=dataset.grade,
                                   findings=pii_findings(files),
                                   overridden=_overridden(dataset))


def override_pii(session: Session, outbox: Outbox, *, dataset_id: str, reason: str,
                 actor: Principal) -> DatasetOut:
    """An operator lets the files whose resident IDs or bank cards conflict with the
    dataset's general + unconditional classification stay so (``dataset.pii_overridden``
    with the files' hashes and the reason's hash)."""
    if not actor.has_role("operator"):
        raise Forbidden("only an operator overrides the PII rule", slug="not-permitted")
    dataset = _visible(session, dataset_id, actor, for_update=True)
    row = _revision(session, dataset)
    files = files_of(session, {dataset.id: row.revision}).get(dataset.id, [])
    conflicts = model.pii_conflicts(open_type=dataset.open_type, grade=dataset.grade,
                                    findings=pii_findings(files),
                                    overridden=_overridden(dataset))
    if not conflicts:
        raise Conflict("nothing to override: no file of this dataset has resident IDs or "
                       "bank cards under a general + unconditional classification",
                       slug="no-pii-conflict")
    covered = sorted({s for s, _, _ in conflicts})
    dataset.pii_override_sha256s = sorted(_overridden(dataset) | set(covered))
    dataset.updated_at = utcnow()
    outbox.record(session, type="dataset.pii_overridden", actor=actor.subject,
                  subject=dataset.id,
                  payload={"dataset_id": dataset.id, "org_id": dataset.publisher_org_id,
                           "revision": row.revision, "file_sha256s": covered,
                           "kinds": sorted({k for _, _, k in conflicts}),
                           "open_type": dataset.open_type, "grade": dataset.grade,
                           "reason_sha256": text_sha256(reason)})
    return dataset_view(session, dataset, row, actor, files=files)


def _api_names(fields: set[str]) -> set[str]:
    return {"schema" if name == "columns" else name for name in fields}


def submit_dataset(
    session: Session, outbox: Outbox, *, dataset_id: str, actor: Principal
) -> DatasetOut:
    """Send a draft (or a delisted dataset) to the operator's review."""
    dataset, transition, now = _move(session, dataset_id, Action.SUBMIT, actor)
    dataset.submitted_at = now
    # Each submission is reviewed afresh, by the regulator too.
    dataset.regulator_approved_at = None
    dataset.regulator_approved_by = None
    dataset.decided_at = None
    dataset.decided_by = None
    dataset.decision_reason = None
    row = _revision(session, dataset)
    _changed(session, outbox, transition.event, actor, dataset, row)
    return dataset_view(session, dataset, row, actor)


def review_dataset(
    session: Session, outbox: Outbox, *, dataset_id: str, approve: bool, reason: str,
    actor: Principal,
) -> DatasetOut:
    """The operator lists or rejects a submitted dataset."""
    action = Action.APPROVE if approve else Action.REJECT
    dataset, transition, now = _move(session, dataset_id, action, actor)
    row = _revision(session, dataset)
    if approve:
        check_pii(session, dataset, row.revision)
    _record_decision(dataset, actor, reason or None, now)
    if transition.to is DatasetStatus.LISTED:
        dataset.listed_at = now
        if row.published_at is None:
            row.published_at = now
    _changed(session, outbox, transition.event, actor, dataset, row,
             extra={"decision": "approved" if approve else "rejected",
                    "reviewer": "operator", **_reason_hash(reason)})
    return dataset_view(session, dataset, row, actor)


def regulator_review_dataset(
    session: Session, outbox: Outbox, *, dataset_id: str, approve: bool, reason: str,
    actor: Principal,
) -> DatasetOut:
    """A regulator approves a submitted important dataset (the operator lists it after)
    or refuses it (it is rejected)."""
    action = Action.REGULATOR_APPROVE if approve else Action.REGULATOR_REFUSE
    dataset, transition, now = _move(session, dataset_id, action, actor)
    if approve:
        dataset.regulator_approved_at = now
        dataset.regulator_approved_by = actor.subject
    else:
        _record_decision(dataset, actor, reason, now)
    row = _revision(session, dataset)
    _changed(session, outbox, transition.event, actor, dataset, row,
             extra={"decision": "approved" if approve else "rejected",
                    "reviewer": "regulator", **_reason_hash(reason)})
    return dataset_view(session, dataset, row, actor)


def delist_dataset(
    session: Session, outbox: Outbox, *, dataset_id: str, reason: str, actor: Principal
) -> DatasetOut:
    """Take a listed dataset out of the catalog (the operator, or its publisher)."""
    dataset, transition, now = _move(session, dataset_id, Action.DELIST, actor)
    _record_decision(dataset, actor, reason or None, now)
    row = _revision(session, dataset)
    by_owner = Capacity.OWNER in _capacities(dataset, actor)
    _changed(session, outbox, transition.event, actor, dataset, row,
             extra={"by": "publisher" if by_owner else "operator", **_reason_hash(reason)})
    return dataset_view(session, dataset, row, actor)


def get_dataset(session: Session, *, dataset_id: str, viewer: Principal | None) -> DatasetOut:
    """The dataset, if the caller may see it (404 otherwise, whether or not it exists)."""
    dataset = _visible(session, dataset_id, viewer)
    return dataset_view(session, dataset, _revision(session, dataset), viewer)


def list_revisions(
    session: Session, *, dataset_id: str, viewer: Principal | None
) -> list[RevisionSummary]:
    """The revisions of a dataset the caller may read, oldest first."""
    dataset = _visible(session, dataset_id, viewer)
    return [
        RevisionSummary(revision=r.revision, metadata_sha256=r.metadata_sha256,
                        created_at=r.created_at, updated_at=r.updated_at,
                        published_at=r.published_at)
        for r in repository.revisions(session, dataset.id)
        if _may_read_revision(dataset, r, viewer)
    ]


def get_revision(
    session: Session, *, dataset_id: str, number: int, viewer: Principal | None
) -> RevisionOut:
    """One revision's metadata: published ones for anyone who sees the dataset, the
    others for its publisher, operators and regulators."""
    dataset = _visible(session, dataset_id, viewer)
    row = repository.revision(session, dataset.id, number)
    if row is None or not _may_read_revision(dataset, row, viewer):
        raise NotFound(f"dataset {dataset_id} has no revision {number}")
    files = files_of(session, {dataset.id: row.revision}).get(dataset.id, [])
    return RevisionOut(
        dataset_id=dataset.id, revision=row.revision, publisher=_publisher(dataset),
        metadata_sha256=row.metadata_sha256, created_at=row.created_at,
        updated_at=row.updated_at, published_at=row.published_at,
        files=[file_summary(f) for f in files], quality=quality_summary(files),
        **metadata_of(row).model_dump(),
    )


def dataset_view(session: Session, dataset: Dataset, row: DatasetRevision,
                 viewer: Principal | None,
                 files: list[DatasetFile] | None = None) -> DatasetOut:
    """The API form of a dataset and its newest revision, for this viewer, with the
    revision's files (read unless given, e.g. by a caller that read a page at once)."""
    if files is None:
        files = files_of(session, {dataset.id: row.revision}).get(dataset.id, [])
    review = None
    if _is_insider(dataset, viewer):
        review = ReviewState(
            submitted_at=dataset.submitted_at,
            regulator_approved=dataset.regulator_approved_at is not None,
            regulator_approved_at=dataset.regulator_approved_at,
            decided_at=dataset.decided_at,
            reason=dataset.decision_reason,
            pii_conflicts=[{"sha256": s, "column": c, "kind": k} for s, c, k in
                           model.pii_conflicts(open_type=dataset.open_type, grade=dataset.grade,
                                               findings=pii_findings(files),
                                               overridden=_overridden(dataset))],
            pii_overridden_sha256s=sorted(_overridden(dataset)),
        )
    return DatasetOut(
        id=dataset.id, status=DatasetStatus(dataset.status), revision=dataset.revision,
        publisher=_publisher(dataset), metadata_sha256=row.metadata_sha256,
        created_at=dataset.created_at, updated_at=dataset.updated_at,
        listed_at=dataset.listed_at, review=review,
        files=[file_summary(f) for f in files], quality=quality_summary(files),
        **metadata_of(row).model_dump(),
    )


def _publisher(dataset: Dataset) -> Publisher:
    return Publisher(id=dataset.publisher_org_id, name=dataset.publisher_name)


def _is_insider(dataset: Dataset, viewer: Principal | None) -> bool:
    if viewer is None:
        return False
    return viewer.org == dataset.publisher_org_id or viewer.has_role("operator", "regulator")


def _may_read_revision(dataset: Dataset, row: DatasetRevision, viewer: Principal | None) -> bool:
    return row.published_at is not None or _is_insider(dataset, viewer)


def _visible(
    session: Session, dataset_id: str, viewer: Principal | None, *, for_update: bool = False
) -> Dataset:
    dataset = repository.dataset(session, dataset_id, for_update=for_update)
    if dataset is None or not model.is_visible(
        status=DatasetStatus(dataset.status),
        publisher_org_id=dataset.publisher_org_id,
        viewer_org=viewer.org if viewer else None,
        viewer_roles=viewer.roles if viewer else frozenset(), open_type=dataset.open_type,
    ):
        raise NotFound(f"no dataset {dataset_id}", slug="dataset-not-found")
    return dataset


def _revision(session: Session, dataset: Dataset) -> DatasetRevision:
    row = repository.revision(session, dataset.id, dataset.revision)
    if row is None:
        raise RuntimeError(f"dataset {dataset.id} lacks its revision {dataset.revision}")
    return row


def _capacities(dataset: Dataset, actor: Principal) -> frozenset[Capacity]:
    return model.capacities_of(
        publisher_org_id=dataset.publisher_org_id, viewer_org=actor.org,
        viewer_roles=actor.roles,
    )


def _move(
    session: Session, dataset_id: str, action: Action, actor: Principal
) -> tuple[Dataset, model.Transition, datetime]:
    """Lock the dataset, check that the actor may take the action, and move it to the
    status the action leads to; returns the dataset, the transition and the time."""
    dataset = _visible(session, dataset_id, actor, for_update=True)
    transition = _decide(dataset, action, actor)
    now = utcnow()
    dataset.status = transition.to.value
    dataset.updated_at = now
    return dataset, transition, now


def _record_decision(dataset: Dataset, actor: Principal, reason: str | None,
                     now: datetime) -> None:
    """Note who decided on the dataset, when, and why."""
    dataset.decided_at = now
    dataset.decided_by = actor.subject
    dataset.decision_reason = reason


def _decide(dataset: Dataset, action: Action, actor: Principal) -> model.Transition:
    return model.decide(
        status=DatasetStatus(dataset.status),
        action=action,
        capacities=_capacities(dataset, actor),
        grade=Grade(dataset.grade),
        regulator_approved=dataset.regulator_approved_at is not None,
    )


def _reason_hash(reason: str) -> dict[str, str]:
    if not reason:
        return {}
    return {"reason_sha256": text_sha256(reason)}


def _changed(
    session: Session, outbox: Outbox, event: str, actor: Principal, dataset: Dataset,
    row: DatasetRevision, *, document: SearchDocument | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """After every change: bring the search row up to date and record the ledger event."""
    search_repository.save_document(session, dataset, document)
    payload: dict[str, Any] = {
        "dataset_id": dataset.id,
        "org_id": dataset.publisher_org_id,
        "revision": row.revision,
        "metadata_sha256": row.metadata_sha256,
        "status": dataset.status,
        "open_type": dataset.open_type,
        "grade": dataset.grade,
        **(extra or {}),
    }
    outbox.record(session, type=event, actor=actor.subject, subject=dataset.id, payload=payload)
