"""What a verification reports: the first failure found, and how far it got."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FAILURE_KINDS = (
    "malformed",
    "modified",
    "missing",
    "reordered",
    "bad-signature",
    "unknown-key",
    "bad-checkpoint",
    "inconsistent",
    "rewritten",
    "rolled-back",
)


@dataclass(frozen=True)
class Failure:
    """The first thing found wrong: the entry (``seq``, None when no entry is at fault),
    one of :data:`FAILURE_KINDS`, and an explanation."""

    seq: int | None
    kind: str
    detail: str

    def __str__(self) -> str:
        where = "bundle" if self.seq is None else f"entry {self.seq}"
        return f"{where}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Report:
    """The outcome of a verification.

    ``entries`` counts the entries verified in order before any failure; ``last_checkpoint``
    is the last checkpoint verified (in the form ``GET /v1/checkpoints/latest`` serves, so
    it can be kept as the next ``since``); ``unchecked_tail`` counts the entries after it:
    chained (and in a full verification signed), but not yet covered by a signed root.
    """

    ok: bool
    entries: int
    checkpoints: int
    last_checkpoint: dict[str, Any] | None
    failure: Failure | None
    unchecked_tail: int


class Stop(Exception):
    """Verification stops here, with this failure."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(str(failure))
        self.failure = failure

