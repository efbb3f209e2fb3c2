"""Benchmark of the catalog's file analysis against SHA-256 of the same file.

Generates (or reuses) a realistic CSV of public-service records (names, resident ID
numbers, mobiles, e-mails, bank cards, addresses, amounts, dates; with nulls, type
errors and about 1% duplicate rows), then measures, median of N runs:

* SHA-256 throughput of the file (MB/s), the machine's reference speed;
* analysis throughput (MB/s), each run in a fresh subprocess, with that subprocess's
  peak RSS and CPU time;

and prints the ratio analysis / SHA-256. Run it at two sizes to see that memory does
not grow with the file::

    python bench/bench_file_analysis.py --size-mb 50 200
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000
GENERATOR_VERSION = 1

SCHEMA: list[dict[str, str | bool]] = [
    {"name": "record_id", "type": "integer", "description": "记录编号", "required": True},
    {"name": "case_no", "type": "string", "description": "办件编号", "required": True},
    {"name": "姓名", "type": "string", "description": "申请人姓名"},
    {"name": "身份证号", "type": "string", "description": "公民身份号码"},
    {"name": "手机号", "type": "string", "description": "联系电话"},
    {"name": "email", "type": "string", "description": "电子邮箱"},
    {"name": "bank_card", "type": "string", "description": "退费银行卡号"},
    {"name": "地址", "type": "string", "description": "联系地址"},
    {"name": "办理事项", "type": "string", "description": "办理事项名称"},
    {"name": "amount", "type": "decimal", "description": "收费金额（元）"},
    {"name": "completed", "type": "boolean", "description": "是否办结"},
    {"name": "birth_date", "type": "date", "description": "出生日期"},
    {"name": "accepted_at", "type": "datetime", "description": "受理时间"},
    {"name": "备注", "type": "string", "description": ""},
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_FAMILY = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
)
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉萍建华志红国文春梅海燕"
_DISTRICTS = [
    "北京市海淀区",
    "北京市朝阳区",
    "上海市浦东新区",
    "上海市徐汇区",
    "广州市天河区",
    "深圳市南山区",
    "成都市武侯区",
    "杭州市西湖区",
    "武汉市洪山区",
    "西安市雁塔区",
]
_ROADS = ["中关村大街", "建国路", "世纪大道", "天河路", "科技园南路", "人民南路", "文三路"]
_ITEMS = [
    "居民身份证换领",
    "社会保障卡补办",
    "住房公积金提取",
    "个体工商户设立登记",
    "不动产登记资料查询",
    "机动车驾驶证换证",
    "出入境证件办理",
    "城乡居民医疗保险参保登记",
    "企业名称变更登记",
]
_AREAS = ["110101", "110108", "310104", "310115", "440106", "440305", "510107", "330106"]


def _resident_id(rng: random.Random) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(25_000))
    body = f"{rng.choice(_AREAS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _luhn_complete(prefix: str) -> str:
    for check in "0123456789":
        number = prefix + check
        total = 0
        for index, char in enumerate(reversed(number)):
            digit = int(char)
            if index % 2:
                digit = digit * 2 - 9 if digit > 4 else digit * 2
            total += digit
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable")


def generate_csv(path: Path, size_bytes: int, seed: int = 20240601) -> None:
    """Write a CSV of about ``size_bytes`` public-service records to ``path``."""
    rng = random.Random(seed)
    ids = [_resident_id(rng) for _ in range(50_000)]
    cards = [_luhn_complete(f"6222{rng.randrange(10**11):011d}") for _ in range(20_000)]
    names = [
        rng.choice(_FAMILY) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))
        for _ in range(20_000)
    ]
    addresses = [
        f"{rng.choice(_DISTRICTS)}{rng.choice(_ROADS)}{rng.randint(1, 999)}号"
        f"{rng.randint(1, 30)}栋{rng.randint(101, 2808)}室"
        for _ in range(20_000)
    ]
    births = [(date(1950, 1, 1) + timedelta(days=d)).isoformat() for d in range(0, 25_000, 7)]
    notes = ["", "", "", "材料齐全", "已电话告知", "请联系 13812345678", "退件重报", "邮件 a@b.cn"]
    header = ",".join(str(column["name"]) for column in SCHEMA) + "\n"
    written = 0
    previous = ""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        written += len(header.encode())
        row = 0
        batch: list[str] = []
        while written < size_bytes:
            row += 1
            if previous and rng.random() < 0.01:
                line = previous
            else:
                amount = f"{rng.uniform(0, 5000):.2f}" if rng.random() > 0.01 else "待定"
                line = (
                    f"{row},BJ2024-{row:08d},{rng.choice(names)},"
                    f"{rng.choice(ids) if rng.random() > 0.03 else ''},"
                    f"1{rng.choice('3456789')}{rng.randrange(10**9):09d},"
                    f"{f'user{row}@example.com' if rng.random() > 0.3 else ''},"
                    f"{rng.choice(cards) if rng.random() > 0.6 else ''},"
                    f"{rng.choice(addresses)},{rng.choice(_ITEMS)},{amount},"
                    f"{rng.choice(('true', 'false', ''))},{rng.choice(births)},"
                    f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                    f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00,"
                    f"{rng.choice(notes)}\n"
                )
            previous = line
            batch.append(line)
            written += len(line.encode())
            if len(batch) >= 10_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))


def ensure_csv(data_dir: Path, size_mb: int) -> Path:
    """The cached benchmark CSV of ``size_mb`` megabytes, generated on first use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"file-analysis-{size_mb}mb-v{GENERATOR_VERSION}.csv"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        generate_csv(partial, size_mb * MB)
        partial.rename(path)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def sha256_seconds(path: Path) -> float:
    """Seconds to SHA-256 the file in 1 MiB reads, as an upload handler would."""
    started = time.perf_counter()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    digest.hexdigest()
    return time.perf_counter() - started


_CHILD = """
import json, resource, sys, time
from services.catalog.analysis import analyze_file
schema = json.loads(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
result = analyze_file(sys.argv[1], file_format="csv", columns=schema)
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "seconds": seconds,
    "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    "peak_rss_mb": after.ru_maxrss / 1024,
    "rows": result.row_count,
    "duplicates": result.duplicate_row_count,
    "overall_score": result.quality.overall_score,
    "flagged": sorted(result.flagged_columns),
}))
"""


def analysis_run(path: Path) -> dict[str, object]:
    """One analysis in a fresh interpreter; its time, CPU time and peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), json.dumps(SCHEMA, ensure_ascii=False)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=env,
    )
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def bench(path: Path, runs: int) -> dict[str, float]:
    """Median figures of ``runs`` SHA-256 passes and ``runs`` analyses of one file."""
    size_mb = path.stat().st_size / MB
    sha_seconds = statistics.median(sha256_seconds(path) for _ in range(runs))
    analyses = [analysis_run(path) for _ in range(runs)]
    seconds = statistics.median(float(str(a["seconds"])) for a in analyses)
    figures = {
        "size_mb": size_mb,
        "sha256_mb_s": size_mb / sha_seconds,
        "analysis_mb_s": size_mb / seconds,
        "analysis_seconds": seconds,
        "analysis_cpu_seconds": statistics.median(
            float(str(a["cpu_seconds"])) for a in analyses
        ),
        "peak_rss_mb": max(float(str(a["peak_rss_mb"])) for a in analyses),
    }
    figures["ratio"] = figures["analysis_mb_s"] / figures["sha256_mb_s"]
    figures["analysis_mb_per_cpu_s"] = size_mb / figures["analysis_cpu_seconds"]
    last = analyses[-1]
    print(
        f"{path.name}: {size_mb:.1f} MB, {last['rows']} rows, {last['duplicates']} duplicate "
        f"rows, overall quality {last['overall_score']}, flagged {last['flagged']}"
    )
    return figures


def main() -> None:
    """Parse arguments, run the benchmark at each size and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, nargs="+", default=[200])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "dataex-bench"
    )
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}")
    rows = [bench(ensure_csv(args.data_dir, size), args.runs) for size in args.size_mb]
    print(
        f"{'size MB':>8} {'sha256 MB/s':>12} {'analysis MB/s':>14} {'ratio':>7} "
        f"{'analysis s':>11} {'CPU s':>7} {'MB/CPU-s':>9} {'peak RSS MB':>12}"
    )
    for row in rows:
        print(
            f"{row['size_mb']:8.1f} {row['sha256_mb_s']:12.1f} {row['analysis_mb_s']:14.1f} "
            f"{row['ratio']:7.3f} {row['analysis_seconds']:11.2f} "
            f"{row['analysis_cpu_seconds']:7.2f} {row['analysis_mb_per_cpu_s']:9.1f} "
            f"{row['peak_rss_mb']:12.1f}"
        )
    print(
        "target: ratio >= 0.100 (analysis at least 1/10 of the SHA-256 speed); SHA-256 uses "
        "one core, the analysis all of them, so MB/CPU-s compares the work done per core "
        f"when other processes share the machine (load average now {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
