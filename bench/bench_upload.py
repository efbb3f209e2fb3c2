"""Upload + quality report over real HTTP: a large CSV posted to a running catalog.

Starts the exchange, the catalog and the audit service as processes (SQLite databases by
default, ``--postgres`` for PostgreSQL), signs up a provider, creates a dataset that
declares the file's schema, and uploads the file the ``file_analysis`` benchmark
generates (public-service records full of personal data), streamed from disk as
multipart. For each size it reports, beside SHA-256 of the same file in the same run
(median of three passes on one core: the machine's floor):

* the upload's wall time and MB/s: from the first byte sent to the 201 that carries
  the quality report (multipart parsing, SHA-256 and write to the blob store, schema
  check, quality report, PII scan, masked sample, the database rows and outbox event);
* the catalog process's peak RSS after the upload, so that several sizes in one run
  show whether memory grows with the file.

Usage: ``python -m bench upload [--size-mb 50 200] [--postgres] [--data-dir DIR]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_file_analysis import MB, SCHEMA, ensure_csv, sha256_seconds
from bench.services import running_services
from services.clients import ApiConnection, ApiProblem, BearerToken
from services.shared.settings import AUDIENCES
from tests.e2e.trading_client import Party, TradingFloor

PROVIDER_CREDIT_CODE = "11330100MB1H00000Q"


def peak_rss_mb(pid: int) -> float:
    """The peak resident set size of a process so far (``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / MB
    raise RuntimeError(f"no VmHWM for process {pid}")


def new_dataset(floor: TradingFloor, provider: Party) -> str:
    """A draft dataset declaring the benchmark file's columns; its id."""
    body = {"title": {"zh": "政务服务办件记录", "en": "Public service case records"},
            "description": {"zh": "压测用的办件记录。"}, "keywords": ["办件"],
            "themes": ["economy"], "open_type": "conditional", "grade": "general",
            "update_frequency": "daily", "licence": "CC-BY-4.0", "schema": SCHEMA}
    dataset = floor.call("POST", "catalog", "/v1/datasets", provider, expect=201, json=body)
    return str(dataset["id"])


def upload_seconds(floor: TradingFloor, provider: Party, dataset_id: str,
                   path: Path) -> tuple[float, dict[str, object]]:
    """Post ``path`` as a new file of the dataset; the wall time and the 201's body."""
    catalog = ApiConnection(floor.procs.url("catalog"), service="the catalog",
                            audience=AUDIENCES["catalog"],
                            credentials=BearerToken(provider.token), timeout=600)
    with path.open("rb") as stream, catalog:
        started = time.perf_counter()
        try:
            response = catalog.request("POST", f"/v1/datasets/{dataset_id}/files",
                                       files={"file": (path.name, stream, "text/csv")})
        except ApiProblem as problem:
            raise RuntimeError(f"upload refused: {problem}") from problem
        elapsed = time.perf_counter() - started
    body: dict[str, object] = response.json()
    return elapsed, body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL databases")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir())
                        / "dataex-bench")
    args = parser.parse_args()
    os.environ["DATAEX_TEST_DB"] = "postgres" if args.postgres else "sqlite"
    files = [ensure_csv(args.data_dir, size) for size in sorted(args.size_mb)]

    rows = []
    with running_services() as procs:
        floor = TradingFloor(procs)
        provider = floor.member(name="杭州市数据资源管理局", credit_code=PROVIDER_CREDIT_CODE,
                                roles=["provider"], username="bench-provider")
        catalog_pid = procs.procs["catalog"].pid
        idle_rss = peak_rss_mb(catalog_pid)
        for path in files:
            size = path.stat().st_size
            floor_s = statistics.median(sha256_seconds(path) for _ in range(3))
            elapsed, answer = upload_seconds(floor, provider, new_dataset(floor, provider),
                                             path)
            rows.append((size / MB, size / MB / floor_s, size / MB / elapsed, elapsed,
                         peak_rss_mb(catalog_pid), answer.get("rows")))

    print(f"upload + analysis over HTTP ({os.environ['DATAEX_TEST_DB']} databases), "
          f"CPUs: {os.cpu_count()}; catalog process RSS before the first upload: "
          f"{idle_rss:.0f} MB")
    print(f"{'size MB':>8} {'sha256 MB/s':>12} {'upload MB/s':>12} {'ratio':>7} "
          f"{'upload s':>9} {'catalog peak RSS MB':>20} {'rows':>9}")
    for size_mb, sha_rate, rate, elapsed, rss, n in rows:
        print(f"{size_mb:8.1f} {sha_rate:12.1f} {rate:12.1f} {rate / sha_rate:7.3f} "
              f"{elapsed:9.2f} {rss:20.1f} {n!s:>9}")
    print("peak RSS is the catalog process's high-water mark so far: it rises with a size "
          "only if that upload needed more memory than every one before it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
