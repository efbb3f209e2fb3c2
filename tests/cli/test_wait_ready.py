"""``dataex up`` waits for every process it starts, the portal included."""

from __future__ import annotations

from services.cli.deployment import wait_ready


def test_waiting_for_the_portal_reports_it_not_ready_instead_of_failing() -> None:
    url = "http://127.0.0.1:9"  # nothing listens on the discard port
    assert wait_ready({"portal": url, "exchange": url}, timeout=0.3) == {
        "portal": url, "exchange": url}
