"""The README's curl walkthrough of a trade runs as written against real processes
seeded with the demo accounts and datasets."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.processes import OPERATOR, ServiceProcesses

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(start: str, end: str | None = None) -> str:
    """The first shell block of the README after ``start`` (and before ``end``)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(start):text.index(end) if end else None]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match is not None, f"no shell block after {start.strip()!r}"
    return match.group(1)


def walkthrough() -> str:
    """The first shell block of the README's Trading section."""
    return "set -euo pipefail\n" + readme_block("\n## Trading\n")


def run_seeded(processes: ServiceProcesses, tmp_path: Path, script_text: str,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Seed the demo data, then run ``script_text`` in bash against the processes (in
    ``tmp_path``, with ``EXC``, ``CAT`` and the operator's password set); it must
    succeed."""
    env = processes.environment()
    seeded = subprocess.run([sys.executable, "-m", "services.cli.main", "seed"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    script = tmp_path / "walkthrough.sh"
    script.write_text(script_text, encoding="utf-8")
    run = subprocess.run(
        ["bash", str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=timeout,
        env={**env, "EXC": processes.url("exchange"), "CAT": processes.url("catalog"),
             "OPERATOR_PASSWORD": OPERATOR[1]},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_readme_trade_walkthrough_runs(processes: ServiceProcesses, tmp_path: Path) -> None:
    run = run_seeded(processes, tmp_path, walkthrough())
    lines = run.stdout.split()
    assert lines[0] == "True"                       # the certificate verifies
    assert "paid" in lines and "settled" in lines
    assert "401" in lines                           # no download without a grant
    assert "48500" in lines                         # the provider's net, less the 3 % fee
    assert lines[-2] == "True"                      # the day reconciles after the payout
    assert lines[-1] == "0"                         # the trial balance sums to zero
    downloaded = (tmp_path / "parking.csv").read_text(encoding="utf-8")
    assert downloaded.startswith("parking_code,parking_name,")
    assert (tmp_path / "voucher.json").exists() and (tmp_path / "certificate.json").exists()

    offline = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "certificate", "verify",
         str(tmp_path / "voucher.json"), "--jwks", str(tmp_path / "exchange-keys.json")],
        capture_output=True, text=True, timeout=60)
    assert offline.returncode == 0, offline.stdout + offline.stderr
