"""Signing and checking dataex webhook deliveries (HMAC-SHA256 over timestamp and body).

Every delivery is a ``POST`` of a JSON body with these headers:

- ``Dataex-Event-Id``: the event's id (``wev_…``); the same on every retry, so a
  receiver records each id once and ignores a repeat;
- ``Dataex-Event-Type``: e.g. ``order.paid``;
- ``Dataex-Timestamp``: Unix seconds when this attempt was signed;
- ``Dataex-Signature``: ``v1=`` + hex HMAC-SHA256, keyed with the webhook's secret (the
  ``whsec_…`` string, as UTF-8 bytes), of ``timestamp + "." + body`` (the raw body bytes).

A receiver recomputes the HMAC over the bytes it received, compares in constant time,
and refuses a timestamp further than the replay window (five minutes by default) from
its own clock. This module has no dependency beyond the standard library, so a receiver
can copy it as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

EVENT_ID_HEADER = "Dataex-Event-Id"
EVENT_TYPE_HEADER = "Dataex-Event-Type"
TIMESTAMP_HEADER = "Dataex-Timestamp"
SIGNATURE_HEADER = "Dataex-Signature"
SCHEME = "v1"
REPLAY_WINDOW_SECONDS = 300


class InvalidWebhookSignature(ValueError):
    """A delivery whose signature, timestamp or headers do not check out."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``v1=…`` signature of ``body`` sent at ``timestamp`` under ``secret``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def signed_headers(secret: str, *, event_id: str, event_type: str, body: bytes,
                   timestamp: int | None = None) -> dict[str, str]:
    """The headers a delivery of ``body`` carries (signed now unless ``timestamp``)."""
    moment = int(time.time()) if timestamp is None else timestamp
    return {
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: str(moment),
        SIGNATURE_HEADER: signature(secret, moment, body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, *,
           now: float | None = None, tolerance: int = REPLAY_WINDOW_SECONDS) -> str:
    """Check a received delivery; returns its event id. Raises
    :class:`InvalidWebhookSignature` when a header is missing, the timestamp is outside
    ``tolerance`` seconds of ``now`` (a replay), or no ``v1`` signature matches."""
    folded = {k.lower(): v for k, v in headers.items()}
    event_id = folded.get(EVENT_ID_HEADER.lower())
    stamp = folded.get(TIMESTAMP_HEADER.lower())
    sent = folded.get(SIGNATURE_HEADER.lower())
    if not event_id or not stamp or not sent:
        raise InvalidWebhookSignature("missing Dataex-Event-Id, Dataex-Timestamp or "
                                      "Dataex-Signature header")
    try:
        timestamp = int(stamp)
    except ValueError as exc:
        raise InvalidWebhookSignature("Dataex-Timestamp is not Unix seconds") from exc
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidWebhookSignature(
            f"timestamp is {int(current - timestamp)}s from now, outside the "
            f"{tolerance}s replay window")
    expected = signature(secret, timestamp, body)
    # Several comma-separated signatures are accepted, for a future secret rotation.
    if not any(hmac.compare_digest(expected, candidate.strip())
               for candidate in sent.split(",")):
        raise InvalidWebhookSignature("signature does not match the body and timestamp")
    return event_id
