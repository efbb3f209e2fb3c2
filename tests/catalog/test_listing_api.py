"""The listing review over the API: transitions, who may act, ledger events in the outbox."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from tests.catalog.conftest import Callers, bearer

APPROVE = {"approve": True, "reason": "符合开放要求"}
REJECT = {"approve": False, "reason": "字段说明不完整"}


def status_of(callers: Callers, dataset_id: str) -> str:
    body = callers.catalog.get(f"/v1/datasets/{dataset_id}", headers=bearer(callers.provider))
    return str(body.json()["status"])


def dataset_in(callers: Callers, status: str) -> dict[str, Any]:
    """An important-grade dataset brought to ``status`` through the API."""
    dataset = callers.create(grade="important")
    steps = {
        "draft": [],
        "submitted": [("submit", "provider", None)],
        "rejected": [("submit", "provider", None), ("review", "operator", REJECT)],
        "listed": [("submit", "provider", None), ("regulator-review", "regulator", APPROVE),
                   ("review", "operator", APPROVE)],
        "delisted": [("submit", "provider", None), ("regulator-review", "regulator", APPROVE),
                     ("review", "operator", APPROVE), ("delist", "provider", None)],
    }[status]
    for action, who, body in steps:
        response = callers.act(dataset["id"], action, getattr(callers, who), body)
        assert response.status_code == 200, response.text
    assert status_of(callers, dataset["id"]) == status
    return dataset


# (status, request) pairs the state machine refuses, each made by a caller who may see
# the dataset and holds the right role, so that only the status stands in the way.
FORBIDDEN = {
    "draft": [("review", "operator_or_404", APPROVE), ("delist", "provider", None)],
    "submitted": [("submit", "provider", None), ("delist", "provider", None),
                  ("edit", "provider", None)],
    "rejected": [("submit", "provider", None), ("review", "operator", APPROVE),
                 ("review", "operator", REJECT), ("regulator-review", "regulator", APPROVE),
                 ("regulator-review", "regulator", REJECT), ("delist", "operator", None)],
    "listed": [("submit", "provider", None), ("review", "operator", APPROVE),
               ("review", "operator", REJECT), ("regulator-review", "regulator", APPROVE),
               ("regulator-review", "regulator", REJECT)],
    "delisted": [("review", "operator", APPROVE), ("review", "operator", REJECT),
                 ("regulator-review", "regulator", APPROVE),
                 ("regulator-review", "regulator", REJECT), ("delist", "operator", None),
                 ("delist", "provider", None)],
}


class TestTransitions:
    def test_the_whole_review_and_its_ledger_events(self, callers: Callers) -> None:
        draft = callers.create()
        ds = draft["id"]
        submitted = callers.act(ds, "submit", callers.provider)
        assert submitted.json()["status"] == "submitted"
        listed = callers.act(ds, "review", callers.operator, APPROVE)
        assert listed.json()["status"] == "listed"
        assert callers.catalog.get(f"/v1/datasets/{ds}").status_code == 200
        delisted = callers.act(ds, "delist", callers.operator, {"reason": "数据源停更"})
        assert delisted.json()["status"] == "delisted"
        assert callers.catalog.get(f"/v1/datasets/{ds}").status_code == 404
        events = callers.outbox()
        assert [e["type"] for e in events] == [
            "dataset.created", "dataset.submitted", "dataset.listed", "dataset.delisted",
        ]
        assert {e["subject"] for e in events} == {ds}
        assert [e["payload"]["status"] for e in events] == \
            ["draft", "submitted", "listed", "delisted"]
        assert all(e["payload"]["metadata_sha256"] == draft["metadata_sha256"] for e in events)
        assert all(e["payload"]["org_id"] == callers.provider_org for e in events)
        assert events[3]["payload"]["by"] == "operator"
        assert "数据源停更" not in str(events)  # reasons travel as hashes only
        assert len(events[3]["payload"]["reason_sha256"]) == 64

    def test_rejection_then_edit_then_resubmission(self, callers: Callers) -> None:
        ds = callers.create()["id"]
        callers.act(ds, "submit", callers.provider)
        rejected = callers.act(ds, "review", callers.operator, REJECT).json()
        assert rejected["status"] == "rejected"
        assert rejected["review"]["reason"] == "字段说明不完整"
        edited = callers.catalog.patch(f"/v1/datasets/{ds}", json={"keywords": ["客流"]},
                                       headers=bearer(callers.provider)).json()
        assert edited["status"] == "draft"
        assert callers.act(ds, "submit", callers.provider).json()["review"]["reason"] is None
        assert callers.act(ds, "review", callers.operator, APPROVE).json()["status"] == "listed"
        assert [e["type"] for e in callers.outbox()] == [
            "dataset.created", "dataset.submitted", "dataset.rejected", "dataset.updated",
            "dataset.submitted", "dataset.listed",
        ]

    def test_the_owner_withdraws_and_resubmits(self, callers: Callers) -> None:
        ds = callers.listed()["id"]
        withdrawn = callers.act(ds, "delist", callers.provider, {"reason": "更新数据口径"})
        assert withdrawn.json()["status"] == "delisted"
        assert callers.outbox()[-1]["payload"]["by"] == "publisher"
        assert callers.act(ds, "submit", callers.provider).json()["status"] == "submitted"
        assert callers.act(ds, "review", callers.operator, APPROVE).json()["status"] == "listed"

    @pytest.mark.parametrize("status", list(FORBIDDEN))
    def test_every_forbidden_transition_is_409_and_records_nothing(
        self, callers: Callers, status: str
    ) -> None:
        ds = dataset_in(callers, status)["id"]
        before = len(callers.outbox())
        for action, who, body in FORBIDDEN[status]:
            if who == "operator_or_404":
                # The operator cannot see another's draft at all: 404, not 409.
                response = callers.act(ds, action, callers.operator, body)
                assert response.status_code == 404, (status, action)
                continue
            if action == "edit":
                response = callers.catalog.patch(f"/v1/datasets/{ds}", json={"keywords": ["x"]},
                                                 headers=bearer(getattr(callers, who)))
            else:
                response = callers.act(ds, action, getattr(callers, who), body)
            assert response.status_code == 409, (status, action, response.text)
            problem = response.json()
            assert problem["type"] == "urn:dataex:problem:transition-not-allowed"
            assert problem["current_status"] == status
        assert status_of(callers, ds) == status
        assert len(callers.outbox()) == before

    def test_core_data_is_never_submitted(self, callers: Callers) -> None:
        ds = callers.create(grade="core")["id"]
        response = callers.act(ds, "submit", callers.provider)
        assert response.status_code == 409
        assert response.json()["type"] == "urn:dataex:problem:core-data-never-listed"
        assert status_of(callers, ds) == "draft"

    def test_important_data_needs_the_regulator_first(self, callers: Callers) -> None:
        ds = callers.create(grade="important")["id"]
        callers.act(ds, "submit", callers.provider)
        early = callers.act(ds, "review", callers.operator, APPROVE)
        assert early.status_code == 409
        assert early.json()["type"] == "urn:dataex:problem:regulator-approval-required"
        queue = callers.catalog.get("/v1/datasets?status=submitted",
                                    headers=bearer(callers.regulator)).json()
        assert [d["id"] for d in queue["items"]] == [ds]
        approved = callers.act(ds, "regulator-review", callers.regulator, APPROVE)
        assert approved.status_code == 200
        assert approved.json()["review"]["regulator_approved"] is True
        again = callers.act(ds, "regulator-review", callers.regulator, APPROVE)
        assert again.status_code == 409
        assert callers.act(ds, "review", callers.operator, APPROVE).json()["status"] == "listed"
        assert [e["type"] for e in callers.outbox()][-2:] == [
            "dataset.approved_by_regulator", "dataset.listed",
        ]

    def test_a_regulator_refusal_rejects(self, callers: Callers) -> None:
        ds = callers.create(grade="important")["id"]
        callers.act(ds, "submit", callers.provider)
        refused = callers.act(ds, "regulator-review", callers.regulator,
                              {"approve": False, "reason": "涉及关键基础设施"})
        assert refused.json()["status"] == "rejected"
        event = callers.outbox()[-1]
        assert (event["type"], event["payload"]["reviewer"]) == ("dataset.rejected", "regulator")

    def test_regulators_review_only_important_data(self, callers: Callers) -> None:
        ds = callers.create(grade="general")["id"]
        callers.act(ds, "submit", callers.provider)
        response = callers.act(ds, "regulator-review", callers.regulator, APPROVE)
        assert response.status_code == 409
        assert response.json()["type"] == "urn:dataex:problem:regulator-review-not-required"

    def test_a_regulator_approval_does_not_outlive_its_submission(self, callers: Callers) -> None:
        ds = callers.create(grade="important")["id"]
        callers.act(ds, "submit", callers.provider)
        callers.act(ds, "regulator-review", callers.regulator, APPROVE)
        callers.act(ds, "review", callers.operator, REJECT)
        callers.catalog.patch(f"/v1/datasets/{ds}", json={"keywords": ["改"]},
                              headers=bearer(callers.provider))
        callers.act(ds, "submit", callers.provider)
        again = callers.act(ds, "review", callers.operator, APPROVE)
        assert again.status_code == 409
        assert again.json()["type"] == "urn:dataex:problem:regulator-approval-required"

    def test_a_rejection_needs_a_reason(self, callers: Callers) -> None:
        ds = callers.create()["id"]
        callers.act(ds, "submit", callers.provider)
        before = len(callers.outbox())
        response = callers.act(ds, "review", callers.operator, {"approve": False})
        assert response.status_code == 422
        assert status_of(callers, ds) == "submitted"
        assert len(callers.outbox()) == before


class TestWhoMayAct:
    ON_A_DRAFT: ClassVar[list[tuple[str, str | None, int]]] = [
        ("submit", None, 401),
        ("submit", "other_provider", 404),
        ("submit", "buyer", 404),
        ("submit", "operator", 404),
        ("review", None, 401),
        ("review", "provider", 403),
        ("review", "regulator", 403),
        ("review", "operator", 404),
        ("regulator-review", None, 401),
        ("regulator-review", "operator", 403),
        ("regulator-review", "provider", 403),
        ("regulator-review", "regulator", 404),
        ("delist", None, 401),
        ("delist", "other_provider", 404),
        ("delist", "buyer", 404),
    ]

    ON_A_SUBMITTED_ONE: ClassVar[list[tuple[str, str | None, int]]] = [
        ("review", "provider", 403),
        ("review", "buyer", 403),
        ("regulator-review", "operator", 403),
        ("regulator-review", "buyer", 403),
        ("submit", "operator", 403),
        ("submit", "regulator", 403),
        ("submit", "other_provider", 404),
        ("delist", "other_provider", 404),
    ]

    def _check(self, callers: Callers, dataset_id: str, matrix: list[tuple[str, str | None, int]],
               status: str) -> None:
        before = callers.outbox()
        for action, who, expected in matrix:
            body = APPROVE if "review" in action else None
            response = callers.act(dataset_id, action, getattr(callers, who) if who else None,
                                   body)
            assert response.status_code == expected, (action, who, response.text)
            assert response.headers["content-type"] == "application/problem+json"
        assert status_of(callers, dataset_id) == status
        assert callers.outbox() == before

    def test_on_a_draft(self, callers: Callers) -> None:
        self._check(callers, callers.create()["id"], self.ON_A_DRAFT, "draft")

    def test_on_a_submitted_dataset(self, callers: Callers) -> None:
        ds = callers.create(grade="important")["id"]
        callers.act(ds, "submit", callers.provider)
        self._check(callers, ds, self.ON_A_SUBMITTED_ONE, "submitted")

    def test_only_the_publisher_or_the_operator_delists(self, callers: Callers) -> None:
        ds = callers.listed()["id"]
        for who in ("other_provider", "buyer", "regulator"):
            response = callers.act(ds, "delist", getattr(callers, who))
            assert response.status_code == 403, who
            assert response.json()["type"] == "urn:dataex:problem:not-permitted"
        assert status_of(callers, ds) == "listed"
        assert callers.act(ds, "delist", None).status_code == 401


class TestReviewQueue:
    def test_operators_see_submitted_datasets(self, callers: Callers) -> None:
        draft = callers.create()
        submitted = callers.create(title={"zh": "杭州市出租车运营数据"})
        callers.act(submitted["id"], "submit", callers.provider)
        queue = callers.catalog.get("/v1/datasets?status=submitted",
                                    headers=bearer(callers.operator))
        assert [d["id"] for d in queue.json()["items"]] == [submitted["id"]]
        public = callers.catalog.get("/v1/datasets").json()
        assert public["items"] == []
        mine = callers.catalog.get("/v1/datasets?mine=true",
                                   headers=bearer(callers.provider)).json()
        assert {d["id"] for d in mine["items"]} == {draft["id"], submitted["id"]}

    def test_who_may_browse_by_status(self, callers: Callers) -> None:
        for who, status, expected in [
            (None, "submitted", 401),
            ("buyer", "submitted", 403),
            ("provider", "rejected", 403),
            ("operator", "draft", 403),
            ("regulator", "delisted", 200),
            ("operator", "rejected", 200),
            (None, "listed", 200),
        ]:
            response = callers.catalog.get(
                "/v1/datasets", params={"status": status},
                headers=bearer(getattr(callers, who) if who else None),
            )
            assert response.status_code == expected, (who, status)

    def test_mine_needs_a_member(self, callers: Callers) -> None:
        assert callers.catalog.get("/v1/datasets?mine=true").status_code == 401
        other = callers.catalog.get("/v1/datasets?mine=true",
                                    headers=bearer(callers.other_provider))
        callers.create()
        assert other.json()["items"] == []
