"""The README's curl walkthrough of a dispute runs as written against real processes:
the trade block up to payment, then the disputes block, ending in an offline-verified
case file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.processes import OPERATOR, ServiceProcesses
from tests.e2e.test_trade_walkthrough import README, readme_block, walkthrough

pytestmark = pytest.mark.e2e

ROOT = README.parent


def dispute_walkthrough() -> str:
    """Steps 1-4 of the trade walkthrough (the order paid), then the disputes block, its
    ``dataex`` run from this checkout."""
    trade = walkthrough()
    block = readme_block("<!-- disputes argued on evidence -->", "<!-- end disputes -->")
    return (trade[:trade.index("# 5.")]
            + block.replace(".venv/bin/dataex", f"{sys.executable} -m services.cli.main"))


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_readme_dispute_walkthrough_runs(processes: ServiceProcesses,
                                             tmp_path: Path) -> None:
    env = processes.environment()
    seeded = subprocess.run([sys.executable, "-m", "services.cli.main", "seed"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    processes.start("relay", command="relay")
    script = tmp_path / "disputes.sh"
    script.write_text(dispute_walkthrough(), encoding="utf-8")
    run = subprocess.run(
        ["bash", str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=180,
        env={**env, "EXC": processes.url("exchange"), "CAT": processes.url("catalog"),
             "AUD": processes.url("audit"), "OPERATOR_PASSWORD": OPERATOR[1],
             "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ruled" in run.stdout.split() and "VALID" in run.stdout
    case = json.loads((tmp_path / "case.json").read_text(encoding="utf-8"))
    [item] = case["evidence"]
    assert item["type"] == "order.paid" and case["dispute"]["cited_evidence"] == [
        item["ledger_seq"]]
