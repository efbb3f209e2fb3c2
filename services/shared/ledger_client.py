"""The audit service as seen by a service that emits ledger events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from services.shared.http import RemoteProblem, ServiceClient
from services.shared.keyring import KeyRing
from services.shared.settings import AUDIENCES


class LedgerClient:
    """Appends a source's signed events to the ledger, registering its key on demand."""

    def __init__(
        self,
        audit_url: str,
        *,
        keys: KeyRing,
        token_source: Callable[[str], str],
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.keys = keys
        self.client = ServiceClient(audit_url, audience=AUDIENCES["audit"],
                                    token_source=token_source, transport=transport,
                                    timeout=timeout)

    def register_keys(self) -> None:
        """Register every key of this source's ring (old ones too: their events may
        still be waiting in the outbox)."""
        for key in self.keys.verification_keys():
            self.client.post_json("/v1/sources/keys", {"jwk": key.jwk()})

    def append(self, entries: list[dict[str, Any]]) -> dict[str, int]:
        """Append signed entries in order; returns each event id's sequence number."""
        try:
            answer = self.client.post_json("/v1/entries", {"entries": entries})
        except RemoteProblem as problem:
            if not str(problem.problem.get("type", "")).endswith("unknown-key"):
                raise
            self.register_keys()
            answer = self.client.post_json("/v1/entries", {"entries": entries})
        return {item["event_id"]: int(item["seq"]) for item in answer["entries"]}

    def close(self) -> None:
        """Release connections."""
        self.client.close()
