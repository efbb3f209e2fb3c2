"""``make test``: the whole suite on SQLite, then again on PostgreSQL.

PostgreSQL is used when ``TEST_POSTGRES_URL`` is set or the local server answers at
127.0.0.1:5432. With ``DATAEX_TEST_REQUIRE_POSTGRES=1`` (CI) an unreachable server is
a failure, not a skip. Tests run on one worker per core (pytest-xdist) unless the
extra arguments, which go to pytest, say ``-n``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.databases import postgres_admin_url, postgres_reachable


def run_suite(backend: str, args: list[str], report: Path) -> tuple[int, dict[str, int]]:
    """Run pytest on one backend; its exit code and test counts."""
    print(f"\n=== tests on {backend} ===", flush=True)
    env = {**os.environ, "DATAEX_TEST_DB": backend}
    code = subprocess.call(
        [sys.executable, "-m", "pytest", f"--junitxml={report}", *args], env=env
    )
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.exists():
        root = ET.parse(report).getroot()
        for suite in root.iter("testsuite"):
            for key in counts:
                counts[key] += int(suite.get(key, 0))
    return code, counts


def main() -> int:
    """Run both suites and print one closing line for the two together."""
    args = sys.argv[1:]
    if not any(a.startswith(("-n", "--numprocesses")) for a in args):
        # One worker per core: tests make their own databases and ports, so they run apart.
        args = ["-n", "auto", *args]
    results: dict[str, tuple[int, dict[str, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run_suite("sqlite", args, Path(tmp) / "sqlite.xml")
        required = os.environ.get("DATAEX_TEST_REQUIRE_POSTGRES") == "1" or bool(
            os.environ.get("TEST_POSTGRES_URL")
        )
        if postgres_reachable():
            results["postgres"] = run_suite("postgres", args, Path(tmp) / "postgres.xml")
        elif required:
            print(f"PostgreSQL was required but is not reachable at {postgres_admin_url()}")
            results["postgres"] = (1, {"tests": 0, "failures": 0, "errors": 1, "skipped": 0})
        else:
            print("PostgreSQL not reachable: the PostgreSQL run was skipped")
    failed = passed = skipped = 0
    ok = True
    for backend, (code, counts) in results.items():
        bad = counts["failures"] + counts["errors"]
        good = counts["tests"] - bad - counts["skipped"]
        print(f"{backend}: {good} passed, {bad} failed, {counts['skipped']} skipped (exit {code})")
        failed += bad
        passed += good
        skipped += counts["skipped"]
        # pytest exits 5 when it collected nothing: that is a broken run, not a pass.
        ok = ok and code == 0 and counts["tests"] > 0
    print(f"dataex: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if ok and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
