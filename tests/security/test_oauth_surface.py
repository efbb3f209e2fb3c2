"""Issue 18, item 5: RFC 8414 metadata, client_secret_basic, RFC 6749 errors and
statuses at the token endpoint, RFC 7662 introspection for the services."""

from __future__ import annotations

import base64
from urllib.parse import quote_plus, urlsplit

import httpx
import pytest

from services.shared.settings import AUDIENCES
from tests.catalog.conftest import bearer
from tests.stack import ISSUER, SERVICE_SECRETS, Stack

BUYER_CODE = "91110108551385082Q"
TOKEN = "/v1/auth/token"
INTROSPECT = "/v1/auth/introspect"


def basic(client_id: str, secret: str) -> dict[str, str]:
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def oauth_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]
    assert response.headers["cache-control"] == "no-store"


def test_metadata_document_is_valid_rfc8414(stack: Stack) -> None:
    doc = stack.exchange.get("/.well-known/oauth-authorization-server").json()
    assert doc["issuer"] == ISSUER
    assert not urlsplit(doc["issuer"]).query and not urlsplit(doc["issuer"]).fragment
    for name, path in (("token_endpoint", "/v1/auth/token"),
                       ("jwks_uri", "/.well-known/jwks.json"),
                       ("revocation_endpoint", "/v1/auth/revoke"),
                       ("introspection_endpoint", "/v1/auth/introspect")):
        assert doc[name] == ISSUER + path
    assert doc["grant_types_supported"] == ["password", "refresh_token", "client_credentials"]
    assert "response_types_supported" in doc
    for methods in ("token_endpoint_auth_methods_supported",
                    "revocation_endpoint_auth_methods_supported",
                    "introspection_endpoint_auth_methods_supported"):
        assert set(doc[methods]) == {"client_secret_basic", "client_secret_post"}
    assert stack.exchange.get("/.well-known/openid-configuration").json() == doc
    # The endpoints it names are served here (revocation by its own route).
    paths = stack.exchange.get("/openapi.json").json()["paths"]
    assert "/v1/auth/token" in paths and "/v1/auth/introspect" in paths
    assert stack.exchange.get("/.well-known/jwks.json").status_code == 200


def test_client_secret_basic_works_for_services_and_api_keys(stack: Stack) -> None:
    service = stack.exchange.post(TOKEN, headers=basic("catalog", SERVICE_SECRETS["catalog"]),
                                  data={"grant_type": "client_credentials",
                                        "audience": AUDIENCES["audit"]})
    assert service.status_code == 200, service.text
    token = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
    key = stack.exchange.post("/v1/api-keys", json={"name": "etl"}, headers=bearer(token))
    key_id, secret = key.json()["client_id"], key.json()["client_secret"]
    by_basic = stack.exchange.post(TOKEN, headers=basic(key_id, secret),
                                   data={"grant_type": "client_credentials"})
    assert by_basic.status_code == 200, by_basic.text
    by_form = stack.exchange.post(TOKEN, data={"grant_type": "client_credentials",
                                               "client_id": key_id, "client_secret": secret})
    assert by_form.status_code == 200


def test_basic_with_wrong_secret_is_401_with_challenge(stack: Stack) -> None:
    wrong = stack.exchange.post(TOKEN, headers=basic("catalog", "nope"),
                                data={"grant_type": "client_credentials",
                                      "audience": AUDIENCES["audit"]})
    oauth_error(wrong, 401, "invalid_client")
    assert wrong.headers["www-authenticate"].startswith("Basic")
    garbled = stack.exchange.post(TOKEN, headers={"Authorization": "Basic !!!"},
                                  data={"grant_type": "client_credentials"})
    oauth_error(garbled, 401, "invalid_client")
    form = stack.exchange.post(TOKEN, data={"grant_type": "client_credentials",
                                            "client_id": "catalog", "client_secret": "nope",
                                            "audience": AUDIENCES["audit"]})
    oauth_error(form, 401, "invalid_client")


def test_two_client_authentication_methods_at_once_refused(stack: Stack) -> None:
    both = stack.exchange.post(TOKEN, headers=basic("catalog", SERVICE_SECRETS["catalog"]),
                               data={"grant_type": "client_credentials",
                                     "client_secret": SERVICE_SECRETS["catalog"],
                                     "audience": AUDIENCES["audit"]})
    oauth_error(both, 400, "invalid_request")


@pytest.mark.parametrize(("form", "error"), [
    ({"grant_type": "password", "username": "nobody", "password": "x" * 12}, "invalid_grant"),
    ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
    ({}, "invalid_request"),
    ({"grant_type": "password", "username": "nobody"}, "invalid_request"),
    ({"grant_type": "client_credentials"}, "invalid_request"),
])
def test_token_errors_are_rfc6749(stack: Stack, form: dict[str, str], error: str) -> None:
    oauth_error(stack.exchange.post(TOKEN, data=form), 400, error)


def test_service_token_for_unknown_audience_is_invalid_target(stack: Stack) -> None:
    answer = stack.exchange.post(TOKEN, headers=basic("catalog", SERVICE_SECRETS["catalog"]),
                                 data={"grant_type": "client_credentials",
                                       "audience": "elsewhere"})
    oauth_error(answer, 400, "invalid_target")


def test_introspection_for_services(stack: Stack) -> None:
    token = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
    as_catalog = basic("catalog", SERVICE_SECRETS["catalog"])
    active = stack.exchange.post(INTROSPECT, headers=as_catalog, data={"token": token})
    assert active.status_code == 200, active.text
    claims = active.json()
    assert claims["active"] is True and claims["kind"] == "user"
    assert claims["username"] == "b-admin" and claims["roles"] == ["buyer"]
    service = stack.exchange.post(TOKEN, data={
        "grant_type": "client_credentials", "client_id": "audit",
        "client_secret": SERVICE_SECRETS["audit"], "audience": AUDIENCES["catalog"]})
    answer = stack.exchange.post(INTROSPECT, data={
        "token": service.json()["access_token"], "client_id": "catalog",
        "client_secret": SERVICE_SECRETS["catalog"]}).json()
    assert answer["active"] is True and answer["client_id"] == "audit"
    for bad in ("garbage", token[:-4] + "AAAA"):
        assert stack.exchange.post(INTROSPECT, headers=as_catalog,
                                   data={"token": bad}).json() == {"active": False}


def test_introspection_refuses_non_services(stack: Stack) -> None:
    token = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
    oauth_error(stack.exchange.post(INTROSPECT, data={"token": token}), 401, "invalid_client")
    key = stack.exchange.post("/v1/api-keys", json={"name": "etl"}, headers=bearer(token))
    as_member = basic(key.json()["client_id"], key.json()["client_secret"])
    oauth_error(stack.exchange.post(INTROSPECT, headers=as_member, data={"token": token}),
                401, "invalid_client")
    wrong = stack.exchange.post(INTROSPECT, headers=basic("catalog", "nope"),
                                data={"token": token})
    oauth_error(wrong, 401, "invalid_client")
    assert wrong.headers["www-authenticate"].startswith("Basic")


def test_expired_token_is_inactive(stack: Stack) -> None:
    from tests.security.test_token_attacks import expired

    old = expired(stack)
    answer = stack.exchange.post(INTROSPECT, headers=basic("catalog", SERVICE_SECRETS["catalog"]),
                                 data={"token": old})
    assert answer.json() == {"active": False}
