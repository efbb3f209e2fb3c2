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

    def password_token(self, username: str, password: str) -> TokenResponse:
        """A member's token for a username and password (OAuth password grant)."""
        return self._token({"grant_type": "password", "username": username,
                            "password": password})

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

    def _token(self, form: dict[str, str]) -> TokenResponse:
        answer = self._token_endpoint.request("POST", "/v1/auth/token", data=form)
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

    def offers(self, *, asset_id: str | None = None, limit: int = 50) -> dict[str, Any]:
        """A page of active offers, newest first (``items``, ``next_cursor``)."""
        params: dict[str, Any] = {"limit": limit}
        if asset_id:
            params["asset_id"] = asset_id
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
