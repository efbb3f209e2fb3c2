"""The listing state machine on its own: every pair of status and action, every actor."""

from __future__ import annotations

import itertools

import pytest

from services.catalog.datasets.model import (
    ACTORS,
    TRANSITIONS,
    Action,
    Capacity,
    DatasetStatus,
    check_listed_edit,
    decide,
    is_visible,
)
from services.catalog.datasets.vocabulary import Grade
from services.shared.problems import Conflict, Forbidden

S = DatasetStatus
EVERY_CAPACITY = frozenset(Capacity)

EXPECTED = {
    (S.DRAFT, Action.EDIT): (S.DRAFT, "dataset.updated"),
    (S.DRAFT, Action.SUBMIT): (S.SUBMITTED, "dataset.submitted"),
    (S.SUBMITTED, Action.APPROVE): (S.LISTED, "dataset.listed"),
    (S.SUBMITTED, Action.REJECT): (S.REJECTED, "dataset.rejected"),
    (S.SUBMITTED, Action.REGULATOR_APPROVE): (S.SUBMITTED, "dataset.approved_by_regulator"),
    (S.SUBMITTED, Action.REGULATOR_REFUSE): (S.REJECTED, "dataset.rejected"),
    (S.REJECTED, Action.EDIT): (S.DRAFT, "dataset.updated"),
    (S.LISTED, Action.EDIT): (S.LISTED, "dataset.revised"),
    (S.LISTED, Action.DELIST): (S.DELISTED, "dataset.delisted"),
    (S.DELISTED, Action.SUBMIT): (S.SUBMITTED, "dataset.submitted"),
    (S.DELISTED, Action.EDIT): (S.DRAFT, "dataset.updated"),
}

FORBIDDEN_PAIRS = sorted(
    set(itertools.product(DatasetStatus, Action)) - set(EXPECTED), key=str
)


def _decide(status: DatasetStatus, action: Action, *, grade: Grade = Grade.IMPORTANT,
            capacities: frozenset[Capacity] = EVERY_CAPACITY,
            regulator_approved: bool = True):
    return decide(status=status, action=action, capacities=capacities, grade=grade,
                  regulator_approved=regulator_approved and action is not
                  Action.REGULATOR_APPROVE)


def test_the_table_is_the_documented_one() -> None:
    assert {k: (t.to, t.event) for k, t in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("status", "action"), sorted(EXPECTED, key=str))
def test_allowed_transitions(status: DatasetStatus, action: Action) -> None:
    transition = _decide(status, action)
    assert (transition.to, transition.event) == EXPECTED[(status, action)]


@pytest.mark.parametrize(("status", "action"), FORBIDDEN_PAIRS)
def test_every_other_pair_is_a_conflict(status: DatasetStatus, action: Action) -> None:
    with pytest.raises(Conflict) as caught:
        _decide(status, action)
    assert caught.value.slug == "transition-not-allowed"
    assert caught.value.extensions == {"current_status": status.value, "action": action.value}


@pytest.mark.parametrize("action", list(Action))
def test_capacities_that_may_not_act_are_forbidden(action: Action) -> None:
    status = next(s for (s, a) in EXPECTED if a is action)
    for capacity in EVERY_CAPACITY - ACTORS[action]:
        with pytest.raises(Forbidden):
            _decide(status, action, capacities=frozenset({capacity}))
    with pytest.raises(Forbidden):
        _decide(status, action, capacities=frozenset())
    for capacity in ACTORS[action]:
        assert _decide(status, action, capacities=frozenset({capacity})) is not None


def test_who_may_do_what() -> None:
    owner, operator, regulator = Capacity.OWNER, Capacity.OPERATOR, Capacity.REGULATOR
    assert {
        Action.EDIT: {owner}, Action.SUBMIT: {owner}, Action.APPROVE: {operator},
        Action.REJECT: {operator}, Action.REGULATOR_APPROVE: {regulator},
        Action.REGULATOR_REFUSE: {regulator}, Action.DELIST: {owner, operator},
    } == ACTORS


def test_role_is_checked_before_status() -> None:
    with pytest.raises(Forbidden):
        _decide(S.LISTED, Action.APPROVE, capacities=frozenset({Capacity.OWNER}))


@pytest.mark.parametrize(("status", "action"),
                         [(S.DRAFT, Action.SUBMIT), (S.DELISTED, Action.SUBMIT),
                          (S.SUBMITTED, Action.APPROVE)])
def test_core_data_is_never_listed(status: DatasetStatus, action: Action) -> None:
    with pytest.raises(Conflict) as caught:
        _decide(status, action, grade=Grade.CORE)
    assert caught.value.slug == "core-data-never-listed"


def test_important_data_waits_for_the_regulator() -> None:
    with pytest.raises(Conflict) as caught:
        _decide(S.SUBMITTED, Action.APPROVE, regulator_approved=False)
    assert caught.value.slug == "regulator-approval-required"
    assert _decide(S.SUBMITTED, Action.APPROVE, regulator_approved=True).to is S.LISTED
    general = _decide(S.SUBMITTED, Action.APPROVE, grade=Grade.GENERAL, regulator_approved=False)
    assert general.to is S.LISTED


@pytest.mark.parametrize("action", [Action.REGULATOR_APPROVE, Action.REGULATOR_REFUSE])
def test_regulators_review_only_important_data(action: Action) -> None:
    with pytest.raises(Conflict) as caught:
        _decide(S.SUBMITTED, action, grade=Grade.GENERAL)
    assert caught.value.slug == "regulator-review-not-required"


def test_a_regulator_approves_once() -> None:
    with pytest.raises(Conflict) as caught:
        decide(status=S.SUBMITTED, action=Action.REGULATOR_APPROVE,
               capacities=EVERY_CAPACITY, grade=Grade.IMPORTANT, regulator_approved=True)
    assert caught.value.slug == "already-approved"


def test_listed_datasets_keep_their_classification() -> None:
    check_listed_edit({"title", "keywords", "schema"})
    with pytest.raises(Conflict) as caught:
        check_listed_edit({"title", "grade", "open_type"})
    assert caught.value.extensions["fields"] == ["grade", "open_type"]


@pytest.mark.parametrize("status", list(DatasetStatus))
def test_visibility(status: DatasetStatus) -> None:
    def visible(org: str | None, *roles: str) -> bool:
        return is_visible(status=status, publisher_org_id="org_a", viewer_org=org,
                          viewer_roles=frozenset(roles), open_type="conditional")

    listed = status is S.LISTED
    assert visible("org_a", "provider")
    assert visible(None) is listed
    assert visible("org_b", "provider", "buyer") is listed
    assert visible("org_op", "operator") is (status is not S.DRAFT)
    assert visible("org_reg", "regulator") is (status is not S.DRAFT)


@pytest.mark.parametrize("status", list(DatasetStatus))
def test_not_open_data_is_never_public(status: DatasetStatus) -> None:
    def visible(org: str | None, *roles: str) -> bool:
        return is_visible(status=status, publisher_org_id="org_a", viewer_org=org,
                          viewer_roles=frozenset(roles), open_type="not_open")

    listed = status is S.LISTED
    assert visible("org_a", "provider")
    assert not visible(None)
    assert not visible("org_b", "provider", "buyer")
    assert visible("org_op", "operator") is (status is not S.DRAFT)
    assert visible("org_reg", "regulator") is (status is not S.DRAFT)
    assert visible(None, "service") is listed
