"""The README's rights and not-open data commands run as written, after the trade
walkthrough, against real processes seeded with the demo data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.processes import ServiceProcesses
from tests.e2e.test_trade_walkthrough import readme_block, run_seeded, walkthrough

pytestmark = pytest.mark.e2e


def rights_block() -> str:
    """The shell block of the README's rights and not-open data subsection."""
    return readme_block("\n### Rights and not-open data")


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_readme_rights_commands_run(processes: ServiceProcesses, tmp_path: Path) -> None:
    run = run_seeded(processes, tmp_path, walkthrough() + "echo ---\n" + rights_block(),
                     timeout=180)
    lines = run.stdout.split("---\n", 1)[1].splitlines()
    assert lines[0] == "404"                         # not public
    assert "数据资源持有权" in lines[1]                # the rule, in the refusal
    assert lines[2] == "403"                         # no authorisation yet
    assert lines[3] == "['processing']"              # ordered once authorised
    assert lines[4] == "revoked"
