"""The listing review as a pure state machine: statuses, actions, who may act, guards.

Every allowed change of a dataset's status is one row of :data:`TRANSITIONS`; any
other (status, action) pair is a 409. :func:`decide` also checks who is acting in
which capacity (the publisher, the exchange operator, a regulator) and the grade
rules of GB/T 43697: core data is never listed, important data needs a regulator's
approval before the operator's approval lists it. Nothing here does I/O.

In short: draft -submit-> submitted -approve-> listed -delist-> delisted;
submitted -reject (operator) or regulator_refuse-> rejected -edit-> draft;
submitted -regulator_approve-> submitted (important data only); an edit of a listed
dataset makes a new revision that is public at once; a delisted dataset is submitted
again as it is, or edited into a new draft revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.catalog.datasets.vocabulary import Grade, OpenType
from services.shared.auth import SERVICE_ROLE
from services.shared.problems import Conflict, Forbidden


class DatasetStatus(StrEnum):
    """Where a dataset is in the listing review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    LISTED = "listed"
    REJECTED = "rejected"
    DELISTED = "delisted"


class Action(StrEnum):
    """Something a caller asks to do to a dataset."""

    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REGULATOR_APPROVE = "regulator_approve"
    REGULATOR_REFUSE = "regulator_refuse"
    DELIST = "delist"


class Capacity(StrEnum):
    """In what capacity a caller acts on a dataset."""

    OWNER = "owner"
    OPERATOR = "operator"
    REGULATOR = "regulator"


@dataclass(frozen=True)
class Transition:
    """The status an action leads to and the ledger event that records it."""

    to: DatasetStatus
    event: str


S = DatasetStatus
TRANSITIONS: dict[tuple[DatasetStatus, Action], Transition] = {
    (S.DRAFT, Action.EDIT): Transition(S.DRAFT, "dataset.updated"),
    (S.DRAFT, Action.SUBMIT): Transition(S.SUBMITTED, "dataset.submitted"),
    (S.SUBMITTED, Action.APPROVE): Transition(S.LISTED, "dataset.listed"),
    (S.SUBMITTED, Action.REJECT): Transition(S.REJECTED, "dataset.rejected"),
    (S.SUBMITTED, Action.REGULATOR_APPROVE): Transition(
        S.SUBMITTED, "dataset.approved_by_regulator"
    ),
    (S.SUBMITTED, Action.REGULATOR_REFUSE): Transition(S.REJECTED, "dataset.rejected"),
    (S.REJECTED, Action.EDIT): Transition(S.DRAFT, "dataset.updated"),
    # A listed dataset's metadata change is a new revision that is public at once.
    (S.LISTED, Action.EDIT): Transition(S.LISTED, "dataset.revised"),
    (S.LISTED, Action.DELIST): Transition(S.DELISTED, "dataset.delisted"),
    # A delisted dataset goes back to review as it is, or as a new draft revision.
    (S.DELISTED, Action.SUBMIT): Transition(S.SUBMITTED, "dataset.submitted"),
    (S.DELISTED, Action.EDIT): Transition(S.DRAFT, "dataset.updated"),
}

ACTORS: dict[Action, frozenset[Capacity]] = {
    Action.EDIT: frozenset({Capacity.OWNER}),
    Action.SUBMIT: frozenset({Capacity.OWNER}),
    Action.APPROVE: frozenset({Capacity.OPERATOR}),
    Action.REJECT: frozenset({Capacity.OPERATOR}),
    Action.REGULATOR_APPROVE: frozenset({Capacity.REGULATOR}),
    Action.REGULATOR_REFUSE: frozenset({Capacity.REGULATOR}),
    Action.DELIST: frozenset({Capacity.OWNER, Capacity.OPERATOR}),
}

# Fields whose change alters what the review decided: a listed dataset cannot change
# them in place; it is delisted, edited and submitted again.
REVIEWED_FIELDS = frozenset({"open_type", "grade"})

_PAST = {
    Action.EDIT: "edited",
    Action.SUBMIT: "submitted",
    Action.APPROVE: "approved",
    Action.REJECT: "rejected",
    Action.REGULATOR_APPROVE: "approved by a regulator",
    Action.REGULATOR_REFUSE: "refused by a regulator",
    Action.DELIST: "delisted",
}


def decide(
    *,
    status: DatasetStatus,
    action: Action,
    capacities: frozenset[Capacity],
    grade: Grade,
    regulator_approved: bool,
) -> Transition:
    """The transition ``action`` makes from ``status``; raises 403 or 409 if not allowed.

    ``capacities`` are those the caller holds towards this dataset. Checks run in the
    order a client can act on: who (403), then the status (409), then the grade rules.
    """
    allowed = ACTORS[action]
    if not capacities & allowed:
        who = " or ".join(sorted(c.value for c in allowed))
        raise Forbidden(f"only the {who} may do this: {action.value}", slug="not-permitted")
    transition = TRANSITIONS.get((status, action))
    if transition is None:
        raise Conflict(
            f"a {status.value} dataset cannot be {_PAST[action]}",
            slug="transition-not-allowed", current_status=status.value, action=action.value,
        )
    if grade is Grade.CORE and action in (Action.SUBMIT, Action.APPROVE):
        raise Conflict("core data (GB/T 43697 核心数据) is never listed",
                       slug="core-data-never-listed")
    if action in (Action.REGULATOR_APPROVE, Action.REGULATOR_REFUSE):
        if grade is not Grade.IMPORTANT:
            raise Conflict("only important data (重要数据) goes to a regulator's review",
                           slug="regulator-review-not-required")
        if action is Action.REGULATOR_APPROVE and regulator_approved:
            raise Conflict("a regulator has already approved this submission",
                           slug="already-approved")
    if action is Action.APPROVE and grade is Grade.IMPORTANT and not regulator_approved:
        raise Conflict("important data (重要数据) is listed only after a regulator approves it",
                       slug="regulator-approval-required")
    return transition


def check_listed_edit(changed_fields: set[str]) -> None:
    """Refuse an in-place change of reviewed fields on a listed dataset (409)."""
    touched = sorted(changed_fields & REVIEWED_FIELDS)
    if touched:
        raise Conflict(
            f"{', '.join(touched)} of a listed dataset changes only through a new review: "
            "delist it, edit it and submit it again",
            slug="reviewed-field-change", fields=touched,
        )


NEVER_PUBLIC_OPEN_TYPES: tuple[str, ...] = (OpenType.NOT_OPEN.value,)
"""Not-open data (不予开放) is never public, even listed: it is traded only through
authorised operation (公共数据授权运营)."""

OVERSEERS = frozenset({"operator", "regulator"})
NOT_OPEN_READERS = OVERSEERS | {SERVICE_ROLE}
"""Who, besides the publisher, sees listed not-open data: operators, regulators and the
exchange (which registers and prices it)."""


def hidden_open_types(viewer_roles: frozenset[str]) -> tuple[str, ...]:
    """The open types a search of listed datasets leaves out for this caller."""
    return () if viewer_roles & NOT_OPEN_READERS else NEVER_PUBLIC_OPEN_TYPES


def is_visible(
    *, status: DatasetStatus, publisher_org_id: str, viewer_org: str | None,
    viewer_roles: frozenset[str], open_type: str,
) -> bool:
    """Whether a caller may know the dataset exists.

    Listed datasets are public, except not-open ones, which only their publisher,
    operators, regulators and the exchange see; the publisher sees all of its own;
    operators and regulators see every dataset that has entered review, never another's
    draft.
    """
    if viewer_org is not None and viewer_org == publisher_org_id:
        return True
    if status is DatasetStatus.LISTED:
        return (open_type not in NEVER_PUBLIC_OPEN_TYPES
                or bool(viewer_roles & NOT_OPEN_READERS))
    return bool(viewer_roles & OVERSEERS) and status is not DatasetStatus.DRAFT


def capacities_of(
    *, publisher_org_id: str, viewer_org: str | None, viewer_roles: frozenset[str]
) -> frozenset[Capacity]:
    """The capacities a caller holds towards a dataset of ``publisher_org_id``."""
    held = set()
    if viewer_org is not None and viewer_org == publisher_org_id and "provider" in viewer_roles:
        held.add(Capacity.OWNER)
    if "operator" in viewer_roles:
        held.add(Capacity.OPERATOR)
    if "regulator" in viewer_roles:
        held.add(Capacity.REGULATOR)
    return frozenset(held)


SENSITIVE_PII = frozenset({"resident_id", "bank_card"})
"""Personal information that keeps a file out of general, unconditionally open data."""


def pii_conflicts(*, open_type: str, grade: str,
                  findings: list[tuple[str, str, str]],
                  overridden: frozenset[str]) -> list[tuple[str, str, str]]:
    """The findings (file sha256, column, kind) that forbid this classification: resident
    IDs or bank cards in a file of a general (一般), unconditionally open dataset, unless
    an operator has recorded an override for that file's content."""
    if open_type != OpenType.UNCONDITIONAL or grade != Grade.GENERAL:
        return []
    return [f for f in findings if f[2] in SENSITIVE_PII and f[0] not in overridden]


def check_pii_classification(*, open_type: str, grade: str,
                             findings: list[tuple[str, str, str]],
                             overridden: frozenset[str]) -> None:
    """Refuse (409 ``pii-classification``) what :func:`pii_conflicts` finds, saying where
    and what to do."""
    conflicts = pii_conflicts(open_type=open_type, grade=grade, findings=findings,
                              overridden=overridden)
    if conflicts:
        where = ", ".join(sorted({f"{kind} in column {column!r}"
                                  for _, column, kind in conflicts}))
        raise Conflict(
            f"the file's PII scan found {where}: data with resident IDs or bank cards "
            "cannot be general + unconditional; classify it conditional or not_open, or "
            "important, or have an operator record an override",
            slug="pii-classification",
            findings=[{"sha256": s, "column": c, "kind": k} for s, c, k in conflicts])
