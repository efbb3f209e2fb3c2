"""SQL for datasets and revisions: lookups and inserts, no rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.catalog.datasets.tables import Dataset, DatasetRevision
from services.catalog.themes.tables import Theme


def dataset(session: Session, dataset_id: str, *, for_update: bool = False) -> Dataset | None:
    """The dataset with ``dataset_id``, optionally locked for update."""
    stmt = select(Dataset).where(Dataset.id == dataset_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def revision(session: Session, dataset_id: str, number: int) -> DatasetRevision | None:
    """One revision of a dataset."""
    return session.get(DatasetRevision, (dataset_id, number))


def revisions(session: Session, dataset_id: str) -> Sequence[DatasetRevision]:
    """Every revision of a dataset, oldest first."""
    return session.scalars(
        select(DatasetRevision)
        .where(DatasetRevision.dataset_id == dataset_id)
        .order_by(DatasetRevision.revision)
    ).all()


def known_themes(session: Session, codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` are in the theme vocabulary."""
    wanted = list(codes)
    if not wanted:
        return set()
    return set(session.scalars(select(Theme.code).where(Theme.code.in_(wanted))).all())


def dataset_titled(session: Session, publisher_org_id: str, title_zh: str) -> Dataset | None:
    """A dataset of this publisher whose newest revision has this Chinese title."""
    return session.scalars(
        select(Dataset)
        .join(
            DatasetRevision,
            (DatasetRevision.dataset_id == Dataset.id)
            & (DatasetRevision.revision == Dataset.revision),
        )
        .where(Dataset.publisher_org_id == publisher_org_id,
               DatasetRevision.title_zh == title_zh)
    ).first()
