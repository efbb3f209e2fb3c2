"""Catalog search latency at 100,000 datasets: the trigram indexes against a LIKE scan.

Loads N synthetic bilingual datasets (Zhejiang places, five of ~70 topics each, a
subdistrict name; Chinese and English titles, descriptions and keywords;
deterministic) into a fresh SQLite file
and a fresh PostgreSQL database, both built by the catalog's migrations, and times
the catalog's own search query (``services.catalog.search.repository.search``: index
lookup, exact check, ranking, the first page of 20) for Chinese and English queries
of one and two terms. In the same run it times the same ranked query answered by a
plain ``LIKE '%term%'`` scan (on PostgreSQL with bitmap scans, the only way to use a
GIN index, switched off), checks that both return the same rows, and prints p50/p95
and the ratio. The PostgreSQL database is created and dropped by the script.

Usage: ``python -m bench search [--rows N] [--repeat K] [--only sqlite|postgres]``
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.catalog.datasets.tables import (
    Dataset,
    DatasetRevision,
    RevisionTheme,
)
from services.catalog.search.repository import SearchCriteria, search
from services.catalog.search.tables import DatasetSearchDocument
from services.catalog.search.text import (
    DESCRIPTION_WEIGHT,
    KEYWORD_WEIGHT,
    TITLE_WEIGHT,
    like_escape,
    query_terms,
    search_document,
)
from services.shared.database import normalise_url
from services.shared.migrations import upgrade

PLACES = [
    ("杭州市", "Hangzhou"), ("上城区", "Shangcheng"), ("拱墅区", "Gongshu"),
    ("西湖区", "Xihu"), ("滨江区", "Binjiang"), ("萧山区", "Xiaoshan"), ("余杭区", "Yuhang"),
    ("临平区", "Linping"), ("钱塘区", "Qiantang"), ("富阳区", "Fuyang"), ("临安区", "Lin'an"),
    ("桐庐县", "Tonglu"), ("淳安县", "Chun'an"), ("建德市", "Jiande"), ("宁波市", "Ningbo"),
    ("温州市", "Wenzhou"), ("嘉兴市", "Jiaxing"), ("湖州市", "Huzhou"), ("绍兴市", "Shaoxing"),
    ("金华市", "Jinhua"), ("衢州市", "Quzhou"), ("舟山市", "Zhoushan"), ("台州市", "Taizhou"),
    ("丽水市", "Lishui"),
]
TOPICS = [
    ("交通", "traffic"), ("客流", "ridership"), ("公交", "bus"), ("地铁", "metro"),
    ("停车", "parking"), ("道路", "road"), ("桥梁", "bridge"), ("出租车", "taxi"),
    ("航班", "flight"), ("铁路", "railway"), ("空气", "air"), ("水质", "water quality"),
    ("噪声", "noise"), ("垃圾", "waste"), ("绿化", "greening"), ("气象", "weather"),
    ("降水", "rainfall"), ("医院", "hospital"), ("疫苗", "vaccine"), ("药品", "medicine"),
    ("诊所", "clinic"), ("学校", "school"), ("幼儿园", "kindergarten"), ("高校", "university"),
    ("图书馆", "library"), ("企业", "enterprise"), ("信用", "credit"), ("税务", "tax"),
    ("财政", "budget"), ("专利", "patent"), ("商标", "trademark"), ("就业", "employment"),
    ("社保", "social insurance"), ("养老", "pension"), ("住房", "housing"),
    ("房价", "house price"), ("土地", "land"), ("规划", "planning"), ("人口", "population"),
    ("户籍", "household registration"), ("旅游", "tourism"), ("景区", "scenic area"),
    ("酒店", "hotel"), ("文化", "culture"), ("体育", "sports"), ("农业", "agriculture"),
    ("粮食", "grain"), ("渔业", "fishery"), ("电力", "electricity"), ("燃气", "gas"),
    ("供水", "water supply"), ("能源", "energy"), ("消防", "fire service"),
    ("安全", "safety"), ("应急", "emergency"), ("警情", "police incidents"),
    ("食品", "food"), ("市场", "market"), ("价格", "price"), ("物流", "logistics"),
    ("快递", "parcel"), ("港口", "port"), ("电商", "e-commerce"), ("消费", "consumption"),
    ("投资", "investment"), ("招标", "tender"), ("采购", "procurement"), ("审批", "approval"),
    ("许可", "licence"), ("投诉", "complaint"),
]
SUFFIXES = [
    ("统计数据", "statistics"), ("名录", "directory"), ("监测数据", "monitoring data"),
    ("信息", "information"), ("年报", "annual report"), ("实时数据", "real-time data"),
    ("明细", "records"), ("汇总", "summary"),
]
# Two of these make a subdistrict name (文晖街道, Wenhui Subdistrict): about 1,600 names,
# so a name is a rare term (some 60 datasets in 100,000), as specific names are.
NAME_CHARS = [
    ("文", "wen"), ("晖", "hui"), ("湖", "hu"), ("滨", "bin"), ("清", "qing"), ("波", "bo"),
    ("望", "wang"), ("江", "jiang"), ("南", "nan"), ("星", "xing"), ("紫", "zi"),
    ("阳", "yang"), ("凯", "kai"), ("旋", "xuan"), ("采", "cai"), ("荷", "he"), ("笕", "jian"),
    ("桥", "qiao"), ("丁", "ding"), ("兰", "lan"), ("九", "jiu"), ("堡", "bao"), ("康", "kang"),
    ("半", "ban"), ("山", "shan"), ("北", "bei"), ("溪", "xi"), ("翠", "cui"), ("苑", "yuan"),
    ("古", "gu"), ("荡", "dang"), ("新", "xin"), ("枫", "feng"), ("村", "cun"), ("转", "zhuan"),
    ("塘", "tang"), ("留", "liu"), ("灵", "ling"), ("隐", "yin"), ("墩", "dun"),
]
PERIODS = [("日", "daily"), ("月", "monthly"), ("季度", "quarterly"), ("年", "yearly")]
THEMES = ["transport", "environment", "health", "education", "economy", "credit",
          "finance", "agriculture", "employment", "public_safety", "housing", "culture",
          "energy", "commerce"]

QUERIES = {
    "zh, 1 term": ["交通", "信用", "医院", "水质", "物流", "养老", "停车", "学校"],
    "zh, rare": ["文晖", "湖滨", "紫阳", "翠苑", "古荡", "灵隐", "丁兰", "康桥"],
    "zh, 2 terms": ["交通 客流", "企业 信用", "医院 疫苗", "空气 监测", "住房 价格",
                    "旅游 景区", "电力 能源", "食品 安全"],
    "en, 1 term": ["traffic", "credit", "hospital", "pension", "logistics", "tourism",
                   "parking", "school"],
    "en, rare": ["wenhui", "hubin", "ziyang", "cuiyuan", "gudang", "lingyin", "dinglan",
                 "kangqiao"],
    "en, 2 terms": ["traffic ridership", "enterprise credit", "hospital vaccine",
                    "air monitoring", "housing price", "tourism hotel", "energy gas",
                    "food safety"],
}


def synthetic_datasets(n: int, seed: int = 20261129) -> Iterator[dict[str, Any]]:
    """``n`` reproducible bilingual dataset descriptions."""
    rng = random.Random(seed)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    for i in range(n):
        (pz, pe), (sz, se), (fz, fe) = (rng.choice(PLACES), rng.choice(SUFFIXES),
                                        rng.choice(PERIODS))
        topics = rng.sample(TOPICS, 5)
        (t1, e1), (t2, e2), (t3, e3), (t4, e4), (t5, e5) = topics
        (n1, p1), (n2, p2) = rng.sample(NAME_CHARS, 2)
        yield {
            "n": i,
            "title_zh": f"{pz}{t1}{t2}{sz}",
            "title_en": f"{pe} {e1} and {e2} {se}",
            "description_zh": f"{pz}{t1}与{t2}相关的{sz}，涵盖{t3}、{t4}和{t5}等内容，"
                              f"由{n1}{n2}街道报送，按{fz}更新。",
            "description_en": f"{se.capitalize()} on {e1} and {e2} in {pe}, covering {e3}, "
                              f"{e4} and {e5}; reported by {(p1 + p2).capitalize()} "
                              f"Subdistrict, updated {fe}.",
            "keywords": [t1, t3, e1],
            "themes": rng.sample(THEMES, 2),
            "updated_at": start + timedelta(seconds=rng.randrange(3 * 365 * 86400)),
        }


def load(engine: Engine, n: int) -> float:
    """Insert ``n`` listed datasets with their revisions and search documents."""
    started = time.perf_counter()
    batch = 5_000
    rows = synthetic_datasets(n)
    with Session(engine) as session:
        while True:
            chunk = [next(rows, None) for _ in range(batch)]
            chunk = [c for c in chunk if c is not None]
            if not chunk:
                break
            datasets, revisions, themes, documents = [], [], [], []
            for item in chunk:
                ds_id = f"ds_bench{item['n']:08d}{secrets.token_hex(4)}"
                moment = item["updated_at"]
                datasets.append({
                    "id": ds_id, "publisher_org_id": f"org_{item['n'] % 500:04d}",
                    "publisher_name": "基准测试单位", "status": "listed", "revision": 1,
                    "open_type": "unconditional", "grade": "general", "created_by": "bench",
                    "created_at": moment, "updated_at": moment, "listed_at": moment,
                })
                revisions.append({
                    "dataset_id": ds_id, "revision": 1, "title_zh": item["title_zh"],
                    "title_en": item["title_en"], "description_zh": item["description_zh"],
                    "description_en": item["description_en"], "keywords": item["keywords"],
                    "licence": "CC-BY-4.0", "update_frequency": "monthly",
                    "open_type": "unconditional", "grade": "general", "columns": [],
                    "metadata_sha256": hashlib.sha256(ds_id.encode()).hexdigest(),
                    "created_by": "bench", "created_at": moment, "updated_at": moment,
                    "published_at": moment,
                })
                themes.extend({"dataset_id": ds_id, "revision": 1, "theme_code": code,
                               "position": p} for p, code in enumerate(item["themes"]))
                doc = search_document(
                    titles=(item["title_zh"], item["title_en"]), keywords=item["keywords"],
                    descriptions=(item["description_zh"], item["description_en"]),
                )
                documents.append({
                    "dataset_id": ds_id, "status": "listed", "updated_at": moment,
                    "publisher_org_id": f"org_{item['n'] % 500:04d}",
                    "open_type": "unconditional", "grade": "general", "revision": 1,
                    "title_text": doc.title_text,
                    "keyword_text": doc.keyword_text, "body_text": doc.body_text,
                    "document": doc.document, "short_grams": doc.short_grams,
                })
            session.execute(insert(Dataset), datasets)
            session.execute(insert(DatasetRevision), revisions)
            session.execute(insert(RevisionTheme), themes)
            session.execute(insert(DatasetSearchDocument), documents)
            session.commit()
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return time.perf_counter() - started


def like_scan(session: Session, q: str, limit: int = 20) -> list[str]:
    """The same ranked page as the catalog's search, from a plain LIKE scan."""
    terms = query_terms(q)
    position = "instr" if session.get_bind().dialect.name == "sqlite" else "strpos"
    params: dict[str, Any] = {"limit": limit}
    likes, parts = [], []
    for i, term in enumerate(terms):
        params[f"t{i}"] = term
        params[f"p{i}"] = f"%{like_escape(term)}%"
        likes.append(f"s.document LIKE :p{i} ESCAPE '/'")
        for field, weight in (("title_text", TITLE_WEIGHT), ("keyword_text", KEYWORD_WEIGHT),
                              ("body_text", DESCRIPTION_WEIGHT)):
            parts.append(f"CASE WHEN {position}(s.{field}, :t{i}) > 0 THEN {weight} ELSE 0 END")
    sql = (
        f"SELECT s.dataset_id, {' + '.join(parts)} AS score FROM dataset_search s "
        f"WHERE s.status = 'listed' AND {' AND '.join(likes)} "
        "ORDER BY score DESC, s.updated_at DESC, s.dataset_id DESC LIMIT :limit"
    )
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_bitmapscan = off"))
    return [row[0] for row in session.execute(text(sql), params)]


def indexed(session: Session, q: str, limit: int = 20) -> list[str]:
    """The catalog's own search query: the first page of 20."""
    criteria = SearchCriteria(terms=query_terms(q), statuses=["listed"], limit=limit)
    return [hit.dataset.id for hit in search(session, criteria)]


def time_queries(engine: Engine, run: Callable[[Session, str], list[str]],
                 queries: list[str], repeat: int) -> tuple[list[float], dict[str, list[str]]]:
    """Latencies in milliseconds of every query ``repeat`` times, and each one's result."""
    timings: list[float] = []
    results: dict[str, list[str]] = {}
    for q in queries:  # warm the caches once
        with Session(engine) as session:
            results[q] = run(session, q)
    for _ in range(repeat):
        for q in queries:
            with Session(engine) as session:
                started = time.perf_counter()
                run(session, q)
                timings.append((time.perf_counter() - started) * 1000)
    return timings, results


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def bench(engine: Engine, label: str, repeat: int, scan_repeat: int) -> bool:
    """Time every query group on one database; False if the two methods disagree."""
    agree = True
    print(f"\n{label}")
    print(f"{'query':<13}{'index p50':>11}{'p95':>9}{'LIKE p50':>11}{'p95':>9}"
          f"{'ratio p50':>11}{'matches':>9}")
    for group, queries in QUERIES.items():
        fast, fast_results = time_queries(engine, indexed, queries, repeat)
        slow, slow_results = time_queries(engine, like_scan, queries, scan_repeat)
        if fast_results != slow_results:
            agree = False
            print(f"  !! {group}: index and LIKE scan returned different pages")
        with Session(engine) as session:
            counts = [len(indexed(session, q, limit=100_000)) for q in queries[:2]]
        p50, p95 = statistics.median(fast), percentile(fast, 95)
        s50, s95 = statistics.median(slow), percentile(slow, 95)
        print(f"{group:<13}{p50:>9.2f}ms{p95:>7.2f}ms{s50:>9.1f}ms{s95:>7.1f}ms"
              f"{s50 / p50:>10.0f}x{round(statistics.mean(counts)):>9}")
    return agree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--postgres-url", default=os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    scan_repeat = max(1, args.repeat // 3)
    print(f"catalog search, {args.rows:,} listed datasets; {args.repeat} runs per query "
          f"({scan_repeat} for the LIKE scan), {len(QUERIES['zh, 1 term'])} queries per "
          "group, first page of 20; 'matches' is the mean number of matching datasets "
          "(a common topic word is in ~7% of them, a subdistrict name in ~0.06%)")
    ok = True
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench-search.db'}"
            upgrade("catalog", url)
            engine = create_engine(url)
            seconds = load(engine, args.rows)
            size = (Path(tmp) / "bench-search.db").stat().st_size / 2**20
            ok &= bench(engine, f"SQLite {sqlite_version(engine)} (FTS5 trigram; loaded in "
                                f"{seconds:.0f}s, file {size:.0f} MiB)", args.repeat, scan_repeat)
            engine.dispose()
    if args.only in (None, "postgres"):
        admin = create_engine(normalise_url(args.postgres_url), isolation_level="AUTOCOMMIT")
        name = f"dataex_bench_search_{secrets.token_hex(3)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_url(args.postgres_url)).set(database=name)
        try:
            upgrade("catalog", url.render_as_string(hide_password=False))
            engine = create_engine(url)
            seconds = load(engine, args.rows)
            with engine.connect() as conn:
                version = conn.execute(text("SHOW server_version")).scalar()
            ok &= bench(engine, f"PostgreSQL {version} (pg_trgm GIN; loaded in {seconds:.0f}s)",
                        args.repeat, scan_repeat)
            engine.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    if not ok:
        print("\nFAILED: the index and the LIKE scan disagree")
    return 0 if ok else 1


def sqlite_version(engine: Engine) -> str:
    """The SQLite library version behind ``engine``."""
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT sqlite_version()")).scalar())


if __name__ == "__main__":
    sys.exit(main())
