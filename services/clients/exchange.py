"""The exchange service's API as a typed client: tokens, the caller, and the grant API
the catalog uses (status checks, usage reports and their voids)."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import httpx
from pydantic import BaseModel

from services.clients.connection import ApiConnection, ServiceApi, parsed
from services.clients.credentials import CachedTokens, anonymous
from services.clients.problem import ApiProblem, ServiceUnreachable
from services.shared.revocations import RevocationList
from services.shared.schemas.grants import GrantStatusOut, UsageIn, UsageVoidIn
from services.shared.schemas.tokens import TokenResponse
from services.shared.settings import AUDIENCES

REPORT_ATTEMPTS = 3
REPORT_BACKOFF_SECONDS = 0.1


class ExchangeClient(ServiceApi):
    """Calls the exchange with the connection's credentials; token requests go out
    without any."""

    SERVICE = "the exchange"
    AUDIENCE = AUDIENCES["exchange"]

    def __init__(self, connection: ApiConnection) -> None:
        super().__init__(connection)
        self._token_endpoint = connection.as_caller(anonymous)

    @classmethod
    def as_service(cls, base_url: str, *, client_id: str, client_secret: str,
                   timeout: float = 10.0,
                   transport: httpx.BaseTransport | None = None) -> ExchangeClient:
        """A client calling the exchange as the service ``client_id``, with tokens it
        fetches from the exchange itself."""
        client = cls.connect(base_url, timeout=timeout, transport=transport)
        client.connection.credentials = client.service_tokens(client_id=client_id,
                                                              client_secret=client_secret)
        return client

    def password_token(self, username: str, password: str,
                       totp_code: str | None = None, *,
                       client_address: str | None = None) -> TokenResponse:
        """A member's token for a username and password (OAuth password grant), with the
        authenticator code when the account has a second factor. ``client_address``: the
        person's own address, when a trusted front end (the portal) signs them in, so that
        failed sign-ins are counted per person."""
        form = {"grant_type": "password", "username": username, "password": password}
        if totp_code:
            form["totp_code"] = totp_code
        return self._token(form, client_address=client_address)

    def service_token(self, audience: str, *, client_id: str,
                      client_secret: str) -> TokenResponse:
        """A service's (or an API key's) token for ``audience`` (OAuth client
        credentials)."""
        return self._token({"grant_type": "client_credentials", "client_id": client_id,
                            "client_secret": client_secret, "audience": audience})

    def service_tokens(self, *, client_id: str, client_secret: str) -> CachedTokens:
        """Credentials that fetch ``client_id``'s tokens here and reuse them until
        shortly before they expire."""
        return CachedTokens(partial(self.service_token, client_id=client_id,
                                    client_secret=client_secret))

    def _token(self, form: dict[str, str], *,
               client_address: str | None = None) -> TokenResponse:
        headers = {"X-Forwarded-For": client_address} if client_address else None
        answer = self._token_endpoint.request("POST", "/v1/auth/token", data=form,
                                              headers=headers)
        return parsed(TokenResponse, answer)

    def me(self) -> dict[str, Any]:
        """Who the credentials belong to: user, organisation, roles."""
        answer: dict[str, Any] = self.connection.get_json("/v1/me")
        return answer

    def account(self) -> dict[str, Any]:
        """The caller's organisation's balances: ``balance_fen``, ``escrow_fen``."""
        return dict(self.connection.get_json("/v1/accounts/me"))

    def register_organization(self, body: dict[str, Any]) -> dict[str, Any]:
        """Apply for membership (``name``, ``credit_code``, ``roles``, ``admin``): the new
        organisation, pending until an operator approves it."""
        return dict(self.connection.post_json("/v1/organizations", body))

    def assets(self, *, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
        """A page of registered assets (``items``, ``next_cursor``)."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return dict(self.connection.get_json("/v1/assets", params=params))

    def offers(self, *, asset_id: str | None = None, dataset_id: str | None = None,
               limit: int = 50) -> dict[str, Any]:
        """A page of active offers, newest first (``items``, ``next_cursor``), optionally
        only those on one asset or on the assets pinning one catalog dataset."""
        params: dict[str, Any] = {"limit": limit}
        if asset_id:
            params["asset_id"] = asset_id
        if dataset_id:
            params["dataset_id"] = dataset_id
        return dict(self.connection.get_json("/v1/offers", params=params))

    def grant_status(self, grant_id: str) -> GrantStatusOut:
        """Whether a grant is active, revoked, expired or used up, and what it used."""
        return parsed(GrantStatusOut, self.connection.request("GET", f"/v1/grants/{grant_id}"))

    def report_usage(self, grant_id: str, usage: UsageIn) -> GrantStatusOut:
        """Count calls and rows served under a grant. The exchange counts a
        ``report_id`` once, so the report is resent (the same body) when no answer came
        or the exchange failed (5xx), with backoff; the grant's new status."""
        path = f"/v1/grants/{grant_id}/usage"
        return parsed(GrantStatusOut, self._post_resending(path, usage))

    def void_usage(self, grant_id: str, report_id: str, void: UsageVoidIn) -> GrantStatusOut:
        """Void a usage report whose data was not served: a counted report is taken off
        the grant, a later one refused. Resent as reports are; the grant's new status."""
        path = f"/v1/grants/{grant_id}/usage/{report_id}/void"
        return parsed(GrantStatusOut, self._post_resending(path, void))

    def _post_resending(self, path: str, body: BaseModel) -> httpx.Response:
        """POST ``body``, sent again after no answer or a 5xx, with backoff; the last
        such problem, or any other, is raised."""
        payload = body.model_dump(mode="json")
        for attempt in range(REPORT_ATTEMPTS):
            if attempt:
                time.sleep(REPORT_BACKOFF_SECONDS * 2 ** (attempt - 1))
            try:
                return self.connection.request("POST", path, json=payload)
            except ApiProblem as problem:
                resend = isinstance(problem, ServiceUnreachable) or problem.status >= 500
                if not resend or attempt + 1 == REPORT_ATTEMPTS:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")


    def my_assets(self, *, limit: int = 200) -> dict[str, Any]:
        """A page of the caller's own assets in every status (``items``, ``next_cursor``)."""
        return dict(self.connection.get_json("/v1/assets",
                                             params={"mine": "true", "limit": limit}))

    def asset(self, asset_id: str) -> dict[str, Any]:
        """One asset as the caller may see it."""
        return dict(self.connection.get_json(f"/v1/assets/{asset_id}"))

    def register_asset(self, body: dict[str, Any]) -> dict[str, Any]:
        """Register an asset (``name``, ``dataset_ids``, ``rights``) over the caller's
        listed datasets, pinning their hashes; pending until an operator reviews it."""
        return dict(self.connection.post_json("/v1/assets", body))

    def certificate(self, asset_id: str) -> dict[str, Any]:
        """An asset's signed registration certificate."""
        return dict(self.connection.get_json(f"/v1/assets/{asset_id}/certificate"))

    def verify_document(self, document: dict[str, Any]) -> dict[str, Any]:
        """The exchange's check of a signed certificate, acceptance or voucher:
        ``valid``, ``reason``, ``type``, ``kid``, ``status``."""
        return dict(self.connection.post_json("/v1/certificates/verify", document))

    def valuations(self, asset_id: str) -> list[dict[str, Any]]:
        """An asset's valuations, newest first."""
        return list(self.connection.get_json(f"/v1/assets/{asset_id}/valuations"))

    def value_asset(self, asset_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Value an asset (``method`` and its ``inputs``): the value and its report."""
        return dict(self.connection.post_json(f"/v1/assets/{asset_id}/valuations", body))

    def provider_offers(self, provider_org_id: str, *, limit: int = 200) -> dict[str, Any]:
        """A page of one provider's offers, withdrawn ones included."""
        return dict(self.connection.get_json("/v1/offers", params={
            "provider": provider_org_id, "include_withdrawn": "true", "limit": limit}))

    def create_offer(self, body: dict[str, Any]) -> dict[str, Any]:
        """Offer one of the caller's registered assets on a price plan."""
        return dict(self.connection.post_json("/v1/offers", body))

    def withdraw_offer(self, offer_id: str) -> dict[str, Any]:
        """Withdraw an offer (orders already placed go on)."""
        return dict(self.connection.post_json(f"/v1/offers/{offer_id}/withdraw", None))

    def orders_as(self, role: str, *, limit: int = 100) -> dict[str, Any]:
        """A page of orders the caller is party to as ``buyer`` or ``provider``."""
        return dict(self.connection.get_json("/v1/orders",
                                             params={"role": role, "limit": limit}))

    def accept_order(self, order_id: str) -> dict[str, Any]:
        """Accept a requested order on one of the caller's offers."""
        return dict(self.connection.post_json(f"/v1/orders/{order_id}/accept", None))

    def reject_order(self, order_id: str, reason: str) -> dict[str, Any]:
        """Reject a requested order, saying why."""
        return dict(self.connection.post_json(f"/v1/orders/{order_id}/reject",
                                              {"reason": reason}))

    def account_entries(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """Journal entries on the caller's accounts, newest first, each with its
        postings on those accounts."""
        return list(self.connection.get_json("/v1/accounts/me/entries",
                                             params={"limit": limit}))
    def offer(self, offer_id: str) -> dict[str, Any]:
        """One offer with its terms, ODRL policy and terms hash (anyone may read it)."""
        return dict(self.connection.get_json(f"/v1/offers/{offer_id}"))

    def place_order(self, body: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
        """Order an offer as a buyer (``offer_id``, ``purpose``, ``purpose_category``,
        ``quantity``); a resend with the same key replays the first answer."""
        return dict(self.connection.post_json(
            "/v1/orders", body, headers={"Idempotency-Key": idempotency_key}))

    def orders(self, *, role: str | None = None, status: str | None = None,
               cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
        """A page of the orders the caller is party to, newest first (``items``,
        ``next_cursor``), optionally only as ``role`` or in one ``status``."""
        params = {key: value for key, value in (("role", role), ("status", status),
                                                ("cursor", cursor), ("limit", limit))
                  if value not in (None, "")}
        return dict(self.connection.get_json("/v1/orders", params=params))

    def order(self, order_id: str) -> dict[str, Any]:
        """One order with its ``history`` of moves and the caller's ``next_actions``."""
        return dict(self.connection.get_json(f"/v1/orders/{order_id}"))

    def order_contract(self, order_id: str) -> dict[str, Any]:
        """An order's contract document, its SHA-256 and the signed acceptances."""
        return dict(self.connection.get_json(f"/v1/orders/{order_id}/contract"))

    def pay_order(self, order_id: str, *, idempotency_key: str) -> dict[str, Any]:
        """Pay an accepted order into escrow; a resend with the same key never charges
        twice."""
        return dict(self.connection.post_json(
            f"/v1/orders/{order_id}/pay", None, headers={"Idempotency-Key": idempotency_key}))

    def cancel_order(self, order_id: str) -> dict[str, Any]:
        """Cancel an order not yet paid (the buyer)."""
        return dict(self.connection.post_json(f"/v1/orders/{order_id}/cancel", None))

    def confirm_order(self, order_id: str) -> dict[str, Any]:
        """Accept delivery (the buyer): the order settles and its voucher is issued."""
        return dict(self.connection.post_json(f"/v1/orders/{order_id}/confirm", None))

    def order_grant(self, order_id: str) -> dict[str, Any]:
        """A short-lived grant token for the catalog (the buyer of a paid order); the
        first fetch marks the order delivered."""
        return dict(self.connection.get_json(f"/v1/orders/{order_id}/grant"))

    def open_dispute(self, order_id: str, reason: str) -> dict[str, Any]:
        """Dispute a paid order with a statement of the complaint."""
        return dict(self.connection.post_json("/v1/disputes",
                                              {"order_id": order_id, "reason": reason}))

    def order_voucher(self, order_id: str) -> dict[str, Any]:
        """The signed trade voucher of a settled order."""
        return dict(self.connection.get_json(f"/v1/orders/{order_id}/voucher"))
    def organizations(self, *, status: str | None = None, after: str | None = None,
                      limit: int = 100) -> list[dict[str, Any]]:
        """Organisations in id order, optionally in one status (operators, regulators);
        ``after`` is the last id of the previous page."""
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        if after:
            params["after"] = after
        return list(self.connection.get_json("/v1/organizations", params=params))

    def organization(self, org_id: str) -> dict[str, Any]:
        """One organisation, if the caller may see it."""
        return dict(self.connection.get_json(f"/v1/organizations/{org_id}"))

    def decide_membership(self, org_id: str, *, approve: bool,
                          reason: str = "") -> dict[str, Any]:
        """Approve or reject (with a reason) a pending organisation (operators)."""
        verb = "approve" if approve else "reject"
        return dict(self.connection.post_json(f"/v1/organizations/{org_id}/{verb}",
                                              {"reason": reason}))

    def assets_in_status(self, status: str, *, limit: int = 50,
                         cursor: str | None = None) -> dict[str, Any]:
        """A page of assets in ``status`` (``items``, ``next_cursor``); statuses other
        than registered and revoked are for operators and regulators."""
        params: dict[str, Any] = {"status": status, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        return dict(self.connection.get_json("/v1/assets", params=params))

    def review_asset(self, asset_id: str, *, approve: bool, reason: str = "") -> dict[str, Any]:
        """Register (and certify) or reject a pending asset (operators)."""
        return dict(self.connection.post_json(f"/v1/assets/{asset_id}/review",
                                              {"approve": approve, "reason": reason}))

    def record_deposit(self, org_id: str, *, amount_fen: int, reference: str | None,
                       idempotency_key: str) -> dict[str, Any]:
        """Credit a bank deposit to an organisation (operators); a retry with the same
        ``idempotency_key`` is recorded once. The entry and the balances after it."""
        return dict(self.connection.post_json(
            f"/v1/accounts/{org_id}/deposits",
            {"amount_fen": amount_fen, "reference": reference},
            headers={"Idempotency-Key": idempotency_key}))

    def sweep(self) -> dict[str, Any]:
        """Run order expiry and auto-settlement now (operators): what it did."""
        return dict(self.connection.post_json("/v1/trading/sweep", None))
    def disputes(self, *, status: str | None = None, cursor: str | None = None,
                 limit: int = 50) -> list[dict[str, Any]]:
        """Disputes the caller's organisation is party to (every one for a regulator),
        newest first; ``status`` is ``open`` or ``ruled``."""
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        if cursor:
            params["cursor"] = cursor
        return list(self.connection.get_json("/v1/disputes", params=params))

    def dispute(self, dispute_id: str) -> dict[str, Any]:
        """One dispute (its order's parties and regulators see it)."""
        return dict(self.connection.get_json(f"/v1/disputes/{dispute_id}"))

    def rule_dispute(self, dispute_id: str, ruling: dict[str, Any]) -> dict[str, Any]:
        """A regulator's ruling (``outcome``, ``refund_fen`` for a partial refund,
        ``reason``): the ruled dispute."""
        return dict(self.connection.post_json(f"/v1/disputes/{dispute_id}/rule", ruling))

    def trial_balance(self) -> dict[str, Any]:
        """The journal's trial balance (operators and regulators): every account's
        balance, the total and whether it balances."""
        return dict(self.connection.get_json("/v1/accounts/trial-balance"))

    def token_revocations(self) -> dict[str, int]:
        """``{user id: lowest valid token version}``: users disabled or given another
        role within a token lifetime (dataex services only)."""
        body = self.connection.get_json("/v1/token-revocations")
        return {item["user_id"]: int(item["min_version"]) for item in body["items"]}

    def org_users(self) -> list[dict[str, Any]]:
        """The users of the caller's organisation (its admins)."""
        return list(self.connection.get_json("/v1/users"))

    def invite_user(self, username: str, role: str) -> dict[str, Any]:
        """Invite a user with a role; the answer holds their first password, once."""
        return dict(self.connection.post_json("/v1/users",
                                              {"username": username, "role": role}))

    def change_user_role(self, user_id: str, role: str) -> dict[str, Any]:
        """Give a user of the organisation another role."""
        return dict(self.connection.request("PATCH", f"/v1/users/{user_id}",
                                            json={"role": role}).json())

    def set_user_disabled(self, user_id: str, *, disabled: bool) -> dict[str, Any]:
        """Disable a user of the organisation, or enable them again."""
        action = "disable" if disabled else "enable"
        return dict(self.connection.post_json(f"/v1/users/{user_id}/{action}", {}))

    def change_password(self, old_password: str, new_password: str) -> None:
        """Change the caller's own password."""
        self.connection.post_json("/v1/me/password", {"old_password": old_password,
                                                      "new_password": new_password})
    # --- webhooks ---

    def webhook_event_types(self) -> list[str]:
        """The event types a webhook can subscribe to."""
        return list(self.connection.get_json("/v1/webhooks/event-types"))

    def webhooks(self) -> list[dict[str, Any]]:
        """The caller's organisation's webhooks (without secrets)."""
        return list(self.connection.get_json("/v1/webhooks"))

    def create_webhook(self, *, url: str, events: list[str],
                       description: str = "") -> dict[str, Any]:
        """A new webhook; the answer holds its signing ``secret``, shown only this once."""
        return dict(self.connection.post_json(
            "/v1/webhooks", {"url": url, "events": events, "description": description}))

    def remove_webhook(self, webhook_id: str) -> None:
        """Remove a webhook (its unsent deliveries are cancelled)."""
        self.connection.request("DELETE", f"/v1/webhooks/{webhook_id}")

    def webhook_deliveries(self, webhook_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """A webhook's recent deliveries, newest first."""
        return list(self.connection.get_json(f"/v1/webhooks/{webhook_id}/deliveries",
                                             params={"limit": limit}))

    def send_webhook_test(self, webhook_id: str) -> dict[str, Any]:
        """Queue a ``webhook.test`` event for a webhook: its ``event_id``."""
        return dict(self.connection.post_json(f"/v1/webhooks/{webhook_id}/test", None))
    def dispute_order(self, order_id: str, reason: str,
                      evidence: list[dict[str, Any]]) -> dict[str, Any]:
        """Open a dispute citing ledger entries of the order (``ledger_seq`` or
        ``event_id``, with a ``note``)."""
        return dict(self.connection.post_json("/v1/disputes", {
            "order_id": order_id, "reason": reason, "evidence": evidence}))

    def answer_dispute(self, dispute_id: str, statement: str,
                       evidence: list[dict[str, Any]]) -> dict[str, Any]:
        """The respondent's statement and evidence: the answered dispute."""
        return dict(self.connection.post_json(f"/v1/disputes/{dispute_id}/answer", {
            "statement": statement, "evidence": evidence}))

    def dispute_case(self, dispute_id: str) -> dict[str, Any]:
        """The dispute's case file, with each evidence item's inclusion proof."""
        return dict(self.connection.get_json(f"/v1/disputes/{dispute_id}/case"))

    def order_ledger_entries(self, order_id: str) -> list[dict[str, Any]]:
        """The order's ledger entries, which its parties may cite as evidence."""
        return list(self.connection.get_json(f"/v1/orders/{order_id}/ledger-entries"))
    def order_grant_record(self, order_id: str) -> dict[str, Any]:
        """An order's grant: status, and if revoked when and why (the order's parties,
        operators, regulators)."""
        return dict(self.connection.get_json(f"/v1/orders/{order_id}/grant/record"))

    def revoke_order_grant(self, order_id: str, reason: str) -> dict[str, Any]:
        """Revoke an order's grant with a reason (operators, regulators): its record."""
        return dict(self.connection.post_json(f"/v1/orders/{order_id}/grant/revoke",
                                              {"reason": reason}))
    def bank_account(self) -> dict[str, Any]:
        """The caller's bank account on file, its number masked (404 when none)."""
        return dict(self.connection.get_json("/v1/payouts/bank-account"))

    def put_bank_account(self, body: dict[str, Any]) -> dict[str, Any]:
        """Put the bank account payouts go to (``account_name``, ``bank_name``,
        ``account_number``)."""
        return dict(self.connection.put_json("/v1/payouts/bank-account", body))

    def request_payout(self, amount_fen: int, *, idempotency_key: str) -> dict[str, Any]:
        """Request a payout of available money; a retry with the same key moves it once."""
        return dict(self.connection.post_json("/v1/payouts", {"amount_fen": amount_fen},
                                              headers={"Idempotency-Key": idempotency_key}))

    def payouts(self, *, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Payouts, newest first: the caller's own, or every one for operators."""
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        return list(self.connection.get_json("/v1/payouts", params=params))

    def decide_payout(self, payout_id: str, *, paid: bool, text: str,
                      idempotency_key: str) -> dict[str, Any]:
        """Mark a payout paid (``text`` is the bank reference) or rejected (``text`` is
        the reason), once per key (operators)."""
        action, body = ("paid", {"bank_reference": text}) if paid else ("reject",
                                                                        {"reason": text})
        return dict(self.connection.post_json(f"/v1/payouts/{payout_id}/{action}", body,
                                              headers={"Idempotency-Key": idempotency_key}))

    def fees(self) -> dict[str, Any]:
        """The fee in effect and its schedule."""
        return dict(self.connection.get_json("/v1/fees"))

    def set_fee(self, fee_bps: int, effective_date: str) -> dict[str, Any]:
        """Schedule the exchange fee from a date (operators)."""
        return dict(self.connection.post_json("/v1/fees", {"fee_bps": fee_bps,
                                                           "effective_date": effective_date}))

    def reconciliation(self, day: str) -> dict[str, Any]:
        """A business day's deposits and payouts against the journal (operators,
        regulators)."""
        return dict(self.connection.get_json(f"/v1/reconciliation/{day}"))
    def authorisations(self, *, status: str | None = None) -> list[dict[str, Any]]:
        """Authorisations of public-data operators (公共数据授权运营): every one for a
        regulator or operator, a member's own otherwise; newest first."""
        params: dict[str, Any] = {"status": status} if status else {}
        return list(self.connection.get_json("/v1/authorisations", params=params))

    def authorise(self, body: dict[str, Any]) -> dict[str, Any]:
        """A regulator authorises an operator organisation over a not-open asset
        (``asset_id``, ``operator_org_id``, ``scenario``, ``term_days``)."""
        return dict(self.connection.post_json("/v1/authorisations", body))

    def revoke_authorisation(self, authorisation_id: str, reason: str) -> dict[str, Any]:
        """A regulator revokes an authorisation, saying why."""
        return dict(self.connection.post_json(
            f"/v1/authorisations/{authorisation_id}/revoke", {"reason": reason}))

    def my_keys(self) -> dict[str, Any]:
        """The caller's organisation's signing keys, active and retired, newest first."""
        return dict(self.connection.get_json("/v1/me/keys"))

    def register_key(self, jwk: dict[str, Any], *, rotate: bool = False) -> dict[str, Any]:
        """Register the organisation's public signing key, or with ``rotate`` replace the
        active one (the old key is retired, what it signed still verifies)."""
        path = "/v1/me/keys/rotate" if rotate else "/v1/me/keys"
        return dict(self.connection.post_json(path, {"jwk": jwk}))

    def signed_order_action(self, order_id: str, action: str, signature: str | None, *,
                            idempotency_key: str | None = None) -> dict[str, Any]:
        """``accept``, ``pay`` or ``confirm`` an order with the party's detached JWS over
        the action's statement (``None`` sends none: the exchange's ``signature-required``
        refusal then carries the statement to sign)."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        body = {"signature": signature} if signature else None
        return dict(self.connection.post_json(f"/v1/orders/{order_id}/{action}", body,
                                              headers=headers))
    def revocation_list(self) -> RevocationList:
        """The whole token revocation list (dataex services): users' minimum token
        versions, revoked ``jti`` values, suspended organisations."""
        body = self.connection.get_json("/v1/token-revocations")
        return RevocationList(
            users={item["user_id"]: int(item["min_version"]) for item in body["items"]},
            tokens=frozenset(str(jti) for jti in body.get("tokens", [])),
            organizations={item["org_id"]: int(item["revoked_before"])
                           for item in body.get("organizations", [])},
            api_keys={item["client_id"]: int(item["revoked_before"])
                      for item in body.get("api_keys", [])})

    def refresh_token(self, refresh_token: str) -> TokenResponse:
        """A new access token and the next refresh token for a refresh token (it rotates:
        the one given stops working)."""
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def revoke_token(self, token: str, *, hint: str | None = None) -> None:
        """Revoke an access or refresh token (RFC 7009); succeeds for unknown tokens."""
        form = {"token": token} | ({"token_type_hint": hint} if hint else {})
        self._token_endpoint.request("POST", "/v1/auth/revoke", data=form)

    def sign_out(self) -> None:
        """Revoke the caller's token and its whole sign-in."""
        self.connection.request("POST", "/v1/auth/sign-out")

    def mfa_status(self) -> dict[str, Any]:
        """The caller's second factor: ``enrolled``, ``required``, recovery codes left."""
        return dict(self.connection.get_json("/v1/me/mfa"))

    def start_totp(self) -> dict[str, Any]:
        """Start TOTP enrolment: ``secret`` and ``otpauth_uri``."""
        return dict(self.connection.post_json("/v1/me/mfa/totp", {}))

    def confirm_totp(self, code: str) -> list[str]:
        """Confirm enrolment with a first code; the recovery codes (shown once)."""
        body = self.connection.post_json("/v1/me/mfa/totp/confirm", {"code": code})
        return [str(c) for c in body["recovery_codes"]]

    def suspend_organization(self, org_id: str, reason: str) -> dict[str, Any]:
        """The operator suspends an organisation: its tokens, grants and offers stop."""
        return dict(self.connection.post_json(f"/v1/organizations/{org_id}/suspend",
                                              {"reason": reason}))

    def reinstate_organization(self, org_id: str, reason: str) -> dict[str, Any]:
        """The operator reinstates a suspended organisation: its offers come back (its
        revoked grants do not)."""
        return dict(self.connection.post_json(f"/v1/organizations/{org_id}/reinstate",
                                              {"reason": reason}))
    def security_events(self, **filters: Any) -> dict[str, Any]:
        """A page of the security-event log, newest first (regulators): filters
        ``type``, ``outcome``, ``actor``, ``org_id``, ``subject``, ``source``, ``since``,
        ``until``, ``before`` (the previous page's ``next_before``) and ``limit``."""
        params = {k: v for k, v in filters.items() if v not in (None, "")}
        return dict(self.connection.get_json("/v1/security-events", params=params))

    def sign_in_locks(self) -> list[dict[str, Any]]:
        """Accounts and source addresses locked or delayed now (operators)."""
        return list(self.connection.get_json("/v1/sign-in/locks"))

    def unlock_sign_in(self, *, username: str | None = None,
                       source: str | None = None) -> dict[str, Any]:
        """Unlock an account by username, or a source address (operators)."""
        body = {"username": username} if username else {"source": source}
        return dict(self.connection.post_json("/v1/sign-in/unlock", body))
