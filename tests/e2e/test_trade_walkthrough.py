"""The curl walkthrough of a trade (``trade_walkthrough.sh``, shown in the README) runs
as written against real processes seeded with the demo accounts and datasets."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.processes import OPERATOR, ServiceProcesses

pytestmark = pytest.mark.e2e

SCRIPT = Path(__file__).with_name("trade_walkthrough.sh")


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_curl_walkthrough_runs(processes: ServiceProcesses, tmp_path: Path) -> None:
    env = processes.environment()
    seeded = subprocess.run([sys.executable, "-m", "services.cli.main", "seed"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    run = subprocess.run(
        ["bash", str(SCRIPT)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**env, "EXC": processes.url("exchange"), "CAT": processes.url("catalog"),
             "OPERATOR_PASSWORD": OPERATOR[1]},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.split()
    assert lines[0] == "True"                       # the certificate verifies
    assert "paid" in lines and "grant" in lines and "settled" in lines
    assert "48500" in lines                         # the provider's net, less the 3 % fee
    assert lines[-1] == "0"                         # the trial balance sums to zero
    assert (tmp_path / "voucher.json").exists() and (tmp_path / "certificate.json").exists()
