"""Dataset metadata over the API: creation, validation, who sees what, edits and revisions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

import pytest

from services.exchange.identity.issuer import USER_AUDIENCES
from services.shared.canonical import canonical_sha256
from services.shared.keyring import KeyRing
from services.shared.tokens import issue_token
from tests.catalog.conftest import Callers, bearer, dataset_body
from tests.stack import ISSUER


def expected_hash(revision: dict[str, Any]) -> str:
    """Recompute metadata_sha256 from a revision as the API shows it."""
    fields = ("title", "description", "keywords", "themes", "open_type", "grade",
              "update_frequency", "licence", "contact_point", "temporal", "spatial", "schema")
    return canonical_sha256({
        "dataset_id": revision.get("dataset_id", revision.get("id")),
        "publisher": revision["publisher"],
        **{name: revision[name] for name in fields},
    })


class TestCreate:
    def test_anonymous_is_401(self, callers: Callers) -> None:
        response = callers.catalog.post("/v1/datasets", json=dataset_body())
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"

    @pytest.mark.parametrize("who", ["buyer", "operator", "regulator"])
    def test_callers_without_the_provider_role_are_403(self, callers: Callers, who: str) -> None:
        response = callers.catalog.post("/v1/datasets", json=dataset_body(),
                                        headers=bearer(getattr(callers, who)))
        assert response.status_code == 403
        assert callers.outbox() == []

    def test_a_provider_creates_a_draft(self, callers: Callers) -> None:
        created = callers.create()
        assert created["id"].startswith("ds_")
        assert created["status"] == "draft"
        assert created["revision"] == 1
        assert created["publisher"] == {"id": callers.provider_org, "name": "杭州市交通运输局"}
        assert created["title"] == {"zh": "杭州市公共交通客流量",
                                    "en": "Hangzhou public transport ridership"}
        assert created["schema"][2] == {"name": "riders", "type": "integer",
                                        "description": "客流人次", "required": True}
        assert created["temporal"] == {"start": "2024-01-01", "end": "2024-12-31"}
        assert created["spatial"] == {"code": "330100", "name": "杭州市"}
        assert created["metadata_sha256"] == expected_hash(created)
        [event] = callers.outbox()
        assert event["type"] == "dataset.created"
        assert event["subject"] == created["id"]
        assert event["payload"] == {
            "dataset_id": created["id"], "org_id": callers.provider_org, "revision": 1,
            "metadata_sha256": created["metadata_sha256"], "status": "draft",
            "open_type": "unconditional", "grade": "general",
        }

    def test_the_hash_is_that_of_the_documented_canonical_form(self, callers: Callers) -> None:
        created = callers.create()
        revision = callers.catalog.get(f"/v1/datasets/{created['id']}/revisions/1",
                                       headers=bearer(callers.provider)).json()
        assert revision["metadata_sha256"] == created["metadata_sha256"] == expected_hash(revision)

    def test_plain_string_title_is_the_chinese_text(self, callers: Callers) -> None:
        created = callers.create(title="杭州市公共自行车租还记录",
                                 description="公共自行车每次租还。")
        assert created["title"] == {"zh": "杭州市公共自行车租还记录", "en": ""}
        assert created["description"] == {"zh": "公共自行车每次租还。", "en": ""}

    def test_without_a_publisher_name_the_tokens_organisation_is_shown(
        self, callers: Callers
    ) -> None:
        body = dataset_body()
        del body["publisher_name"]
        response = callers.catalog.post("/v1/datasets", json=body,
                                        headers=bearer(callers.provider))
        assert response.json()["publisher"] == {"id": callers.provider_org, "name": "测试单位"}
        # a member token that does not name its organisation shows the id
        ring = KeyRing(callers.stack.var_dir / "keys" / "exchange-tokens", "ES256")
        unnamed, _ = issue_token(ring.active(), issuer=ISSUER, subject="usr_unnamed",
                                 audience=USER_AUDIENCES, ttl=timedelta(minutes=5),
                                 claims={"kind": "user", "org": callers.provider_org,
                                         "roles": ["provider"], "name": "unnamed"})
        response = callers.catalog.post("/v1/datasets", json=body, headers=bearer(unnamed))
        assert response.status_code == 201, response.text
        assert response.json()["publisher"]["name"] == callers.provider_org

    def test_keywords_and_themes_are_deduplicated(self, callers: Callers) -> None:
        created = callers.create(keywords=["客流", "Bus", "bus", " 客流 "],
                                 themes=["transport", "economy", "transport"])
        assert created["keywords"] == ["客流", "Bus"]
        assert created["themes"] == ["transport", "economy"]

    INVALID: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"themes": ["transport", "teleportation"]}, "themes"),
        ({"themes": []}, "themes"),
        ({"open_type": "sometimes"}, "open_type"),
        ({"grade": "secret"}, "grade"),
        ({"update_frequency": "whenever"}, "update_frequency"),
        ({"title": {"zh": "长" * 201}}, "title.zh"),
        ({"title": {"en": "only English"}}, "title.zh"),
        ({"description": {"zh": "  "}}, "description.zh"),
        ({"licence": "all rights reserved"}, "licence"),
        ({"temporal": {"start": "2024-12-31", "end": "2024-01-01"}}, "temporal"),
        ({"spatial": {"code": "33010", "name": "杭州市"}}, "spatial.code"),
        ({"contact_point": {"office": "数据处"}}, "contact_point"),
        ({"contact_point": {"office": "数据处", "email": "not-an-email"}},
         "contact_point.email"),
        ({"schema": [{"name": "a", "type": "string"}, {"name": "A", "type": "integer"}]},
         "schema"),
        ({"schema": [{"name": "a", "type": "float"}]}, "schema"),
        ({"keywords": ["x" * 41]}, "keywords"),
        ({"colour": "blue"}, "colour"),
    ]

    def test_invalid_metadata_is_a_422_that_changes_nothing(self, callers: Callers) -> None:
        for change, where in self.INVALID:
            response = callers.catalog.post("/v1/datasets", json={**dataset_body(), **change},
                                            headers=bearer(callers.provider))
            assert response.status_code == 422, (change, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            problem = response.json()
            assert problem["status"] == 422
            assert where.split(".")[0] in problem["detail"], (change, problem)
        mine = callers.catalog.get("/v1/datasets?mine=true", headers=bearer(callers.provider))
        assert mine.json()["items"] == []
        assert callers.outbox() == []

    def test_unknown_theme_names_the_culprit(self, callers: Callers) -> None:
        response = callers.catalog.post(
            "/v1/datasets", json=dataset_body(themes=["transport", "teleportation"]),
            headers=bearer(callers.provider),
        )
        assert response.status_code == 422
        assert response.json()["type"] == "urn:dataex:problem:unknown-theme"
        assert response.json()["themes"] == ["teleportation"]


class TestRead:
    def test_a_draft_is_404_to_everyone_but_its_publisher(self, callers: Callers) -> None:
        draft = callers.create()
        for who in (None, "other_provider", "buyer", "operator", "regulator"):
            token = getattr(callers, who) if who else None
            response = callers.catalog.get(f"/v1/datasets/{draft['id']}", headers=bearer(token))
            assert response.status_code == 404, who
            missing = callers.catalog.get("/v1/datasets/ds_nope", headers=bearer(token))
            assert response.json()["detail"].replace(draft["id"], "X") == \
                missing.json()["detail"].replace("ds_nope", "X")
        own = callers.catalog.get(f"/v1/datasets/{draft['id']}", headers=bearer(callers.provider))
        assert own.status_code == 200
        assert own.json()["review"] is not None

    def test_a_listed_dataset_is_public_without_review_details(self, callers: Callers) -> None:
        listed = callers.listed()
        public = callers.catalog.get(f"/v1/datasets/{listed['id']}")
        assert public.status_code == 200
        body = public.json()
        assert body["status"] == "listed"
        assert body["review"] is None
        assert body["files"] == []
        assert body["listed_at"] is not None
        insider = callers.catalog.get(f"/v1/datasets/{listed['id']}",
                                      headers=bearer(callers.operator)).json()
        assert insider["review"]["decided_at"] is not None


class TestEdit:
    def test_a_draft_is_edited_in_place(self, callers: Callers) -> None:
        draft = callers.create()
        response = callers.catalog.patch(
            f"/v1/datasets/{draft['id']}",
            json={"keywords": ["客流", "地铁"], "temporal": None},
            headers=bearer(callers.provider),
        )
        assert response.status_code == 200, response.text
        edited = response.json()
        assert edited["revision"] == 1
        assert edited["keywords"] == ["客流", "地铁"]
        assert edited["temporal"] is None
        assert edited["title"] == draft["title"]
        assert edited["metadata_sha256"] != draft["metadata_sha256"]
        assert edited["metadata_sha256"] == expected_hash(edited)
        updated = callers.outbox()[-1]
        assert updated["type"] == "dataset.updated"
        assert updated["payload"]["changed_fields"] == ["keywords", "temporal"]

    def test_an_unchanged_edit_records_nothing(self, callers: Callers) -> None:
        draft = callers.create()
        response = callers.catalog.patch(f"/v1/datasets/{draft['id']}",
                                         json={"grade": "general"},
                                         headers=bearer(callers.provider))
        assert response.status_code == 200
        assert [e["type"] for e in callers.outbox()] == ["dataset.created"]

    def test_required_fields_cannot_be_cleared(self, callers: Callers) -> None:
        draft = callers.create()
        response = callers.catalog.patch(f"/v1/datasets/{draft['id']}", json={"title": None},
                                         headers=bearer(callers.provider))
        assert response.status_code == 422

    def test_others_cannot_edit_a_draft(self, callers: Callers) -> None:
        draft = callers.create()
        for who in (None, "other_provider", "buyer", "operator", "regulator"):
            token = getattr(callers, who) if who else None
            response = callers.catalog.patch(f"/v1/datasets/{draft['id']}",
                                             json={"keywords": ["x"]}, headers=bearer(token))
            assert response.status_code == (401 if who is None else 404), who
        assert [e["type"] for e in callers.outbox()] == ["dataset.created"]

    def test_others_cannot_edit_a_listed_dataset(self, callers: Callers) -> None:
        listed = callers.listed()
        for who in ("other_provider", "buyer", "operator", "regulator"):
            response = callers.catalog.patch(f"/v1/datasets/{listed['id']}",
                                             json={"keywords": ["x"]},
                                             headers=bearer(getattr(callers, who)))
            assert response.status_code == 403, who
            assert response.json()["type"] == "urn:dataex:problem:not-permitted"
        assert callers.outbox()[-1]["type"] == "dataset.listed"

    def test_a_listed_dataset_gets_a_new_public_revision(self, callers: Callers) -> None:
        listed = callers.listed()
        response = callers.catalog.patch(
            f"/v1/datasets/{listed['id']}",
            json={"title": {"zh": "杭州市公共交通客流量（日）",
                            "en": "Hangzhou public transport daily ridership"}},
            headers=bearer(callers.provider),
        )
        assert response.status_code == 200, response.text
        revised = response.json()
        assert (revised["status"], revised["revision"]) == ("listed", 2)
        public = callers.catalog.get(f"/v1/datasets/{listed['id']}").json()
        assert public["title"]["zh"] == "杭州市公共交通客流量（日）"
        history = callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions").json()
        assert [r["revision"] for r in history] == [1, 2]
        assert all(r["published_at"] for r in history)
        old = callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions/1").json()
        assert old["title"]["zh"] == "杭州市公共交通客流量"
        assert old["metadata_sha256"] == listed["metadata_sha256"] == expected_hash(old)
        event = callers.outbox()[-1]
        assert event["type"] == "dataset.revised"
        assert event["payload"]["revision"] == 2
        assert event["payload"]["metadata_sha256"] == revised["metadata_sha256"]

    @pytest.mark.parametrize("field", ["grade", "open_type"])
    def test_a_listed_dataset_keeps_its_classification(self, callers: Callers,
                                                       field: str) -> None:
        listed = callers.listed()
        value = {"grade": "important", "open_type": "conditional"}[field]
        response = callers.catalog.patch(f"/v1/datasets/{listed['id']}",
                                         json={field: value, "keywords": ["x"]},
                                         headers=bearer(callers.provider))
        assert response.status_code == 409
        assert response.json()["type"] == "urn:dataex:problem:reviewed-field-change"
        after = callers.catalog.get(f"/v1/datasets/{listed['id']}").json()
        assert (after["revision"], after[field], after["keywords"]) == \
            (1, listed[field], listed["keywords"])

    def test_a_delisted_dataset_is_edited_into_a_new_draft_revision(
        self, callers: Callers
    ) -> None:
        listed = callers.listed()
        assert callers.act(listed["id"], "delist", callers.provider).status_code == 200
        edited = callers.catalog.patch(f"/v1/datasets/{listed['id']}",
                                       json={"grade": "important"},
                                       headers=bearer(callers.provider)).json()
        assert (edited["status"], edited["revision"], edited["grade"]) == \
            ("draft", 2, "important")
        assert callers.catalog.get(f"/v1/datasets/{listed['id']}").status_code == 404
        history = callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions",
                                      headers=bearer(callers.provider)).json()
        assert [(r["revision"], r["published_at"] is None) for r in history] == \
            [(1, False), (2, True)]


class TestRevisions:
    def test_the_publisher_keeps_every_revision(self, callers: Callers) -> None:
        listed = callers.listed()
        callers.catalog.patch(f"/v1/datasets/{listed['id']}", json={"keywords": ["新"]},
                              headers=bearer(callers.provider))
        assert callers.act(listed["id"], "delist", callers.operator).status_code == 200
        callers.catalog.patch(f"/v1/datasets/{listed['id']}", json={"keywords": ["草稿"]},
                              headers=bearer(callers.provider))
        assert callers.act(listed["id"], "submit", callers.provider).status_code == 200
        assert callers.act(listed["id"], "review", callers.operator,
                           {"approve": True}).status_code == 200
        assert callers.act(listed["id"], "delist", callers.provider).status_code == 200
        callers.catalog.patch(f"/v1/datasets/{listed['id']}", json={"keywords": ["未发布"]},
                              headers=bearer(callers.provider))
        own = callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions",
                                  headers=bearer(callers.provider)).json()
        assert [r["revision"] for r in own] == [1, 2, 3, 4]
        operator = callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions/4",
                                       headers=bearer(callers.operator))
        assert operator.status_code == 404  # the operator does not see drafts at all
        assert callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions").status_code == 404

    def test_revisions_follow_the_datasets_visibility(self, callers: Callers) -> None:
        listed = callers.listed()
        assert callers.act(listed["id"], "delist", callers.provider).status_code == 200
        callers.catalog.patch(f"/v1/datasets/{listed['id']}", json={"keywords": ["草稿"]},
                              headers=bearer(callers.provider))
        assert callers.act(listed["id"], "submit", callers.provider).status_code == 200
        # Submitted again: the operator reads both revisions, the public none (not listed).
        operator = callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions",
                                       headers=bearer(callers.operator)).json()
        assert [r["revision"] for r in operator] == [1, 2]
        anonymous = callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions/1")
        assert anonymous.status_code == 404
        assert callers.act(listed["id"], "review", callers.operator,
                           {"approve": True}).status_code == 200
        public = callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions").json()
        assert [r["revision"] for r in public] == [1, 2]
        assert callers.catalog.get(f"/v1/datasets/{listed['id']}/revisions/3").status_code == 404
