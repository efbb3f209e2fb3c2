"""Demo datasets of the Hangzhou data bureau (杭州市数据资源管理局), listed in the catalog.

:func:`seed_catalog` creates them through the service layer exactly as the API would,
so the outbox holds their ledger events (created, submitted, approved by regulator for
important data, listed) with ``seed`` as the actor. Seeding is idempotent: a dataset
whose Chinese title the publisher already has is left alone. The datasets themselves are
data, in ``demo_datasets.json`` beside this module.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from services.catalog.config import CatalogSettings
from services.catalog.datasets import repository
from services.catalog.datasets import service as datasets
from services.catalog.datasets.schemas import DatasetCreate
from services.catalog.demo_files import demo_csv
from services.catalog.files import service as files
from services.catalog.files.blobs import BlobStore, FileBlobStore
from services.catalog.outbox import outbox as outbox_table
from services.shared.auth import Principal
from services.shared.database import Database
from services.shared.outbox import Outbox, ledger_keyring

SEED_ACTOR = "seed"

_CONTACT = {"office": "杭州市数据资源管理局 数据开放处", "email": "opendata@hangzhou.example.cn",
            "phone": "0571-85250000"}
_HANGZHOU = {"code": "330100", "name": "杭州市"}
_LICENCE = "CC-BY-4.0"


def _load_demo_datasets() -> tuple[dict[str, Any], ...]:
    """The demo datasets' declared fields, kept as data in ``demo_datasets.json``."""
    text = resources.files("services.catalog").joinpath("demo_datasets.json").read_text("utf-8")
    return tuple(json.loads(text))


DEMO_DATASETS: tuple[dict[str, Any], ...] = _load_demo_datasets()


def seed_catalog(
    settings: CatalogSettings, *, publisher_org_id: str, publisher_name: str
) -> list[str]:
    """List the demo datasets the publisher does not have yet; returns their new ids."""
    db = Database(settings.database_url)
    outbox = Outbox(outbox_table, source="catalog",
                    keys=ledger_keyring(settings, "catalog"))
    provider = _seeder(org=publisher_org_id, role="provider")
    regulator = _seeder(org=None, role="regulator")
    operator = _seeder(org=None, role="operator")
    blobs = FileBlobStore(settings.var_dir / "blobs")
    created: list[str] = []
    try:
        with db.transaction() as session:
            for spec in DEMO_DATASETS:
                title_zh = spec["title"]["zh"]
                if repository.dataset_titled(session, publisher_org_id, title_zh):
                    continue
                fields = DatasetCreate.model_validate({
                    "licence": _LICENCE, "contact_point": _CONTACT, "spatial": _HANGZHOU,
                    "publisher_name": publisher_name, **spec,
                })
                dataset = datasets.create_dataset(session, outbox, fields=fields,
                                                  actor=provider)
                _add_demo_file(session, outbox, blobs, dataset_id=dataset.id, spec=spec,
                               actor=provider)
                datasets.submit_dataset(session, outbox, dataset_id=dataset.id, actor=provider)
                if dataset.grade == "important":
                    datasets.regulator_review_dataset(
                        session, outbox, dataset_id=dataset.id, approve=True,
                        reason="演示数据：重要数据安全评估已通过", actor=regulator,
                    )
                datasets.review_dataset(session, outbox, dataset_id=dataset.id, approve=True,
                                        reason="演示数据", actor=operator)
                created.append(dataset.id)
    finally:
        db.dispose()
    return created


def _add_demo_file(session: Session, outbox: Outbox, blobs: BlobStore, *, dataset_id: str,
                   spec: dict[str, Any], actor: Principal) -> None:
    content = demo_csv(spec["title"]["zh"], spec["schema"])
    staged = blobs.staging_file()
    try:
        staged.write_bytes(content)
        analysis = files.analyze(staged, fmt="csv", columns=list(spec["schema"]))
        files.add_file(session, outbox, blobs, dataset_id=dataset_id, actor=actor,
                       staged=staged, sha256=hashlib.sha256(content).hexdigest(),
                       size=len(content), fmt="csv", filename=f"{spec['title']['en']}.csv",
                       analysis=analysis)
    finally:
        staged.unlink(missing_ok=True)


def _seeder(*, org: str | None, role: str) -> Principal:
    return Principal(subject=SEED_ACTOR, kind="user", org=org, roles=frozenset({role}),
                     token="")
