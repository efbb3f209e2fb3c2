"""Ledger append throughput over real HTTP on PostgreSQL, against the raw INSERT rate.

Starts an exchange and an audit service as processes on a fresh PostgreSQL database,
then measures, each as the median of three runs:

- raw: INSERT + COMMIT per row, and executemany of 100 rows per commit, with psycopg
  into a table shaped like ``ledger_entries`` (the machine's floor for our storage);
- batch: 500-entry batches over HTTP from 4 clients, every source signature verified;
- single: one entry per request from 32 concurrent clients (group commit at work).

Usage: ``python -m bench ledger_append [--entries N] [--workers W]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.databases import DatabaseFactory, postgres_admin_url
from tests.e2e.ledger_client import ServiceEmitter
from tests.e2e.processes import ServiceProcesses

ENTRY_TABLE = """
CREATE TABLE bench_rows (
    seq BIGINT PRIMARY KEY, event_id VARCHAR(64) UNIQUE, type VARCHAR(64),
    source VARCHAR(32), actor VARCHAR(64), subject VARCHAR(128),
    occurred_at TIMESTAMPTZ, recorded_at VARCHAR(32), record TEXT, kid VARCHAR(64),
    signature VARCHAR(128), prev_hash VARCHAR(64), entry_hash VARCHAR(64),
    leaf_hash VARCHAR(64)
)"""


def median_rate(runs: int, fn: Callable[[], tuple[int, float]]) -> float:
    rates = []
    for _ in range(runs):
        count, seconds = fn()
        rates.append(count / seconds)
    return statistics.median(rates)


def raw_row(seq: int) -> tuple[Any, ...]:
    return (seq, secrets.token_hex(16), "dataset.accessed", "catalog", "usr_x", f"ds_{seq}",
            "2026-11-29T00:00:00Z", "2026-11-29T00:00:00.000000Z", "x" * 400, "k" * 43,
            "ab" * 64, "cd" * 32, "ef" * 32, "01" * 32)


INSERT = ("INSERT INTO bench_rows VALUES "
          "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)")


def raw_single(url: str, n: int) -> tuple[int, float]:
    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE bench_rows")
        conn.commit()
        started = time.perf_counter()
        for i in range(n):
            conn.execute(INSERT, raw_row(i))
            conn.commit()
        return n, time.perf_counter() - started


def raw_batched(url: str, n: int) -> tuple[int, float]:
    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE bench_rows")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur:
            for start in range(0, n, 100):
                cur.executemany(INSERT, [raw_row(i) for i in range(start, start + 100)])
                conn.commit()
        return n, time.perf_counter() - started


async def _post_all(base_url: str, headers: dict[str, str], bodies: list[bytes]) -> None:
    """POST ``bodies`` one after another on one keep-alive HTTP/1.1 connection.

    A minimal client on asyncio streams: on a 2-core machine a load generator that costs
    little per request (no client library, no thread per connection) leaves more of the
    CPU to the server being measured. Any answer but 2xx fails the run.
    """
    parsed = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
    head = "".join(
        f"{name}: {value}\r\n" for name, value in
        {"Host": parsed.netloc, "Content-Type": "application/json", **headers}.items()
    )
    prefix = f"POST /v1/entries HTTP/1.1\r\n{head}Content-Length: ".encode()
    try:
        for body in bodies:
            writer.write(b"%s%d\r\n\r\n%s" % (prefix, len(body), body))
            status = int((await reader.readline()).split(b" ", 2)[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            answer = await reader.readexactly(length)
            if not 200 <= status < 300:
                raise RuntimeError(f"{status}: {answer[:300]!r}")
    finally:
        writer.close()
        await writer.wait_closed()


def post_concurrently(base_url: str, headers: dict[str, str], bodies: list[bytes],
                      clients: int) -> float:
    """Seconds for ``clients`` connections to POST every body (body i on connection
    i mod clients, each waiting for its answer before sending the next)."""

    async def run() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(_post_all(base_url, headers, bodies[i::clients])
                               for i in range(clients)))
        return time.perf_counter() - started

    return asyncio.run(run())


def http_batches(procs: ServiceProcesses, emitter: ServiceEmitter, n: int) -> tuple[int, float]:
    """500-entry batches from 4 clients; bodies are encoded before the clock starts."""
    entries = [emitter.entry(i) for i in range(n)]
    bodies = [json.dumps({"entries": entries[i:i + 500]}).encode() for i in range(0, n, 500)]
    return n, post_concurrently(procs.url("audit"), emitter.headers, bodies, 4)


def http_singles(procs: ServiceProcesses, emitter: ServiceEmitter, n: int) -> tuple[int, float]:
    """One entry a request from 32 clients, each on its own keep-alive connection."""
    bodies = [json.dumps(emitter.entry(i)).encode() for i in range(n)]
    return n, post_concurrently(procs.url("audit"), emitter.headers, bodies, 32)


WRK_SCRIPT = """
local bodies = {}
local tid = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  local n = 0
  local nthreads = tonumber(os.getenv("WRK_THREADS"))
  for line in io.lines(os.getenv("WRK_BODIES")) do
    if n % nthreads == tid then bodies[#bodies + 1] = line end
    n = n + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = os.getenv("WRK_AUTH")
end
local i = 0
function request()
  i = i + 1
  if i > #bodies then i = 1 end
  return wrk.format(nil, nil, nil, bodies[i])
end
"""


def wrk_singles(procs: ServiceProcesses, emitter: ServiceEmitter, seconds: int,
                workdir: Path) -> tuple[int, float] | None:
    """Single appends from 32 connections driven by wrk (a C load generator, so the
    client does not compete with the server for the GIL); None if wrk is absent."""
    import re
    import shutil
    import subprocess

    if shutil.which("wrk") is None:
        return None
    bodies = workdir / "bodies.jsonl"
    with bodies.open("w") as f:
        for i in range(seconds * 4000):
            f.write(json.dumps(emitter.entry(i)) + "\n")
    script = workdir / "append.lua"
    script.write_text(WRK_SCRIPT)
    env = {**os.environ, "WRK_BODIES": str(bodies), "WRK_THREADS": "2",
           "WRK_AUTH": emitter.headers["Authorization"]}
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", str(script), "--latency",
         procs.url("audit") + "/v1/entries"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        requests -= int(failed.group(1))
    return requests, float(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2, help="audit server processes")
    args = parser.parse_args()
    os.environ["DATAEX_TEST_DB"] = "postgres"

    with tempfile.TemporaryDirectory() as tmp:
        factory = DatabaseFactory(Path(tmp))
        try:
            scratch = factory.empty("raw")
            raw_url = scratch.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(raw_url) as conn:
                conn.execute(ENTRY_TABLE)
            single_rate = median_rate(3, lambda: raw_single(raw_url, 2000))
            batched_rate = median_rate(3, lambda: raw_batched(raw_url, 20000))

            urls = {s: factory.migrated(s, private=True) for s in ("catalog", "exchange", "audit")}
            procs = ServiceProcesses(var_dir=Path(tmp), database_urls=urls)
            try:
                procs.start("exchange")
                procs.wait_ready("exchange")
                procs.start("audit", extra_env={"DATAEX_AUDIT_WORKERS": str(args.workers),
                                                "DATAEX_AUDIT_LOG_LEVEL": "WARNING"})
                procs.wait_ready("audit")
                emitter = ServiceEmitter(procs)
                batch_rate = median_rate(3, lambda: http_batches(procs, emitter, args.entries))
                singles = max(args.entries // 4, 2000)
                single_http = median_rate(3, lambda: http_singles(procs, emitter, singles))
                wrk_runs = [wrk_singles(procs, emitter, 10, Path(tmp)) for _ in range(3)]
                wrk_rate = (statistics.median(n / s for n, s in wrk_runs)  # type: ignore[misc]
                            if all(wrk_runs) else None)
            finally:
                procs.stop_all()
        finally:
            factory.close()

    print(f"PostgreSQL at {postgres_admin_url()}, audit workers: {args.workers}")
    print(f"raw INSERT+COMMIT per row        {single_rate:10.0f} rows/s")
    print(f"raw executemany, 100 rows/commit {batched_rate:10.0f} rows/s")
    print(f"HTTP batch append (500/request)  {batch_rate:10.0f} entries/s  "
          f"= {batch_rate / batched_rate:.2f} x raw batched")
    print(f"HTTP single appends, 32 Python clients {single_http:6.0f} entries/s  "
          f"= {single_http / batched_rate:.2f} x raw batched, "
          f"{single_http / single_rate:.2f} x raw per-row commits")
    if wrk_rate is not None:
        print(f"HTTP single appends, 32 wrk connections {wrk_rate:5.0f} entries/s  "
              f"= {wrk_rate / batched_rate:.2f} x raw batched, "
              f"{wrk_rate / single_rate:.2f} x raw per-row commits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
