"""Reading the ledger for the regulator's pages: newest entries first, and one trade's
entries, over the audit API (which lists entries oldest first, filtered by type, subject
and source only).

Newest first is read backwards in windows of sequence numbers: a request for at most
``WINDOW`` matching entries after a window's start returns every match inside the window,
since the window holds no more entries than that. The organisation/actor filter, which the
API lacks, is applied to each window here. A page reads a bounded number of windows, so
a rare filter over a long ledger gives a page that says where to carry on searching.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.clients import ApiProblem, AuditClient
from services.shared.schemas.ledger import EntryOut

WINDOW = 500
WINDOWS_PER_PAGE = 20
SCAN_PAGE = 1000
TIMELINE_PAGES = 50


@dataclass(frozen=True)
class EntryFilters:
    """What the explorer's form asks for; blank fields do not filter."""

    type: str | None = None
    subject: str | None = None
    party: str | None = None

    def api_filters(self) -> dict[str, str | None]:
        """The filters the audit API applies itself."""
        return {"type": self.type, "subject": self.subject}

    def admits(self, entry: EntryOut) -> bool:
        """Whether ``entry`` passes the organisation/actor filter: the actor is (or
        contains) the value, or the payload names it."""
        if not self.party:
            return True
        return self.party in entry.actor or names(entry.record.get("payload"), self.party)


@dataclass(frozen=True)
class NewestPage:
    """A page of entries, newest first, and the ``before`` cursor of the next one."""

    items: list[EntryOut]
    next_before: int | None
    searched_to: int | None
    """Set when the page stopped early: no entry below this seq was searched yet."""


def names(value: Any, target: str) -> bool:
    """Whether a JSON value holds the string ``target`` anywhere (as a value)."""
    if isinstance(value, str):
        return value == target
    if isinstance(value, Mapping):
        return any(names(item, target) for item in value.values())
    if isinstance(value, list):
        return any(names(item, target) for item in value)
    return False


def log_size(audit: AuditClient) -> int:
    """How many entries the log holds: the latest checkpoint's size, then counted on
    from there (the log runs ahead of its last checkpoint)."""
    try:
        after = audit.latest_checkpoint().tree_size - 1
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        after = -1
    while True:
        page = audit.entries(after_seq=after, limit=SCAN_PAGE)
        if page.items:
            after = page.items[-1].seq
        if page.next_after_seq is None:
            return after + 1


def newest_first(audit: AuditClient, filters: EntryFilters, *, before: int | None,
                 page_size: int) -> NewestPage:
    """Up to ``page_size`` matching entries with seq below ``before`` (the whole log
    when None), newest first."""
    high = log_size(audit) if before is None else before
    found: list[EntryOut] = []
    windows = 0
    while high > 0 and len(found) <= page_size and windows < WINDOWS_PER_PAGE:
        low = max(0, high - WINDOW)
        page = audit.entries(after_seq=low - 1, limit=WINDOW, **filters.api_filters())
        window = [e for e in page.items if e.seq < high and filters.admits(e)]
        found.extend(reversed(window))
        high = low
        windows += 1
    if len(found) > page_size:
        items = found[:page_size]
        return NewestPage(items, next_before=items[-1].seq, searched_to=None)
    if high > 0:
        return NewestPage(found, next_before=high, searched_to=high)
    return NewestPage(found, next_before=None, searched_to=None)


def trade_timeline(audit: AuditClient, order_id: str) -> list[EntryOut]:
    """Every entry about one order, oldest first: those whose subject is the order, and
    those whose payload names it (grants, payments, disputes, vouchers), from the order's
    first entry on."""
    first = audit.entries(after_seq=-1, limit=1, subject=order_id).items
    if not first:
        return []
    timeline: list[EntryOut] = []
    after = first[0].seq - 1
    for _ in range(TIMELINE_PAGES):
        page = audit.entries(after_seq=after, limit=SCAN_PAGE)
        timeline.extend(e for e in page.items
                        if e.subject == order_id or names(e.record.get("payload"), order_id))
        if page.next_after_seq is None:
            break
        after = page.next_after_seq
    return timeline
