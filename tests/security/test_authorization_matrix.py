"""Issue 18, 'tests that must exist': the authorization matrix. Every route the three
services' OpenAPI documents declare has one row in ``MATRIX``: the outcome class each kind
of caller gets (``a``, allowed: let through authorization, whatever the handler then
said; ``401``; ``403``; ``404``: not shown, so existence does not leak). A route without a row
fails, so a new route must be declared here.

Reads name organisation A's own objects (one paid trade, provider A to buyer A), so a
``404`` for organisation B is the check that existence does not leak; writes name an
object nobody owns with an empty JSON body, so no sweep changes what the others read
(an allowed on such a write is the handler's 404/422 after authorization let it through).
"""

from __future__ import annotations

import json

import pytest

from tests.security.authorization_world import CALLERS, OUTCOMES, Route, World, outcome, routes
from tests.stack import Stack

CODES = ("a", "1", "3", "4")  # the table's letters for OUTCOMES, in that order
# Lists whose default shows only public rows, read again with the filters that widen them.
LIST_FILTERS: list[Route] = [("catalog", "GET", "/v1/datasets?mine=true"),
                             ("catalog", "GET", "/v1/datasets?status=submitted"),
                             ("catalog", "GET", "/v1/datasets?status=draft")]

# "service METHOD path": one outcome per caller, in this order: anonymous, buyer_a,
# buyer_b, provider_a, provider_b, operator, regulator, service (a client-credentials
# token), grant (buyer A's grant token). a: allowed; 1: 401; 3: 403; 4: 404.
MATRIX: dict[str, str] = {
    "audit GET /healthz": "a a a a a a a a a",
    "audit GET /readyz": "a a a a a a a a a",
    "audit GET /v1/checkpoints": "a a a a a a a a a",
    "audit GET /v1/checkpoints/latest": "4 4 4 4 4 4 4 4 4",
    "audit GET /v1/checkpoints/{tree_size}": "4 4 4 4 4 4 4 4 4",
    "audit GET /v1/entries": "1 3 3 3 3 3 a 1 1",
    "audit GET /v1/entries/{seq}": "1 3 3 3 3 3 4 1 1",
    "audit GET /v1/events/{event_id}": "1 3 3 3 3 3 4 1 1",
    "audit GET /v1/export": "1 3 3 3 3 3 a 1 1",
    "audit GET /v1/keys": "a a a a a a a a a",
    "audit GET /v1/proofs/consistency": "a a a a a a a 1 1",
    "audit GET /v1/proofs/inclusion": "a a a a a a a 1 1",
    "audit GET /v1/whoami": "1 a a a a a a 1 1",
    "audit POST /v1/checkpoints": "1 3 3 3 3 4 4 1 1",
    "audit POST /v1/entries": "1 3 3 3 3 3 3 1 1",
    "audit POST /v1/sources/keys": "1 3 3 3 3 3 3 1 1",
    "catalog GET /healthz": "a a a a a a a a a",
    "catalog GET /readyz": "a a a a a a a a a",
    "catalog GET /v1/datasets": "a a a a a a a 1 1",
    "catalog GET /v1/datasets/{dataset_id}": "a a a a a a a 1 1",
    "catalog GET /v1/datasets/{dataset_id}/dcat.jsonld": "a a a a a a a 1 1",
    "catalog GET /v1/datasets/{dataset_id}/files/{file_id}/content": "1 3 3 a 3 a a 1 a",
    "catalog GET /v1/datasets/{dataset_id}/files/{file_id}/quality": "1 3 3 a 3 a a 1 a",
    "catalog GET /v1/datasets/{dataset_id}/files/{file_id}/rows": "1 3 3 a 3 a a 1 a",
    "catalog GET /v1/datasets/{dataset_id}/files/{file_id}/sample": "1 3 3 a 3 a a 1 a",
    "catalog GET /v1/datasets/{dataset_id}/revisions": "a a a a a a a 1 1",
    "catalog GET /v1/datasets/{dataset_id}/revisions/{number}": "a a a a a a a 1 1",
    "catalog GET /v1/dcat/catalog.jsonld": "a a a a a a a a a",
    "catalog GET /v1/themes": "a a a a a a a a a",
    "catalog GET /v1/whoami": "1 a a a a a a 1 a",
    "catalog PATCH /v1/datasets/{dataset_id}": "1 4 4 4 4 4 4 1 1",
    "catalog POST /v1/datasets": "1 3 3 a a 3 3 1 1",
    "catalog POST /v1/datasets/{dataset_id}/delist": "1 4 4 4 4 4 4 1 1",
    "catalog POST /v1/datasets/{dataset_id}/files": "1 4 4 4 4 4 4 1 1",
    "catalog POST /v1/datasets/{dataset_id}/files/{file_id}/withdraw": "1 a a a a a a 1 1",
    "catalog POST /v1/datasets/{dataset_id}/pii-override": "1 3 3 3 3 a 3 1 1",
    "catalog POST /v1/datasets/{dataset_id}/regulator-review": "1 3 3 3 3 3 a 1 1",
    "catalog POST /v1/datasets/{dataset_id}/review": "1 3 3 3 3 a 3 1 1",
    "catalog POST /v1/datasets/{dataset_id}/submit": "1 4 4 4 4 4 4 1 1",
    "exchange DELETE /v1/api-keys/{client_id}": "1 4 4 4 4 4 4 4 1",
    "exchange DELETE /v1/webhooks/{webhook_id}": "1 4 4 4 4 3 3 3 1",
    "exchange GET /.well-known/jwks.json": "a a a a a a a a a",
    "exchange GET /.well-known/oauth-authorization-server": "a a a a a a a a a",
    "exchange GET /.well-known/openid-configuration": "a a a a a a a a a",
    "exchange GET /healthz": "a a a a a a a a a",
    "exchange GET /readyz": "a a a a a a a a a",
    "exchange GET /v1/accounts/me": "1 a a a a a a 3 1",
    "exchange GET /v1/accounts/me/entries": "1 a a a a a a 3 1",
    "exchange GET /v1/accounts/trial-balance": "1 3 3 3 3 a a 3 1",
    "exchange GET /v1/api-keys": "1 a a a a a a 4 1",
    "exchange GET /v1/assets": "a a a a a a a a 1",
    "exchange GET /v1/assets/{asset_id}": "a a a a a a a a 1",
    "exchange GET /v1/assets/{asset_id}/certificate": "a a a a a a a a a",
    "exchange GET /v1/assets/{asset_id}/updates": "1 4 4 a 4 a a 4 1",
    "exchange GET /v1/assets/{asset_id}/valuations": "1 3 3 a 3 a a 3 1",
    "exchange GET /v1/authorisations": "1 a a a a a a a 1",
    "exchange GET /v1/authorisations/{authorisation_id}": "1 4 4 4 4 4 4 4 1",
    "exchange GET /v1/demands": "1 a a a a a a 3 1",
    "exchange GET /v1/demands/{demand_id}": "1 4 4 4 4 4 4 4 1",
    "exchange GET /v1/demands/{demand_id}/matches": "1 4 4 4 4 4 4 4 1",
    "exchange GET /v1/disputes": "1 a a a a a a 3 1",
    "exchange GET /v1/disputes/{dispute_id}": "1 4 4 4 4 4 4 4 1",
    "exchange GET /v1/disputes/{dispute_id}/case": "1 4 4 4 4 4 4 4 1",
    "exchange GET /v1/fees": "1 a a a a a a a 1",
    "exchange GET /v1/grants/{grant_id}": "1 3 3 3 3 3 3 a 1",
    "exchange GET /v1/me": "1 a a a a a a 3 1",
    "exchange GET /v1/me/keys": "1 a a a a a a 3 1",
    "exchange GET /v1/me/mfa": "1 a a a a a a 3 1",
    "exchange GET /v1/offers": "a a a a a a a a 1",
    "exchange GET /v1/offers/{offer_id}": "a a a a a a a a 1",
    "exchange GET /v1/orders": "1 a a a a a a 3 1",
    "exchange GET /v1/orders/{order_id}": "1 a 4 a 4 4 a 4 1",
    "exchange GET /v1/orders/{order_id}/contract": "1 a 4 a 4 4 a 4 1",
    "exchange GET /v1/orders/{order_id}/grant": "1 a 4 3 3 3 3 3 1",
    "exchange GET /v1/orders/{order_id}/grant/record": "1 a 4 a 4 a a 4 1",
    "exchange GET /v1/orders/{order_id}/ledger-entries": "1 a 4 a 4 4 a 4 1",
    "exchange GET /v1/orders/{order_id}/voucher": "1 a 4 a 4 4 a 4 1",
    "exchange GET /v1/organizations": "1 3 3 3 3 a a 3 1",
    "exchange GET /v1/organizations/{org_id}": "1 a 4 4 4 a a 4 1",
    "exchange GET /v1/organizations/{org_id}/keys": "a a a a a a a a a",
    "exchange GET /v1/payouts": "1 3 3 a a a a 3 1",
    "exchange GET /v1/payouts/bank-account": "1 3 3 4 4 3 3 3 1",
    "exchange GET /v1/payouts/{payout_id}": "1 4 4 4 4 4 4 4 1",
    "exchange GET /v1/price-caps": "a a a a a a a a a",
    "exchange GET /v1/public-interest-approvals": "1 a a a a a a 3 1",
    "exchange GET /v1/reconciliation/{day}": "1 3 3 3 3 a a 3 1",
    "exchange GET /v1/security-events": "1 3 3 3 3 3 a 3 1",
    "exchange GET /v1/sign-in/locks": "1 3 3 3 3 a 3 3 1",
    "exchange GET /v1/signing-keys": "a a a a a a a a a",
    "exchange GET /v1/token-revocations": "1 3 3 3 3 3 3 a 1",
    "exchange GET /v1/users": "1 a a a a a a 3 1",
    "exchange GET /v1/webhooks": "1 a a a a 3 3 3 1",
    "exchange GET /v1/webhooks/event-types": "a a a a a a a a a",
    "exchange GET /v1/webhooks/{webhook_id}/deliveries": "1 4 4 4 4 3 3 3 1",
    "exchange PATCH /v1/users/{user_id}": "1 a a a a a a a 1",
    "exchange POST /v1/accounts/{org_id}/deposits": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/api-keys": "1 a a a a a a a 1",
    "exchange POST /v1/assets": "1 3 3 a a 3 3 3 1",
    "exchange POST /v1/assets/{asset_id}/reinstate": "1 a a a a a a a 1",
    "exchange POST /v1/assets/{asset_id}/review": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/assets/{asset_id}/revoke": "1 a a a a a a a 1",
    "exchange POST /v1/assets/{asset_id}/suspend": "1 a a a a a a a 1",
    "exchange POST /v1/assets/{asset_id}/updates": "1 3 3 a a 3 3 3 1",
    "exchange POST /v1/assets/{asset_id}/updates/{update_id}/review": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/assets/{asset_id}/valuations": "1 a a a a a a a 1",
    "exchange POST /v1/auth/introspect": "a a a a a a a a a",
    "exchange POST /v1/auth/token": "a a a a a a a a a",
    "exchange POST /v1/authorisations": "1 3 3 3 3 3 a 3 1",
    "exchange POST /v1/authorisations/{authorisation_id}/revoke": "1 3 3 3 3 3 a 3 1",
    "exchange POST /v1/certificates/verify": "a a a a a a a a a",
    "exchange POST /v1/demands": "1 a a 3 3 3 3 3 1",
    "exchange POST /v1/demands/{demand_id}/close": "1 4 4 4 4 4 4 4 1",
    "exchange POST /v1/disputes": "1 a a a a a a a 1",
    "exchange POST /v1/disputes/{dispute_id}/answer": "1 a a a a a a a 1",
    "exchange POST /v1/disputes/{dispute_id}/rule": "1 3 3 3 3 3 a 3 1",
    "exchange POST /v1/fees": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/grants/{grant_id}/revoke": "1 a a a a a a a 1",
    "exchange POST /v1/grants/{grant_id}/usage": "1 3 3 3 3 3 3 a 1",
    "exchange POST /v1/grants/{grant_id}/usage/{report_id}/void": "1 3 3 3 3 3 3 a 1",
    "exchange POST /v1/me/keys": "1 a a a a a a a 1",
    "exchange POST /v1/me/keys/rotate": "1 a a a a a a a 1",
    "exchange POST /v1/me/mfa/recovery-codes": "1 a a a a a a a 1",
    "exchange POST /v1/me/mfa/totp": "1 a a a a a a 3 1",
    "exchange POST /v1/me/mfa/totp/confirm": "1 a a a a a a a 1",
    "exchange POST /v1/me/password": "1 a a a a a a a 1",
    "exchange POST /v1/offers": "1 3 3 a a 3 3 3 1",
    "exchange POST /v1/offers/{offer_id}/withdraw": "1 4 4 4 4 4 4 4 1",
    "exchange POST /v1/orders": "1 a a 3 3 3 3 3 1",
    "exchange POST /v1/orders/{order_id}/accept": "1 3 3 4 4 3 3 3 1",
    "exchange POST /v1/orders/{order_id}/cancel": "1 4 4 3 3 3 3 3 1",
    "exchange POST /v1/orders/{order_id}/compliance": "1 3 3 3 3 3 a 3 1",
    "exchange POST /v1/orders/{order_id}/confirm": "1 4 4 3 3 3 3 3 1",
    "exchange POST /v1/orders/{order_id}/grant/revoke": "1 a a a a a a a 1",
    "exchange POST /v1/orders/{order_id}/pay": "1 a a 3 3 3 3 3 1",
    "exchange POST /v1/orders/{order_id}/reject": "1 3 3 4 4 3 3 3 1",
    "exchange POST /v1/organizations": "a a a a a a a a 1",
    "exchange POST /v1/organizations/{org_id}/approve": "1 3 3 3 3 4 3 3 1",
    "exchange POST /v1/organizations/{org_id}/reinstate": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/organizations/{org_id}/reject": "1 3 3 3 3 4 3 3 1",
    "exchange POST /v1/organizations/{org_id}/suspend": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/payouts": "1 3 3 a a 3 3 3 1",
    "exchange POST /v1/payouts/{payout_id}/paid": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/payouts/{payout_id}/reject": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/public-interest-approvals": "1 3 3 3 3 3 a 3 1",
    "exchange POST /v1/public-interest-approvals/{approval_id}/revoke": "1 3 3 3 3 3 4 3 1",
    "exchange POST /v1/sign-in/unlock": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/trading/sweep": "1 3 3 3 3 a 3 3 1",
    "exchange POST /v1/users": "1 a a a a a a a 1",
    "exchange POST /v1/users/{user_id}/disable": "1 4 4 4 4 4 4 3 1",
    "exchange POST /v1/users/{user_id}/enable": "1 4 4 4 4 4 4 3 1",
    "exchange POST /v1/webhooks": "1 a a a a a a a 1",
    "exchange POST /v1/webhooks/{webhook_id}/test": "1 4 4 4 4 3 3 3 1",
    "exchange PUT /v1/payouts/bank-account": "1 3 3 a a 3 3 3 1",
    "exchange PUT /v1/price-caps/{theme}/{plan}": "1 3 3 3 3 3 a 3 1",
    "exchange POST /v1/auth/revoke": "a a a a a a a a a",
    "exchange POST /v1/auth/sign-out": "1 a a a a a a a 1",
}


@pytest.fixture
def world(stack: Stack) -> World:
    return World.build(stack)


def expected(route: Route) -> dict[str, str]:
    """The declared outcome of ``route`` for every caller."""
    row = [OUTCOMES[CODES.index(c)] for c in MATRIX[key(route)].split()]
    assert len(row) == len(CALLERS), route
    return dict(zip(CALLERS, row, strict=True))


def key(route: Route) -> str:
    """The table's name of a route."""
    return " ".join(route)


def test_every_route_has_a_row(world: World) -> None:
    """A route the OpenAPI documents declare but the table does not is a failure, and so
    is a row for a route that no longer exists."""
    declared = {key(route): route for route in routes(world.stack)}
    assert sorted(declared.keys() - MATRIX.keys()) == [], "declare these routes in MATRIX"
    assert sorted(MATRIX.keys() - declared.keys()) == [], "these rows name no route"
    for route in declared.values():
        assert set(MATRIX[key(route)].split()) <= set(CODES), route
        expected(route)


@pytest.mark.parametrize("caller", CALLERS)
def test_caller_gets_the_declared_outcome_on_every_route(world: World, caller: str) -> None:
    """Each route called as ``caller``: the outcome class is the one the table declares,
    and no route answers a server error for an unexpected caller."""
    got: dict[Route, str] = {}
    for route in routes(world.stack):
        response = world.call(route, caller)
        assert response.status_code < 500 or response.status_code == 503, (route, response.text)
        got[route] = outcome(response.status_code)
    wrong = {key(r): f"declared {expected(r)[caller]}, got {o}"
             for r, o in got.items() if expected(r)[caller] != o}
    assert wrong == {}, json.dumps(wrong, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("caller", ["buyer_b", "provider_b", "service"])
def test_list_routes_show_no_row_of_another_organisation(world: World, caller: str) -> None:
    """Every list route (a GET without path parameters) read by organisation B or a
    service client: nothing of organisation A's private trade or draft appears in it."""
    private = world.private_ids()
    lists = [r for r in routes(world.stack) if r[1] == "GET" and "{" not in r[2]]
    for route in [*lists, *LIST_FILTERS]:
        response = world.call(route, caller)
        leaked = {name for name, value in private.items() if value in response.text}
        assert leaked == set(), (key(route), leaked)


def test_the_owners_lists_do_show_those_rows(world: World) -> None:
    """The control for the test above: A's own lists carry the ids it looks for."""
    private = world.private_ids()
    orders = world.call(("exchange", "GET", "/v1/orders"), "buyer_a").text
    drafts = world.call(LIST_FILTERS[0], "provider_a").text
    assert private["order"] in orders
    assert private["draft"] in drafts
