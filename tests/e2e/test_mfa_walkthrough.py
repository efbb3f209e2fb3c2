"""The README's curl commands that enrol the operator's second factor and sign in with a
code run as written against a real exchange that requires it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.processes import OPERATOR, ServiceProcesses
from tests.e2e.test_trade_walkthrough import readme_block

pytestmark = pytest.mark.e2e


def mfa_block() -> str:
    """The shell block of the README's sessions and second factor subsection."""
    return readme_block("\n### Sessions, revocation and the second factor")


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_readme_mfa_commands_run(processes: ServiceProcesses, tmp_path: Path) -> None:
    processes.stop("exchange")
    processes.start("exchange", extra_env={"DATAEX_EXCHANGE_MFA_REQUIRED_ROLES": "operator"})
    processes.wait_ready("exchange")
    script = ("set -euo pipefail\n" + mfa_block()
              .replace("http://127.0.0.1:8002", processes.url("exchange"))
              .replace("operator-demo-2026", OPERATOR[1])
              .replace(".venv/bin/python", sys.executable))
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120, env=processes.environment())
    assert run.returncode == 0, run.stdout + run.stderr
    decoder = json.JSONDecoder()
    codes, end = decoder.raw_decode(run.stdout)
    assert len(codes["recovery_codes"]) == 10
    signed = json.loads(run.stdout[end:].strip())
    assert signed["access_token"] and signed["refresh_token"].startswith("rtk_")
