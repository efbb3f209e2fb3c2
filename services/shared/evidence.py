"""What makes a ledger record evidence about an order: the rule the exchange applies when
a party cites an entry in a dispute, and the offline case-file verifier applies again."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

CASE_FILE_KIND = "dataex.dispute-case"
"""The ``kind`` of a dispute's case file."""


def concerns_order(record: dict[str, Any], order_id: str, grant_ids: Collection[str]) -> bool:
    """Whether ``record`` is about the order: its subject is the order, its payload names
    the order, or it names one of the order's grants (a download under the grant)."""
    payload = record.get("payload")
    if not isinstance(payload, dict):
        payload = {}
    grant_id = payload.get("grant_id")
    return (record.get("subject") == order_id or payload.get("order_id") == order_id
            or (isinstance(grant_id, str) and grant_id in grant_ids))
