"""Membership: registration, approval by an operator, sign-in, API keys, /v1/me."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.exchange.trading_helpers import dataset_body
from tests.stack import Stack

PROVIDER_CODE = "91330100716105852F"
BUYER_CODE = "91110108551385082Q"
REGULATOR_CODE = "12100000400000624D"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def registration(code: str = PROVIDER_CODE, username: str = "provider-admin",
                 roles: list[str] | None = None) -> dict[str, object]:
    return {
        "name": "杭州市交通运输局",
        "credit_code": code,
        "roles": roles or ["provider"],
        "admin": {"username": username, "password": "a-good-password"},
    }


def password_grant(exchange: TestClient, username: str, password: str = "a-good-password"):
    return exchange.post(
        "/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )


class TestRegistration:
    def test_anonymous_registration_is_pending(self, exchange: TestClient) -> None:
        response = exchange.post("/v1/organizations", json=registration())
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "pending"
        assert body["roles"] == ["provider"]
        assert body["id"].startswith("org_")

    def test_bad_credit_code_is_a_422_that_says_so(self, exchange: TestClient) -> None:
        response = exchange.post("/v1/organizations", json=registration("91330100716105852G"))
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"].endswith("invalid-credit-code")
        assert problem["reason"] == "check-character"
        assert "check character" in problem["detail"]

    def test_rejected_registration_changes_nothing(self, exchange: TestClient) -> None:
        exchange.post("/v1/organizations", json=registration("91330100716105852G"))
        assert password_grant(exchange, "provider-admin").status_code == 400
        ok = exchange.post("/v1/organizations", json=registration())
        assert ok.status_code == 201

    def test_duplicate_credit_code_and_username_are_409(self, stack: Stack) -> None:
        exchange = stack.exchange
        first = exchange.post("/v1/organizations", json=registration())
        assert first.status_code == 201
        operator = stack.operator_token()
        approved = exchange.post(f"/v1/organizations/{first.json()['id']}/approve",
                                 headers={"Authorization": f"Bearer {operator}"})
        assert approved.status_code == 200, approved.text
        again = exchange.post("/v1/organizations", json=registration(username="other-admin"))
        assert again.status_code == 409
        assert again.json()["type"].endswith("duplicate-credit-code")
        same_user = exchange.post("/v1/organizations", json=registration(BUYER_CODE))
        assert same_user.status_code == 409
        assert same_user.json()["type"].endswith("duplicate-username")

    @pytest.mark.parametrize("role", ["regulator", "operator"])
    def test_privileged_roles_are_not_self_service(self, exchange: TestClient, role: str) -> None:
        response = exchange.post("/v1/organizations", json=registration(roles=[role]))
        assert response.status_code == 403

    def test_operator_creates_an_active_regulator(self, stack: Stack) -> None:
        response = stack.exchange.post(
            "/v1/organizations",
            json=registration(REGULATOR_CODE, "regulator-admin", ["regulator"]),
            headers=bearer(stack.operator_token()),
        )
        assert response.status_code == 201
        assert response.json()["status"] == "active"
        assert password_grant(stack.exchange, "regulator-admin").status_code == 200

    def test_validation_errors_are_problem_documents(self, exchange: TestClient) -> None:
        body = registration()
        body["roles"] = ["landlord"]
        response = exchange.post("/v1/organizations", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"][-2:] == ["roles", "0"]


class TestApproval:
    def test_pending_users_get_no_token_until_approved(self, stack: Stack) -> None:
        org = stack.register(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        refused = password_grant(stack.exchange, "p-admin")
        assert refused.status_code == 400  # RFC 6749: invalid_grant
        assert "pending" in refused.json()["detail"]
        approved = stack.exchange.post(
            f"/v1/organizations/{org['id']}/approve", headers=bearer(stack.operator_token())
        )
        assert approved.status_code == 200
        assert approved.json()["status"] == "active"
        assert password_grant(stack.exchange, "p-admin").status_code == 200

    def test_only_operators_approve(self, stack: Stack) -> None:
        buyer = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
        org = stack.register(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        anonymous = stack.exchange.post(f"/v1/organizations/{org['id']}/approve")
        assert anonymous.status_code == 401
        as_buyer = stack.exchange.post(
            f"/v1/organizations/{org['id']}/approve", headers=bearer(buyer)
        )
        assert as_buyer.status_code == 403
        assert password_grant(stack.exchange, "p-admin").status_code == 400

    def test_approving_twice_is_a_conflict(self, stack: Stack) -> None:
        org = stack.register(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        operator = bearer(stack.operator_token())
        url = f"/v1/organizations/{org['id']}/approve"
        assert stack.exchange.post(url, headers=operator).status_code == 200
        again = stack.exchange.post(url, headers=operator)
        assert again.status_code == 409

    def test_unknown_organisation_is_404(self, stack: Stack) -> None:
        response = stack.exchange.post(
            "/v1/organizations/org_nope/approve", headers=bearer(stack.operator_token())
        )
        assert response.status_code == 404

    def test_rejection_needs_a_reason_and_blocks_sign_in(self, stack: Stack) -> None:
        org = stack.register(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        operator = bearer(stack.operator_token())
        url = f"/v1/organizations/{org['id']}/reject"
        assert stack.exchange.post(url, json={"reason": " "}, headers=operator).status_code == 422
        rejected = stack.exchange.post(url, json={"reason": "信用代码与名称不符"}, headers=operator)
        assert rejected.status_code == 200
        assert rejected.json()["status"] == "rejected"
        assert password_grant(stack.exchange, "p-admin").status_code == 400

    def test_listing_members_is_for_operators_and_regulators(self, stack: Stack) -> None:
        buyer = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
        stack.register(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        assert stack.exchange.get("/v1/organizations", headers=bearer(buyer)).status_code == 403
        pending = stack.exchange.get(
            "/v1/organizations?status=pending", headers=bearer(stack.operator_token())
        )
        assert [o["credit_code"] for o in pending.json()] == [PROVIDER_CODE]

    def test_members_see_their_own_organisation_only(self, stack: Stack) -> None:
        buyer = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
        other = stack.register(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        me = stack.exchange.get("/v1/me", headers=bearer(buyer)).json()
        own = stack.exchange.get(
            f"/v1/organizations/{me['organization']['id']}", headers=bearer(buyer)
        )
        assert own.status_code == 200
        hidden = stack.exchange.get(f"/v1/organizations/{other['id']}", headers=bearer(buyer))
        assert hidden.status_code == 404


class TestSignIn:
    def test_wrong_password_and_unknown_user_look_alike(self, stack: Stack) -> None:
        stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
        wrong = password_grant(stack.exchange, "b-admin", "not-the-password")
        unknown = password_grant(stack.exchange, "nobody", "not-the-password")
        assert wrong.status_code == unknown.status_code == 400  # RFC 6749: invalid_grant
        assert wrong.json()["detail"] == unknown.json()["detail"]
        assert wrong.headers["content-type"] == "application/problem+json"

    def test_token_response_is_oauth_shaped(self, stack: Stack) -> None:
        stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
        response = password_grant(stack.exchange, "b-admin")
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == stack.exchange_settings.user_token_ttl_seconds
        assert response.headers["cache-control"] == "no-store"

    def test_unsupported_grant_type(self, exchange: TestClient) -> None:
        response = exchange.post("/v1/auth/token", data={"grant_type": "implicit"})
        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_grant_type"

    def test_me_describes_the_caller(self, stack: Stack) -> None:
        token = stack.member(roles=["buyer", "provider"], credit_code=BUYER_CODE,
                             username="b-admin")
        me = stack.exchange.get("/v1/me", headers=bearer(token)).json()
        assert me["user"]["username"] == "b-admin"
        assert me["organization"]["credit_code"] == BUYER_CODE
        assert me["roles"] == ["buyer", "provider"]

    def test_datasets_name_the_organisation_of_the_token(self, stack: Stack) -> None:
        token = stack.member(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        key = stack.exchange.post("/v1/api-keys", json={"name": "etl"},
                                  headers=bearer(token)).json()
        by_key = stack.exchange.post("/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": key["client_id"],
            "client_secret": key["client_secret"]}).json()["access_token"]
        body = dataset_body()
        body.pop("publisher_name", None)
        for caller in (token, by_key):
            created = stack.catalog.post("/v1/datasets", json=body, headers=bearer(caller))
            assert created.status_code == 201, created.text
            assert created.json()["publisher"]["name"] == "测试单位"
        # a name given with the draft still wins
        named = stack.catalog.post("/v1/datasets", headers=bearer(token),
                                   json={**body, "publisher_name": "杭州市交通运输局"})
        assert named.json()["publisher"]["name"] == "杭州市交通运输局"

    def test_passwords_are_stored_as_argon2id(self, stack: Stack) -> None:
        from sqlalchemy import create_engine, text

        stack.register(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
        engine = create_engine(
            stack.exchange_settings.database_url.replace("postgresql://", "postgresql+psycopg://")
        )
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT password_hash FROM users WHERE username = 'b-admin'")
            ).scalar_one()
        engine.dispose()
        assert stored.startswith("$argon2id$")
        assert "a-good-password" not in stored


class TestApiKeys:
    def test_api_key_gets_a_token_with_the_organisations_roles(self, stack: Stack) -> None:
        token = stack.member(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        created = stack.exchange.post("/v1/api-keys", json={"name": "etl"}, headers=bearer(token))
        assert created.status_code == 201
        key = created.json()
        grant = stack.exchange.post(
            "/v1/auth/token",
            data={"grant_type": "client_credentials", "client_id": key["client_id"],
                  "client_secret": key["client_secret"]},
        )
        assert grant.status_code == 200
        me = stack.exchange.get("/v1/me", headers=bearer(grant.json()["access_token"])).json()
        assert me["client_id"] == key["client_id"]
        assert me["roles"] == ["provider"]
        listed = stack.exchange.get("/v1/api-keys", headers=bearer(token)).json()
        assert [k["client_id"] for k in listed] == [key["client_id"]]
        assert "client_secret" not in listed[0]

    def test_revoked_or_wrong_secret_gets_nothing(self, stack: Stack) -> None:
        token = stack.member(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        key = stack.exchange.post("/v1/api-keys", json={"name": "etl"},
                                  headers=bearer(token)).json()
        form = {"grant_type": "client_credentials", "client_id": key["client_id"]}
        wrong = stack.exchange.post("/v1/auth/token", data={**form, "client_secret": "x" * 43})
        assert wrong.status_code == 401
        revoked = stack.exchange.delete(f"/v1/api-keys/{key['client_id']}", headers=bearer(token))
        assert revoked.status_code == 204
        after = stack.exchange.post(
            "/v1/auth/token", data={**form, "client_secret": key["client_secret"]}
        )
        assert after.status_code == 401

    def test_other_organisations_keys_are_404(self, stack: Stack) -> None:
        provider = stack.member(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
        buyer = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
        key = stack.exchange.post("/v1/api-keys", json={"name": "etl"},
                                  headers=bearer(provider)).json()
        response = stack.exchange.delete(f"/v1/api-keys/{key['client_id']}",
                                         headers=bearer(buyer))
        assert response.status_code == 404
