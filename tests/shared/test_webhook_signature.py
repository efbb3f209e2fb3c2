"""The webhook signature a receiver checks: genuine deliveries pass; a forged signature,
a changed body, another secret or a replayed (stale) timestamp are refused."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from services.shared.webhook_signature import (
    InvalidWebhookSignature,
    signature,
    signed_headers,
    verify,
)

SECRET = "whsec_test-secret"
BODY = b'{"data":{"order_id":"ord_1"},"id":"wev_1","type":"order.paid"}'
NOW = 1_800_000_000


def headers(**overrides: str) -> dict[str, str]:
    sent = signed_headers(SECRET, event_id="wev_1", event_type="order.paid", body=BODY,
                          timestamp=NOW)
    sent.update(overrides)
    return sent


def test_a_genuine_delivery_verifies_and_names_its_event() -> None:
    assert verify(SECRET, headers(), BODY, now=NOW + 10) == "wev_1"
    lower = {k.lower(): v for k, v in headers().items()}
    assert verify(SECRET, lower, BODY, now=NOW) == "wev_1"


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, NOW, BODY) == f"v1={expected}"
    assert headers()["Dataex-Signature"] == f"v1={expected}"


@pytest.mark.parametrize(("secret", "sent", "body", "now", "why"), [
    (SECRET, headers(**{"Dataex-Signature": "v1=" + "0" * 64}), BODY, NOW, "does not match"),
    ("whsec_someone-else", headers(), BODY, NOW, "does not match"),
    (SECRET, headers(), BODY.replace(b"ord_1", b"ord_2"), NOW, "does not match"),
    (SECRET, headers(**{"Dataex-Timestamp": str(NOW + 1)}), BODY, NOW, "does not match"),
    (SECRET, headers(), BODY, NOW + 301, "replay window"),
    (SECRET, headers(), BODY, NOW - 301, "replay window"),
    (SECRET, headers(**{"Dataex-Timestamp": "soon"}), BODY, NOW, "Unix seconds"),
    (SECRET, {"Dataex-Event-Id": "wev_1"}, BODY, NOW, "missing"),
])
def test_forged_altered_or_replayed_deliveries_are_refused(
        secret: str, sent: dict[str, str], body: bytes, now: int, why: str) -> None:
    with pytest.raises(InvalidWebhookSignature, match=why):
        verify(secret, sent, body, now=now)


def test_a_forged_signature_made_with_a_guessed_secret_is_refused() -> None:
    forged = signed_headers("whsec_guess", event_id="wev_1", event_type="order.paid",
                            body=BODY, timestamp=NOW)
    with pytest.raises(InvalidWebhookSignature):
        verify(SECRET, forged, BODY, now=NOW)


def test_a_second_signature_for_a_rotated_secret_is_accepted() -> None:
    both = headers(**{"Dataex-Signature": f"{signature('whsec_old', NOW, BODY)}, "
                                          f"{signature(SECRET, NOW, BODY)}"})
    assert verify(SECRET, both, BODY, now=NOW) == "wev_1"
