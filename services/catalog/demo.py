"""Demo datasets of the Hangzhou data bureau (杭州市数据资源管理局), listed in the catalog.

:func:`seed_catalog` creates them through the service layer exactly as the API would,
so the outbox holds their ledger events (created, submitted, approved by regulator for
important data, listed) with ``seed`` as the actor. Seeding is idempotent: a dataset
whose Chinese title the publisher already has is left alone.
"""

from __future__ import annotations

import hashlib
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


def _column(name: str, type_: str, description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "type": type_, "description": description, "required": required}


DEMO_DATASETS: tuple[dict[str, Any], ...] = (
    {
        "title": {"zh": "杭州市公共交通客流量", "en": "Hangzhou public transport ridership"},
        "description": {
            "zh": "杭州地铁各线路与主要公交线路的日客流量，按线路、站点和日期统计，"
                  "用于出行研究与交通规划。",
            "en": "Daily ridership of every Hangzhou metro line and the main bus routes, "
                  "by line, stop and day, for travel research and transport planning.",
        },
        "keywords": ["客流", "地铁", "公交", "ridership", "metro", "bus"],
        "themes": ["transport"],
        "open_type": "unconditional", "grade": "general", "update_frequency": "daily",
        "temporal": {"start": "2023-01-01"},
        "schema": [
            _column("service_date", "date", "运营日期", True),
            _column("line_code", "string", "线路编号", True),
            _column("line_name", "string", "线路名称"),
            _column("mode", "string", "方式：地铁/公交"),
            _column("stop_name", "string", "站点名称"),
            _column("boardings", "integer", "进站（上车）人次", True),
        ],
    },
    {
        "title": {"zh": "杭州市空气质量监测数据", "en": "Hangzhou air quality monitoring data"},
        "description": {
            "zh": "全市国控与省控空气质量自动监测站逐小时监测结果，包括AQI、PM2.5、PM10、"
                  "臭氧、二氧化氮等污染物浓度。",
            "en": "Hourly readings of the national and provincial air quality stations in "
                  "Hangzhou: AQI and PM2.5, PM10, ozone and nitrogen dioxide concentrations.",
        },
        "keywords": ["空气质量", "AQI", "PM2.5", "air quality", "pollution"],
        "themes": ["environment"],
        "open_type": "unconditional", "grade": "general", "update_frequency": "hourly",
        "temporal": {"start": "2020-01-01"},
        "schema": [
            _column("station_code", "string", "监测站编码", True),
            _column("station_name", "string", "监测站名称"),
            _column("observed_at", "datetime", "监测时间", True),
            _column("aqi", "integer", "空气质量指数"),
            _column("pm25", "decimal", "PM2.5 浓度（μg/m³）"),
            _column("pm10", "decimal", "PM10 浓度（μg/m³）"),
            _column("o3", "decimal", "臭氧浓度（μg/m³）"),
            _column("no2", "decimal", "二氧化氮浓度（μg/m³）"),
        ],
    },
    {
        "title": {"zh": "杭州市企业信用评价信息", "en": "Hangzhou enterprise credit ratings"},
        "description": {
            "zh": "市场主体公共信用综合评价结果，含评价等级、评价日期和评价机关，"
                  "供金融机构在授权范围内开展信贷风控。",
            "en": "Public credit ratings of registered enterprises, with grade, date and "
                  "rating authority, for lenders' credit risk checks under an agreement.",
        },
        "keywords": ["信用评价", "企业信用", "credit rating", "enterprise"],
        "themes": ["credit", "economy"],
        "open_type": "conditional", "grade": "important", "update_frequency": "monthly",
        "temporal": {"start": "2021-01-01"},
        "schema": [
            _column("credit_code", "string", "统一社会信用代码", True),
            _column("enterprise_name", "string", "企业名称", True),
            _column("rating", "string", "评价等级（A/B/C/D）", True),
            _column("rated_on", "date", "评价日期", True),
            _column("authority", "string", "评价机关"),
        ],
    },
    {
        "title": {"zh": "杭州市中小学学校名录", "en": "Hangzhou primary and secondary schools"},
        "description": {
            "zh": "全市公办与民办中小学名录，含学校代码、办学类型、所属区县、地址和办公电话。",
            "en": "Directory of public and private primary and secondary schools: school "
                  "code, type, district, address and office telephone.",
        },
        "keywords": ["学校", "中小学", "教育", "school", "education"],
        "themes": ["education"],
        "open_type": "unconditional", "grade": "general", "update_frequency": "annual",
        "schema": [
            _column("school_code", "string", "学校标识码", True),
            _column("school_name", "string", "学校名称", True),
            _column("school_type", "string", "办学类型"),
            _column("district", "string", "所属区县"),
            _column("address", "string", "地址"),
            _column("office_phone", "string", "办公电话"),
        ],
    },
    {
        "title": {"zh": "杭州市医疗机构名录", "en": "Hangzhou medical institutions"},
        "description": {
            "zh": "经卫生健康部门登记的医院、社区卫生服务中心和诊所，含机构等级、类别、"
                  "地址和执业许可证有效期。",
            "en": "Hospitals, community health centres and clinics registered with the health "
                  "commission: grade, category, address and licence validity.",
        },
        "keywords": ["医院", "医疗机构", "卫生", "hospital", "health"],
        "themes": ["health"],
        "open_type": "unconditional", "grade": "general", "update_frequency": "quarterly",
        "schema": [
            _column("institution_code", "string", "机构代码", True),
            _column("institution_name", "string", "机构名称", True),
            _column("category", "string", "机构类别"),
            _column("level", "string", "医院等级"),
            _column("address", "string", "地址"),
            _column("licence_valid_until", "date", "执业许可证有效期至"),
        ],
    },
    {
        "title": {"zh": "杭州市公共停车场泊位信息", "en": "Hangzhou public car park spaces"},
        "description": {
            "zh": "全市公共停车场的位置、总泊位数和实时空余泊位数，每分钟更新。",
            "en": "Location, capacity and free spaces of Hangzhou's public car parks, "
                  "updated every minute.",
        },
        "keywords": ["停车场", "泊位", "parking", "car park"],
        "themes": ["transport"],
        "open_type": "conditional", "grade": "general", "update_frequency": "realtime",
        "schema": [
            _column("parking_code", "string", "停车场编号", True),
            _column("parking_name", "string", "停车场名称", True),
            _column("district", "string", "所属区县"),
            _column("total_spaces", "integer", "总泊位数", True),
            _column("free_spaces", "integer", "空余泊位数"),
            _column("updated_at", "datetime", "数据时间", True),
        ],
    },
)


def seed_catalog(
    settings: CatalogSettings, *, publisher_org_id: str, publisher_name: str
) -> list[str]:
    """List the demo datasets the publisher does not have yet; returns their new ids."""
    db = Database(settings.database_url)
    outbox = Outbox(outbox_table, source="catalog",
                    keys=ledger_keyring(settings.key_dir, "catalog"))
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
