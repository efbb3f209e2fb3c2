"""Small, deterministic CSV files for the demo datasets, so that a fresh ``make run``
has real files to inspect (quality report, masked sample), to pin in an asset and to
download with a grant.

The values are invented but plausible for Hangzhou; no file holds personal
information, so every sample is shown unmasked.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

DEMO_ROWS = 240

_DISTRICTS = ("上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区")
_LINES = (("M1", "地铁1号线"), ("M2", "地铁2号线"), ("M4", "地铁4号线"), ("B193", "193路"),
          ("B28", "28路"), ("B155", "155路"))
_STOPS = ("龙翔桥", "凤起路", "武林广场", "城站", "火车东站", "钱江路", "文三路口", "黄龙体育中心")
_STATIONS = (("330100051", "西溪"), ("330100052", "千岛湖"), ("330100053", "滨江"),
             ("330100054", "下沙"), ("330100055", "卧龙桥"), ("330100056", "临平镇"))
_RATINGS = ("A", "A", "A", "B", "B", "C", "D")
_SCHOOL_TYPES = ("公办小学", "公办初中", "民办小学", "九年一贯制学校", "完全中学")
_CATEGORIES = (("综合医院", "三级甲等"), ("社区卫生服务中心", "一级"), ("专科医院", "二级甲等"),
               ("诊所", "未定级"))
_ROADS = ("文三路", "教工路", "延安路", "解放路", "江南大道", "莫干山路", "天目山路", "秋涛路")

Generator = Callable[[random.Random, int], Any]


def _day(start: date, spread: int) -> Generator:
    return lambda rng, i: (start + timedelta(days=rng.randrange(spread))).isoformat()


def _moment(start: datetime, step_minutes: int) -> Generator:
    return lambda rng, i: (start + timedelta(minutes=step_minutes * i)).strftime(
        "%Y-%m-%dT%H:%M:%S")


def _address(rng: random.Random, i: int) -> str:
    return f"杭州市{rng.choice(_DISTRICTS)}{rng.choice(_ROADS)}{rng.randint(1, 400)}号"


_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(rng: random.Random, i: int) -> str:
    """A unified social credit code (GB 32100) of a Hangzhou company, check character
    included."""
    body = f"91330{rng.choice('0123456')}{rng.choice('0123456789')}{rng.randrange(10**10):010d}"
    total = sum(_CODE_ALPHABET.index(ch) * pow(3, k, 31) for k, ch in enumerate(body))
    return body + _CODE_ALPHABET[(31 - total % 31) % 31]


_COLUMNS: dict[str, Generator] = {
    "service_date": lambda rng, i: (date(2025, 6, 1) + timedelta(days=i // 6)).isoformat(),
    "line_code": lambda rng, i: _LINES[i % len(_LINES)][0],
    "line_name": lambda rng, i: _LINES[i % len(_LINES)][1],
    "mode": lambda rng, i: "地铁" if _LINES[i % len(_LINES)][0].startswith("M") else "公交",
    "stop_name": lambda rng, i: rng.choice(_STOPS),
    "boardings": lambda rng, i: rng.randint(800, 62_000),
    "station_code": lambda rng, i: _STATIONS[i % len(_STATIONS)][0],
    "station_name": lambda rng, i: _STATIONS[i % len(_STATIONS)][1],
    "observed_at": _moment(datetime(2025, 6, 1, tzinfo=UTC), 10),
    "aqi": lambda rng, i: rng.randint(18, 160),
    "pm25": lambda rng, i: f"{rng.uniform(5, 110):.1f}",
    "pm10": lambda rng, i: f"{rng.uniform(10, 150):.1f}",
    "o3": lambda rng, i: f"{rng.uniform(20, 210):.1f}",
    "no2": lambda rng, i: f"{rng.uniform(5, 80):.1f}",
    "credit_code": _credit_code,
    "enterprise_name": lambda rng, i: f"杭州{rng.choice(('云帆', '禾信', '启明', '数联'))}"
                                      f"{rng.choice(('科技', '贸易', '物流', '餐饮'))}有限公司",
    "rating": lambda rng, i: rng.choice(_RATINGS),
    "rated_on": _day(date(2025, 1, 1), 300),
    "authority": lambda rng, i: "杭州市发展和改革委员会",
    "school_code": lambda rng, i: f"2133{i:06d}",
    "school_name": lambda rng, i: f"杭州市{rng.choice(_DISTRICTS)}第{i + 1}小学",
    "school_type": lambda rng, i: rng.choice(_SCHOOL_TYPES),
    "district": lambda rng, i: rng.choice(_DISTRICTS),
    "address": _address,
    "office_phone": lambda rng, i: f"0571-8{rng.randrange(10**6, 10**7)}",
    "institution_code": lambda rng, i: f"PDY{i:06d}33010",
    "institution_name": lambda rng, i: f"杭州市{rng.choice(_DISTRICTS)}"
                                       f"{_CATEGORIES[i % len(_CATEGORIES)][0]}{i + 1}",
    "category": lambda rng, i: _CATEGORIES[i % len(_CATEGORIES)][0],
    "level": lambda rng, i: _CATEGORIES[i % len(_CATEGORIES)][1],
    "licence_valid_until": _day(date(2026, 1, 1), 1500),
    "parking_code": lambda rng, i: f"P{i:05d}",
    "parking_name": lambda rng, i: f"{rng.choice(_ROADS)}公共停车场{i + 1}",
    "total_spaces": lambda rng, i: rng.randint(40, 900),
    "free_spaces": lambda rng, i: rng.randint(0, 40),
    "updated_at": _moment(datetime(2025, 6, 1, 8, tzinfo=UTC), 1),
}

_BY_TYPE: dict[str, Generator] = {
    "integer": lambda rng, i: rng.randint(0, 1000),
    "decimal": lambda rng, i: f"{rng.uniform(0, 1000):.2f}",
    "boolean": lambda rng, i: rng.choice(("true", "false")),
    "date": _day(date(2025, 1, 1), 365),
    "datetime": _moment(datetime(2025, 1, 1, tzinfo=UTC), 60),
}


def demo_csv(title: str, schema: Sequence[dict[str, Any]], rows: int = DEMO_ROWS) -> bytes:
    """A UTF-8 CSV of ``rows`` rows with the declared columns, the same for the same title."""
    seed = int.from_bytes(hashlib.sha256(title.encode()).digest()[:8], "big")
    rng = random.Random(seed)  # noqa: S311 - repeatable demo values, not secrets
    names = [str(column["name"]) for column in schema]
    makers = [
        _COLUMNS.get(name) or _BY_TYPE.get(str(column.get("type")))
        or (lambda rng, i, name=name: f"{name}-{i + 1}")
        for name, column in zip(names, schema, strict=True)
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for i in range(rows):
        writer.writerow([make(rng, i) for make in makers])
    return out.getvalue().encode()
