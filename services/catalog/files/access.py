"""Who may read a file, and anything derived from it: the one access rule every file
route applies (content, rows, sample, quality report).

- An unconditionally open, listed dataset's files: anyone.
- The publisher, operators and regulators: every file of a dataset they may see.
- A grant token: exactly the files (by SHA-256) the exchange says the grant reaches,
  only while the grant is active, the dataset is listed, and its grade and open type are
  still tradable and no stricter than those the contract traded.
- Anyone else: 401 ``grant-required`` when anonymous, 403 otherwise; 404 when the
  caller may not even know the dataset exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.catalog.datasets import model
from services.catalog.datasets.model import DatasetStatus
from services.catalog.datasets.tables import Dataset
from services.catalog.files.grants import GrantChecker
from services.catalog.files.tables import DatasetFile
from services.shared.auth import Principal
from services.shared.classification import Grade, OpenType
from services.shared.problems import Forbidden, Gone, NotFound, Unauthorized
from services.shared.schemas.grants import GrantStatusOut

STRICTNESS = {
    "grade": {Grade.GENERAL.value: 0, Grade.IMPORTANT.value: 1, Grade.CORE.value: 2},
    "open_type": {OpenType.UNCONDITIONAL.value: 0, OpenType.CONDITIONAL.value: 1,
                  OpenType.NOT_OPEN.value: 2},
}
OVERSEER_ROLES = ("operator", "regulator")


@dataclass(frozen=True)
class Access:
    """Why a file may be read (and, for a metered grant, what it counts: ``call`` or
    ``1000_rows``)."""

    basis: str
    subject: str
    org: str | None
    grant_id: str | None = None
    meter: str | None = None


def file_access(session: Session, grants: GrantChecker, *, dataset_id: str, file_id: str,
                viewer: Principal | None) -> tuple[DatasetFile, Access]:
    """The file and why the caller may read it, or the problem that refuses it."""
    dataset = session.get(Dataset, dataset_id)
    if dataset is None:
        raise NotFound(f"no dataset {dataset_id}", slug="dataset-not-found")
    if viewer is not None and viewer.kind == "grant":
        return _grant_access(session, grants, dataset, file_id, viewer)
    visible = model.is_visible(
        status=DatasetStatus(dataset.status), publisher_org_id=dataset.publisher_org_id,
        viewer_org=viewer.org if viewer else None,
        viewer_roles=viewer.roles if viewer else frozenset(), open_type=dataset.open_type,
    )
    if not visible:
        raise NotFound(f"no dataset {dataset_id}", slug="dataset-not-found")
    record = file_of(session, dataset, file_id)
    if dataset.status == DatasetStatus.LISTED.value and \
            dataset.open_type == OpenType.UNCONDITIONAL.value:
        return record, Access("open", viewer.subject if viewer else "anonymous",
                              viewer.org if viewer else None)
    if viewer is None:
        raise Unauthorized("this file is not open: it needs a grant token",
                           slug="grant-required")
    if viewer.org == dataset.publisher_org_id:
        return record, Access("owner", viewer.subject, viewer.org)
    for role in OVERSEER_ROLES:
        if viewer.has_role(role):
            return record, Access(role, viewer.subject, viewer.org)
    raise Forbidden("this file is not open: it needs a grant token for the dataset",
                    slug="grant-required")


def _grant_access(session: Session, grants: GrantChecker, dataset: Dataset, file_id: str,
                  viewer: Principal) -> tuple[DatasetFile, Access]:
    claims = viewer.claims
    ids = claims.get("dataset_ids")
    grant_id = claims.get("grant_id")
    if not isinstance(ids, list) or not isinstance(grant_id, str) or dataset.id not in ids:
        raise Forbidden("the grant does not cover this dataset", slug="grant-scope")
    status = grants.require_active(grant_id, dataset.id)
    check_still_tradable(dataset, status)
    record = file_of(session, dataset, file_id)
    granted = {f.sha256 for f in status.files if f.dataset_id == dataset.id}
    if record.sha256 not in granted:
        raise Forbidden("the grant does not reach this file: it covers the files its "
                        "contract pins and reviewed updates its offer includes",
                        slug="file-not-granted")
    meter = status.unit
    return record, Access("grant", viewer.subject, viewer.org, grant_id,
                          meter=str(meter) if meter else None)


def check_still_tradable(dataset: Dataset, status: GrantStatusOut) -> None:
    """403 unless the dataset is listed, its grade is not core, and its grade and open
    type are no stricter than those the grant's contract traded."""
    if dataset.status != DatasetStatus.LISTED.value:
        raise Forbidden(f"the dataset is {dataset.status}, not listed: grants reach it "
                        "only while it is listed", slug="dataset-not-listed")
    now = {"grade": dataset.grade, "open_type": dataset.open_type}
    traded = {"grade": status.grade, "open_type": status.open_type}
    stricter = sorted(name for name, order in STRICTNESS.items()
                      if order.get(now[name], 99) > order.get(str(traded[name]), -1))
    if dataset.grade == Grade.CORE.value or stricter:
        raise Forbidden(f"the dataset's {' and '.join(stricter) or 'grade'} no longer "
                        "allows the trade its grant was bought under",
                        slug="classification-changed", changed=stricter)


def file_of(session: Session, dataset: Dataset, file_id: str) -> DatasetFile:
    """A file of ``dataset``: 404 if it has none with this id, 410 if withdrawn."""
    record = session.scalars(
        select(DatasetFile).where(DatasetFile.id == file_id,
                                  DatasetFile.dataset_id == dataset.id)
    ).first()
    if record is None:
        raise NotFound(f"dataset {dataset.id} has no file {file_id}", slug="file-not-found")
    if record.withdrawn_at is not None:
        raise Gone(f"file {file_id} was withdrawn by its publisher and is no longer served",
                   slug="file-withdrawn")
    return record
