"""Issue 18, item 4 (login controls) and item 6 (the security-event log): one test per
finding, reproducing the attack, plus the regulator's log API and its retention."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.exchange.security_events.service import prune, record_security_event
from services.shared.settings import AUDIENCES
from services.shared.tokens import issue_token
from tests.exchange.trading_helpers import OTHER_BUYER_CODE, Market, bearer
from tests.security.test_token_attacks import good_claims, ring
from tests.stack import ISSUER, Stack

CODE_A = OTHER_BUYER_CODE


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def grant(stack: Stack, username: str, password: str) -> Any:
    return stack.exchange.post("/v1/auth/token", data={
        "grant_type": "password", "username": username, "password": password})


def security_events(market: Market, **params: Any) -> list[dict[str, Any]]:
    page = market.exchange.get("/v1/security-events", params=params,
                               headers=bearer(market.regulator))
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


def test_no_login_throttling_finding(market: Market, stack: Stack) -> None:
    """50 wrong passwords in 7 s used to be 50 401s; now the account waits, then locks,
    even the right password is refused until the operator unlocks it."""
    market.buyer
    statuses = []
    for i in range(12):  # the guesser waits out each delay (1 s, then 2 s)
        answer = grant(stack, "buyer", f"wrong-guess-{i}")
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            if answer.json()["locked"]:
                break
            time.sleep(int(answer.headers["Retry-After"]))
    assert statuses[:4] == [400, 400, 400, 429]
    assert statuses.count(400) == 5
    locked = grant(stack, "buyer", "a-good-password")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 60
    assert locked.json()["type"].endswith(":sign-in-throttled")
    assert locked.json()["locked"] is True
    failed = security_events(market, type="sign_in.failed")
    assert failed and failed[0]["outcome"] == "failure" and failed[0]["source"]
    assert "buyer" not in str(failed)  # the typed name only as a hash
    assert security_events(market, type="sign_in.locked")
    locks = market.exchange.get("/v1/sign-in/locks", headers=bearer(market.operator))
    assert any(lock["kind"] == "account" for lock in locks.json())
    refused = market.exchange.post("/v1/sign-in/unlock", json={"username": "buyer"},
                                   headers=bearer(market.buyer))
    assert refused.status_code == 403
    unlocked = market.exchange.post("/v1/sign-in/unlock", json={"username": "buyer"},
                                    headers=bearer(market.operator))
    assert unlocked.status_code == 200, unlocked.text
    assert grant(stack, "buyer", "a-good-password").status_code == 200
    assert security_events(market, type="sign_in.unlocked")[0]["actor"]
    assert market.events("sign_in.unlocked")
    assert security_events(market, type="sign_in.succeeded")


def test_guessing_across_many_accounts_locks_the_source(market: Market, stack: Stack) -> None:
    market.operator
    statuses = [grant(stack, f"nobody-{i}", "wrong-guess").status_code for i in range(60)]
    assert statuses[0] == 400 and statuses[-1] == 429
    unlocked = market.exchange.post("/v1/sign-in/unlock", json={"source": "testclient"},
                                    headers=bearer(market.operator))
    assert unlocked.status_code == 200, unlocked.text
    assert grant(stack, "nobody-0", "wrong-guess").status_code == 400


@pytest.mark.parametrize(("password", "slug"), [
    ("aaaaaaaaaa", "password-too-simple"),
    ("password123", "password-too-common"),
    ("iloveyou12", "password-too-common"),
    ("weak-admin-pass", "password-contains-username"),
])
def test_weak_passwords_pass_finding(stack: Stack, password: str, slug: str) -> None:
    response = stack.exchange.post("/v1/organizations", json={
        "name": "某某有限公司", "credit_code": CODE_A, "roles": ["buyer"],
        "admin": {"username": "weak-admin", "password": password}})
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith(f":{slug}")


def test_pending_application_squats_a_credit_code_finding(market: Market) -> None:
    """Anyone could register a pending organisation under another company's code, and
    a rejected application kept it taken: now neither blocks the true holder, and the
    operator's review confirms which applicant holds the code."""
    squatter = market.stack.register(roles=["buyer"], credit_code=CODE_A, username="squatter")
    holder = market.stack.register(roles=["buyer"], credit_code=CODE_A, username="holder")
    assert squatter["status"] == holder["status"] == "pending"
    rejected = market.exchange.post(f"/v1/organizations/{squatter['id']}/reject",
                                    json={"reason": "not the holder of this code"},
                                    headers=bearer(market.operator))
    assert rejected.status_code == 200, rejected.text
    approved = market.exchange.post(f"/v1/organizations/{holder['id']}/approve",
                                    headers=bearer(market.operator))
    assert approved.status_code == 200, approved.text
    late = market.exchange.post("/v1/organizations", json={
        "name": "冒名单位", "credit_code": CODE_A, "roles": ["buyer"],
        "admin": {"username": "late", "password": "a-good-password"}})
    assert late.status_code == 409
    assert late.json()["type"].endswith(":duplicate-credit-code")


def test_rejected_application_keeps_the_code_finding(market: Market) -> None:
    first = market.stack.register(roles=["buyer"], credit_code=CODE_A, username="first")
    market.exchange.post(f"/v1/organizations/{first['id']}/reject",
                         json={"reason": "documents missing"}, headers=bearer(market.operator))
    again = market.stack.register(roles=["buyer"], credit_code=CODE_A, username="second")
    assert again["status"] == "pending"
    decisions = security_events(market, type="privileged.decision")
    assert any(d["details"]["route"].endswith("/organizations/{org_id}/reject")
               for d in decisions)


def test_tokens_with_iat_in_the_future_accepted_finding(stack: Stack) -> None:
    claims = good_claims(stack)

    def issued_at(moment: datetime) -> str:
        token, _ = issue_token(
            ring(stack).active(), issuer=ISSUER, subject=str(claims["sub"]),
            audience=AUDIENCES["exchange"], ttl=timedelta(hours=1), now=moment,
            claims={"kind": "user", "org": claims["org"], "roles": claims["roles"]})
        return token

    future = stack.exchange.get("/v1/me", headers=bearer(
        issued_at(datetime.now(UTC) + timedelta(minutes=10))))
    assert future.status_code == 401
    assert "future" in future.json()["detail"]
    slightly = issued_at(datetime.now(UTC) + timedelta(seconds=5))  # within the leeway
    assert stack.exchange.get("/v1/me", headers=bearer(slightly)).status_code == 200


def test_security_events_are_for_the_regulator_with_filters_and_pages(market: Market) -> None:
    for token in (market.buyer, market.operator):
        assert market.exchange.get("/v1/security-events",
                                   headers=bearer(token)).status_code == 403
    assert market.exchange.get("/v1/security-events").status_code == 401
    first = market.exchange.get("/v1/security-events", params={"limit": 2},
                                headers=bearer(market.regulator)).json()
    assert len(first["items"]) == 2 and first["next_before"]
    second = market.exchange.get("/v1/security-events",
                                 params={"limit": 2, "before": first["next_before"]},
                                 headers=bearer(market.regulator)).json()
    assert second["items"][0]["id"] < first["items"][-1]["id"]
    org = market.org(market.buyer)
    mine = security_events(market, org_id=org)
    assert mine and {e["org_id"] for e in mine} == {org}
    bad = market.exchange.get("/v1/security-events", params={"before": 2**70},
                              headers=bearer(market.regulator))
    assert bad.status_code == 422


def test_pruning_never_deletes_events_younger_than_180_days(market: Market) -> None:
    db = market.exchange.app.state.db  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    with db.transaction() as session:
        for days in (400, 181, 179, 1):
            record_security_event(session, "test.aged", actor="test",
                                  occurred_at=now - timedelta(days=days),
                                  details={"days": days})
    with db.transaction() as session:
        assert prune(session, retention_days=1, now=now) == 2
    kept = security_events(market, type="test.aged")
    assert sorted(e["details"]["days"] for e in kept) == [1, 179]
    report = market.sweep(now + timedelta(days=365 * 3))
    assert report.pruned_security_events >= 2  # the two kept above, and the sign-ins


def test_a_forwarded_address_counts_only_from_a_trusted_proxy(market: Market,
                                                             stack: Stack) -> None:
    """The portal names the person's address; anyone else naming one is ignored, so a
    guesser cannot spread failures over made-up sources."""
    stack.exchange.post("/v1/auth/token", headers={"X-Forwarded-For": "203.0.113.9"},
                        data={"grant_type": "password", "username": "nobody",
                              "password": "wrong-guess"})
    failed = security_events(market, type="sign_in.failed")
    assert failed[0]["source"] == "testclient"
