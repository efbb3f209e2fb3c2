"""The demo datasets: listed through the service layer, searchable, seeded once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services.catalog.app import create_app
from services.catalog.config import CatalogSettings
from services.catalog.demo import DEMO_DATASETS, seed_catalog
from services.catalog.demo_files import DEMO_ROWS, demo_csv
from services.shared.database import normalise_url

PUBLISHER = "org_hangzhou_data_bureau"


def test_seeding_lists_the_demo_datasets_once(fresh_db: Callable[[str], str],
                                              tmp_path: Path) -> None:
    settings = CatalogSettings(database_url=fresh_db("catalog"), var_dir=tmp_path,
                               environment="test")
    created = seed_catalog(settings, publisher_org_id=PUBLISHER,
                           publisher_name="杭州市数据资源管理局")
    assert len(created) == len(DEMO_DATASETS) == 6
    assert seed_catalog(settings, publisher_org_id=PUBLISHER,
                        publisher_name="杭州市数据资源管理局") == []

    with TestClient(create_app(settings)) as catalog:
        listed = catalog.get("/v1/datasets", params={"limit": 100}).json()["items"]
        assert {d["id"] for d in listed} == set(created)
        assert {d["publisher"]["name"] for d in listed} == {"杭州市数据资源管理局"}
        assert {d["open_type"] for d in listed} == {"unconditional", "conditional"}
        assert {d["grade"] for d in listed} == {"general", "important"}
        found = catalog.get("/v1/datasets", params={"q": "交通"}).json()["items"]
        assert found[0]["title"]["zh"] == "杭州市公共交通客流量"
        english = catalog.get("/v1/datasets", params={"q": "air quality"}).json()["items"]
        assert [d["title"]["zh"] for d in english] == ["杭州市空气质量监测数据"]

    engine = create_engine(normalise_url(settings.database_url))
    try:
        with engine.connect() as conn:
            records = [json.loads(r[0]) for r in
                       conn.execute(text("SELECT record FROM catalog_outbox ORDER BY id"))]
            files = {row[0]: (row[1], row[2]) for row in conn.execute(
                text("SELECT dataset_id, id, rows FROM dataset_files"))}
    finally:
        engine.dispose()
    assert set(files) == set(created)
    assert {rows for _, rows in files.values()} == {DEMO_ROWS}

    transport = found[0]
    file_id = files[transport["id"]][0]
    with TestClient(create_app(settings)) as catalog:
        # Unconditionally open: the demo file downloads without an account.
        content = catalog.get(f"/v1/datasets/{transport['id']}/files/{file_id}/content")
        assert content.status_code == 200
        spec = next(s for s in DEMO_DATASETS if s["title"]["zh"] == "杭州市公共交通客流量")
        assert content.content == demo_csv(spec["title"]["zh"], spec["schema"])
        sample = catalog.get(f"/v1/datasets/{transport['id']}/files/{file_id}/sample").json()
        assert sample["rows"][0]["line_code"] == "M1"
        quality = catalog.get(f"/v1/datasets/{transport['id']}/files/{file_id}/quality").json()
        assert quality["rows"] == DEMO_ROWS and quality["pii"] == []
    types = [r["type"] for r in records]
    assert types.count("dataset.listed") == 6
    assert types.count("dataset.file_added") == 6
    assert types.count("dataset.created") == 6
    assert types.count("dataset.approved_by_regulator") == 1
    assert {r["actor"] for r in records} == {"seed"}
