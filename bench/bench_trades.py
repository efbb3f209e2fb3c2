"""Complete trades per second over real HTTP on PostgreSQL, with 32 concurrent buyers.

Starts catalog, exchange and audit as processes on fresh PostgreSQL databases, sets up
one provider with a certified asset and an offer, and 32 funded buyers. Each buyer then
trades in a loop for ``--seconds``: order (Idempotency-Key), accept (the provider),
pay (Idempotency-Key), grant, confirm. Reported: complete trades/s, requests/s, and
p50/p95/p99 latency of each step.

For scale, the same asyncio client then drives, with 32 concurrent callers for the same
time in the same run on the same machine, a trivial authenticated FastAPI endpoint (the
catalog's ``GET /v1/whoami``: token verified, no database) and the exchange's simplest
database read (``GET /v1/me``); the ratio of the trading steps' requests/s to those rates
is our overhead over the framework and over one authenticated query. With ``wrk``
installed, the trivial endpoint is also measured with it (a C client that does not
compete with the server for the GIL).

Usage: ``python -m bench trades [--seconds S] [--buyers N] [--workers W] [--relay]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.services import running_services
from services.exchange.identity.credit_code import check_character
from tests.databases import postgres_admin_url
from tests.e2e.trading_client import Party, TradingFloor

STEPS = ("order", "accept", "pay", "grant", "confirm")
PRICE = 10_000


def credit_code(n: int) -> str:
    """A valid company credit code numbered ``n``."""
    first17 = f"91330100MA{n:07d}"
    return first17 + check_character(first17)


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index] * 1000


class TradeLoad:
    """Buyers trading concurrently; latencies per step."""

    def __init__(self, exchange: str, provider: Party, buyers: list[Party], offer_id: str,
                 run: str) -> None:
        self.exchange = exchange
        self.run_id = run
        self.provider = provider
        self.buyers = buyers
        self.offer_id = offer_id
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.trades = 0
        self.errors: dict[str, int] = defaultdict(int)

    async def _step(self, client: httpx.AsyncClient, step: str, method: str, path: str,
                    headers: dict[str, str], **kwargs: Any) -> dict[str, Any] | None:
        started = time.perf_counter()
        response = await client.request(method, path, headers=headers, **kwargs)
        elapsed = time.perf_counter() - started
        if response.status_code >= 300:
            self.errors[f"{step} {response.status_code}"] += 1
            return None
        self.latencies[step].append(elapsed)
        body: dict[str, Any] = response.json()
        return body

    async def _buyer(self, i: int, buyer: Party, deadline: float) -> None:
        limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
        async with httpx.AsyncClient(base_url=self.exchange, timeout=60, limits=limits) as http:
            n = 0
            while time.perf_counter() < deadline:
                n += 1
                key = f"{self.run_id}-b{i}-{n}"
                order = await self._step(
                    http, "order", "POST", "/v1/orders",
                    {**buyer.headers, "Idempotency-Key": f"{key}-order"},
                    json={"offer_id": self.offer_id, "purpose": "压测"})
                if order is None:
                    continue
                base = f"/v1/orders/{order['id']}"
                if await self._step(http, "accept", "POST", f"{base}/accept",
                                    self.provider.headers) is None:
                    continue
                if await self._step(http, "pay", "POST", f"{base}/pay",
                                    {**buyer.headers, "Idempotency-Key": f"{key}-pay"}) is None:
                    continue
                if await self._step(http, "grant", "GET", f"{base}/grant",
                                    buyer.headers) is None:
                    continue
                if await self._step(http, "confirm", "POST", f"{base}/confirm",
                                    buyer.headers) is not None:
                    self.trades += 1

    async def run(self, seconds: float) -> float:
        """Trade for ``seconds``; returns the elapsed time."""
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(self._buyer(i, b, deadline) for i, b in enumerate(self.buyers)))
        return time.perf_counter() - started


async def trivial_rate(url: str, headers: dict[str, str], callers: int,
                       seconds: float) -> tuple[float, list[float]]:
    """Requests/s of ``GET url`` from ``callers`` concurrent tasks, and the latencies."""
    latencies: list[float] = []
    count = 0

    async def caller(deadline: float) -> None:
        nonlocal count
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await http.get(url, headers=headers)
                response.raise_for_status()
                latencies.append(time.perf_counter() - started)
                count += 1

    started = time.perf_counter()
    await asyncio.gather(*(caller(started + seconds) for _ in range(callers)))
    return count / (time.perf_counter() - started), latencies


WRK_SCRIPT = 'wrk.headers["Authorization"] = os.getenv("WRK_AUTH")\n'


def wrk_rate(url: str, authorization: str, seconds: int, workdir: Path) -> float | None:
    """Requests/s of ``GET url`` from 32 wrk connections; None without wrk."""
    if shutil.which("wrk") is None:
        return None
    script = workdir / "auth.lua"
    script.write_text(WRK_SCRIPT)
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", str(script), url],
        env={**os.environ, "WRK_AUTH": authorization}, capture_output=True, text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def set_up(floor: TradingFloor, buyers: int) -> tuple[Party, list[Party], str]:
    """A provider with a certified asset and an offer, and funded buyers."""
    provider = floor.member(name="杭州市数据资源管理局", credit_code="11330100MB1H00000Q",
                            roles=["provider"], username="bench-provider")
    dataset = floor.list_dataset(provider)
    asset = floor.certified_asset(provider, [dataset["id"]])
    offer = floor.call("POST", "exchange", "/v1/offers", provider, expect=201, json={
        "asset_id": asset["id"], "plan": "one_time", "price_fen": PRICE, "term_days": 30})
    parties = []
    for i in range(buyers):
        buyer = floor.member(name=f"压测买方{i}", credit_code=credit_code(i), roles=["buyer"],
                             username=f"bench-buyer-{i}")
        floor.deposit(buyer, 10**12)
        parties.append(buyer)
    return provider, parties, str(offer["id"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--buyers", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="exchange server processes")
    parser.add_argument("--relay", action="store_true",
                        help="run the relay too (ledger delivery during the load)")
    args = parser.parse_args()
    os.environ["DATAEX_TEST_DB"] = "postgres"

    with running_services(workers=args.workers) as procs:
        if args.relay:
            procs.start("relay", command="relay")
        floor = TradingFloor(procs)
        provider, buyers, offer_id = set_up(floor, args.buyers)

        load = TradeLoad(procs.url("exchange"), provider, buyers, offer_id, "warm")
        asyncio.run(load.run(2.0))  # warm-up: connections, caches
        load = TradeLoad(procs.url("exchange"), provider, buyers, offer_id, "run")
        elapsed = asyncio.run(load.run(args.seconds))

        whoami = procs.url("catalog") + "/v1/whoami"
        trivial, trivial_latencies = asyncio.run(
            trivial_rate(whoami, buyers[0].headers, args.buyers, args.seconds))
        me, me_latencies = asyncio.run(
            trivial_rate(procs.url("exchange") + "/v1/me", buyers[0].headers,
                         args.buyers, args.seconds))
        wrk = wrk_rate(whoami, buyers[0].headers["Authorization"], int(args.seconds),
                       procs.var_dir)
        trial = floor.call("GET", "exchange", "/v1/accounts/trial-balance",
                           floor.regulator())

    requests = sum(len(v) for v in load.latencies.values())
    trades_per_s = load.trades / elapsed
    requests_per_s = requests / elapsed
    print(f"PostgreSQL at {postgres_admin_url()}; exchange workers: {args.workers}; "
          f"{args.buyers} concurrent buyers; {args.seconds:.0f} s; relay: {args.relay}; "
          f"CPUs: {os.cpu_count()}")
    print(f"complete trades: {load.trades} in {elapsed:.1f} s = {trades_per_s:.1f} trades/s "
          f"({requests_per_s:.0f} trading requests/s)")
    print(f"{'step':8} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for step in STEPS:
        values = load.latencies[step]
        print(f"{step:8} {len(values):7d} {percentile(values, 50):8.1f} "
              f"{percentile(values, 95):8.1f} {percentile(values, 99):8.1f}")
    if load.errors:
        print(f"errors: {dict(load.errors)}")
    print(f"trivial authenticated endpoint (catalog GET /v1/whoami, same asyncio client, "
          f"{args.buyers} callers): {trivial:.0f} requests/s, p50 "
          f"{percentile(trivial_latencies, 50):.1f} ms, p99 "
          f"{percentile(trivial_latencies, 99):.1f} ms")
    print(f"ratio trading requests/s : trivial requests/s = {requests_per_s / trivial:.2f} "
          f"(a trade is {len(STEPS)} requests: {trades_per_s / trivial:.3f} trades per "
          f"trivial request)")
    print(f"one authenticated database read (exchange GET /v1/me, same client): {me:.0f} "
          f"requests/s, p50 {percentile(me_latencies, 50):.1f} ms; trading requests/s / that "
          f"= {requests_per_s / me:.2f}")
    if wrk is not None:
        print(f"trivial endpoint with wrk (32 connections): {wrk:.0f} requests/s; "
              f"trading requests/s / that = {requests_per_s / wrk:.2f}")
    print(f"trial balance after the run: total {trial['total_fen']} fen, "
          f"balanced: {trial['balanced']}")
    return 0 if trial["balanced"] and not load.errors else 1


if __name__ == "__main__":
    sys.exit(main())
