"""Finding: every anonymous download of open data wrote a permanent ledger entry (400
requests grew the ledger by 400). Anonymous accesses are now counted per client, dataset
and period, and the ledger gets one entry per counter once its period has closed."""

from __future__ import annotations

from datetime import timedelta

from services.catalog.files.anonymous import AnonymousAccessLog
from services.shared.orm import utcnow
from services.shared.rate_limits import RateLimits
from tests.catalog.conftest import Callers
from tests.catalog.test_files_api import upload
from tests.stack import Stack

DOWNLOADS = 400


def accesses(callers: Callers) -> list[dict[str, object]]:
    return [r for r in callers.outbox() if str(r["type"]).startswith("data.accessed")]


def test_400_anonymous_downloads_add_one_ledger_entry(stack: Stack) -> None:
    callers = Callers(stack)
    dataset = callers.listed()
    answer = upload(stack, dataset["id"], callers.provider,
                    b"date,line,riders\n2024-01-01,L1,1\n2024-01-02,L2,2\n")
    assert answer.status_code == 201, answer.text
    base = f"/v1/datasets/{dataset['id']}/files/{answer.json()['id']}"
    app = stack.catalog.app
    app.state.rate_limits = RateLimits(  # type: ignore[attr-defined]
        {"download": f"{DOWNLOADS * 2}/minute"})
    before = len(accesses(callers))
    for i in range(DOWNLOADS):
        path = "/rows" if i % 4 == 0 else "/content"
        assert stack.catalog.get(base + path).status_code == 200
    assert len(accesses(callers)) == before  # counted, not yet in the ledger

    log: AnonymousAccessLog = app.state.anonymous_access  # type: ignore[attr-defined]
    with app.state.db.transaction() as session:  # type: ignore[attr-defined]
        written = log.record_closed(session, app.state.outbox,  # type: ignore[attr-defined]
                                    now=utcnow() + timedelta(seconds=log.period_seconds))
    assert written == 1
    entries = accesses(callers)[before:]
    assert len(entries) == 1
    payload = entries[0]["payload"]
    assert isinstance(payload, dict)
    assert entries[0]["type"] == "data.accessed_anonymously"
    assert payload["count"] == DOWNLOADS
    assert payload["dataset_id"] == dataset["id"]
    assert payload["rows"] == DOWNLOADS * 2  # every access served both rows
    assert "testclient" not in str(payload)  # the address only as a keyed hash


def test_counters_are_per_client_dataset_and_period(stack: Stack) -> None:
    app = stack.catalog.app
    log: AnonymousAccessLog = app.state.anonymous_access  # type: ignore[attr-defined]
    outbox = app.state.outbox  # type: ignore[attr-defined]
    start = log.period_of(utcnow()) - timedelta(seconds=3 * log.period_seconds)
    with app.state.db.transaction() as session:  # type: ignore[attr-defined]
        for client, dataset, offset in (("10.0.0.1", "ds_a", 0), ("10.0.0.1", "ds_a", 5),
                                        ("10.0.0.2", "ds_a", 5), ("10.0.0.1", "ds_b", 5),
                                        ("10.0.0.1", "ds_a", log.period_seconds + 5)):
            log.count(session, outbox, dataset_id=dataset, address=client, bytes_sent=10,
                      rows=0, now=start + timedelta(seconds=offset))
    with app.state.db.transaction() as session:  # type: ignore[attr-defined]
        # the access in the next period already recorded the first period's three
        assert log.record_closed(session, outbox) == 1
        assert log.record_closed(session, outbox) == 0
    recorded = [r for r in Callers(stack).outbox()
                if r["type"] == "data.accessed_anonymously"]
    assert sorted((r["payload"]["dataset_id"], r["payload"]["count"])  # type: ignore[index]
                  for r in recorded) == [("ds_a", 1), ("ds_a", 1), ("ds_a", 2), ("ds_b", 1)]
    assert log.client("10.0.0.1") != log.client("10.0.0.2")
    assert len(log.client("10.0.0.1")) == 64
