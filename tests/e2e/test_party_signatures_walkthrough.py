"""The README's party-signatures commands run as written against real processes: the
trade walkthrough up to the order, then the provider registers a key, is refused
unsigned with the statement, signs it with ``dataex sign``, accepts, and checks the
exchange's receipt offline with ``dataex certificate verify``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.processes import OPERATOR, ServiceProcesses
from tests.e2e.test_trade_walkthrough import README, readme_block, walkthrough

pytestmark = pytest.mark.e2e

ROOT = README.parent


def party_signatures_block() -> str:
    """The shell block of the README's 'Party signatures' subsection, with the CLI run
    from this checkout."""
    return readme_block("\n### Party signatures\n").replace(
        ".venv/bin/dataex", f"{sys.executable} -m services.cli.main")


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_readme_party_signature_commands_run(processes: ServiceProcesses,
                                                 tmp_path: Path) -> None:
    env = processes.environment()
    seeded = subprocess.run([sys.executable, "-m", "services.cli.main", "seed"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    ordered = walkthrough().split("\n# 4.")[0]
    script = tmp_path / "signatures.sh"
    script.write_text(ordered + "\n" + party_signatures_block(), encoding="utf-8")
    run = subprocess.run(
        ["bash", str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=180,
        env={**env, "EXC": processes.url("exchange"), "CAT": processes.url("catalog"),
             "OPERATOR_PASSWORD": OPERATOR[1], "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "accepted" in run.stdout.split() and run.stdout.rstrip().endswith("VALID")
    assert "signature-required" in (tmp_path / "statement.json").read_text(encoding="utf-8")
