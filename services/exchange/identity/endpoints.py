"""Identity routes: the token endpoint, JWKS, organisations, the caller, API keys."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response, status
from sqlalchemy.orm import Session

from services.exchange.config import ExchangeSettings
from services.exchange.deps import IssuerDep, PasswordsDep, SettingsDep, SignInGuardDep
from services.exchange.identity import repository, service
from services.exchange.identity.introspection import introspection
from services.exchange.identity.issuer import TokenIssuer
from services.exchange.identity.oauth import (
    ClientCredentials,
    OAuthError,
    as_oauth_error,
    client_credentials,
    server_metadata,
)
from services.exchange.identity.passwords import Passwords
from services.exchange.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    Decision,
    Me,
    OrganizationCreate,
    OrganizationOut,
    UserOut,
)
from services.exchange.identity.service import Member, SignedIn
from services.exchange.mfa import service as mfa
from services.exchange.sessions import service as sessions
from services.exchange.sign_in.service import SignInAttempt, SignInGuard, sign_in_source
from services.exchange.unit_of_work import UnitOfWork, UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Operator, OptionalPrincipal
from services.shared.problems import Forbidden, NotFound, Problem, Unauthorized
from services.shared.rate_limits import limit, source_address
from services.shared.schemas.tokens import TokenResponse
from services.shared.settings import AUDIENCES

STATUS_PATTERN = "^(pending|active|rejected|suspended)$"

router = APIRouter()
well_known = APIRouter()


def _signed_in(guard: SignInGuard, attempt: SignInAttempt, session: Session,
               found: SignedIn) -> None:
    if isinstance(found, Member):
        guard.succeeded(session, attempt, subject=found.subject, kind=found.kind,
                        org_id=found.organization.id)


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    tags=["identity"],
    summary="OAuth 2 token endpoint (password, refresh-token and client-credentials "
            "grants; client credentials by HTTP Basic or in the form)",
    responses={400: {"description": "RFC 6749 error: invalid_request, invalid_grant, "
                                    "unsupported_grant_type, invalid_target"},
               401: {"description": "RFC 6749 error: invalid_client"}},
)
def token(
    request: Request,
    response: Response,
    session: SessionDep,
    uow: UnitOfWorkDep,
    guard: SignInGuardDep,
    passwords: PasswordsDep,
    issuer: IssuerDep,
    settings: SettingsDep,
    grant_type: Annotated[str | None, Form()] = None,
    username: Annotated[str | None, Form()] = None,
    password: Annotated[str | None, Form()] = None,
    totp_code: Annotated[str | None, Form(
        max_length=32, description="operators and regulators: the authenticator app's code "
                                   "or a recovery code")] = None,
    refresh_token: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
    audience: Annotated[str | None, Form(description="for service tokens: the target")] = None,
) -> TokenResponse:
    """Exchange credentials for a signed access token (and, for a user, a refresh token
    that rotates at every use); failed sign-ins are throttled per account and per source
    address (429 with Retry-After) and recorded."""
    response.headers["Cache-Control"] = "no-store"
    limit(request, "token", f"{source_address(request)}|{username or client_id or ''}")
    client = client_credentials(request.headers.get("Authorization"), client_id, client_secret)
    try:
        return _grant(request, session, uow, guard, passwords, issuer, settings,
                      grant_type=grant_type, username=username, password=password,
                      totp_code=totp_code, refresh_token=refresh_token, client=client,
                      audience=audience)
    except Problem as problem:
        raise as_oauth_error(problem, basic=client is not None and client.basic) from None


def _grant(request: Request, session: Session, uow: UnitOfWork, guard: SignInGuard,
           passwords: Passwords, issuer: TokenIssuer, settings: ExchangeSettings, *,
           grant_type: str | None, username: str | None, password: str | None,
           totp_code: str | None, refresh_token: str | None,
           client: ClientCredentials | None, audience: str | None) -> TokenResponse:
    if grant_type == "refresh_token":
        if not refresh_token:
            raise OAuthError("invalid_request", "refresh_token is required")
        try:
            renewed = sessions.refresh(uow, issuer, settings, refresh_token)
        except sessions.InvalidGrant:
            request.app.state.revocations.forget()  # a reused token revoked its family
            raise
        return TokenResponse(access_token=renewed.access.access_token,
                             expires_in=renewed.access.expires_in,
                             refresh_token=renewed.refresh_token)
    source = sign_in_source(request, guard.trusted_proxies)
    if grant_type == "password":
        if not username or not password:
            raise OAuthError("invalid_request", "username and password are required")
        attempt = SignInAttempt(username, source)
        found: SignedIn = guard.sign_in(
            attempt,
            lambda s: service.authenticate_password(s, passwords, username=username,
                                                    password=password),
            owner=lambda s: service.owner_of_username(s, username),
            on_success=partial(_signed_in, guard, attempt))
        assert isinstance(found, Member)
        mfa.check_sign_in(uow, issuer, settings, found, totp_code)
    elif grant_type == "client_credentials":
        if client is None:
            raise OAuthError("invalid_request", "client credentials are required: HTTP "
                             "Basic, or client_id and client_secret in the form")
        credentials = client
        with guard.db.reading() as reading:
            is_service = repository.service_client(reading, credentials.client_id) is not None
        attempt = SignInAttempt(credentials.client_id, source, counted=not is_service)
        found = guard.sign_in(
            attempt,
            lambda s: service.authenticate_client(s, client_id=credentials.client_id,
                                                  client_secret=credentials.client_secret),
            owner=lambda s: service.owner_of_api_key(s, credentials.client_id),
            on_success=partial(_signed_in, guard, attempt))
        if not isinstance(found, Member):  # a dataex service
            if audience is None or audience not in AUDIENCES.values():
                raise OAuthError("invalid_target",
                                 f"audience must be one of {sorted(AUDIENCES.values())}")
            issued = issuer.service_token(client_id=found.client_id, audience=audience)
            return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)
    elif not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    else:
        raise OAuthError("unsupported_grant_type", "grant_type must be 'password', "
                         "'refresh_token' or 'client_credentials'")
    assert isinstance(found, Member)
    signed_in = sessions.sign_in(session, issuer, settings, found)
    return TokenResponse(access_token=signed_in.access.access_token,
                         expires_in=signed_in.access.expires_in,
                         refresh_token=signed_in.refresh_token)


@router.post(
    "/auth/introspect",
    tags=["identity"],
    summary="RFC 7662 token introspection, for dataex services (client credentials by "
            "HTTP Basic or in the form)",
    responses={401: {"description": "RFC 6749 error: invalid_client"}},
)
def introspect(
    request: Request,
    response: Response,
    session: SessionDep,
    issuer: IssuerDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=8192)],
    token_type_hint: Annotated[str | None, Form()] = None,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    """Whether ``token`` is active, and its claims if so; ``{"active": false}`` for any
    token that is not (expired, forged, revoked, unknown)."""
    response.headers["Cache-Control"] = "no-store"
    client = client_credentials(request.headers.get("Authorization"), client_id, client_secret)
    basic = client is not None and client.basic
    caller = None
    if client is not None:
        try:
            caller = service.authenticate_service(
                session, client_id=client.client_id, client_secret=client.client_secret)
        except Problem as problem:
            raise as_oauth_error(problem, basic=basic) from None
    if caller is None:
        raise OAuthError("invalid_client", "introspection is for dataex services: "
                         "authenticate with a service client's credentials", basic=basic)
    revocations = getattr(request.app.state, "revocations", None)
    if revocations is not None and revocations.stale():
        revocations.refresh()
    return introspection(token, issuer=issuer, issuer_url=settings.issuer,
                         revocations=revocations)


@well_known.get(
    "/.well-known/oauth-authorization-server", tags=["identity"],
    summary="RFC 8414 authorization-server metadata: token, JWKS, revocation and "
            "introspection endpoints",
)
def oauth_metadata(response: Response, settings: SettingsDep) -> dict[str, Any]:
    """Where the exchange's OAuth endpoints and keys are, for clients to discover."""
    response.headers["Cache-Control"] = "public, max-age=3600"
    return server_metadata(settings.issuer)


@well_known.get(
    "/.well-known/openid-configuration", tags=["identity"],
    summary="The same metadata at the OpenID discovery address",
)
def openid_configuration(response: Response, settings: SettingsDep) -> dict[str, Any]:
    """The RFC 8414 metadata, for clients that look where OpenID Connect puts it."""
    return oauth_metadata(response, settings)


@well_known.get(
    "/.well-known/jwks.json", tags=["identity"], summary="Public keys that verify tokens"
)
def jwks(response: Response, issuer: IssuerDep) -> dict[str, Any]:
    """The JWK Set: the active key and retired keys whose tokens may still be valid."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return issuer.jwks()


@router.post(
    "/organizations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganizationOut,
    tags=["identity"],
    summary="Register an organisation (pending until an operator approves it)",
)
def register_organization(
    body: OrganizationCreate, uow: UnitOfWorkDep, passwords: PasswordsDep,
    actor: OptionalPrincipal,
) -> Any:
    """Apply for membership; an operator's registration is active at once."""
    return service.register_organization(
        uow.session,
        passwords,
        uow.outbox,
        name=body.name,
        credit_code=body.credit_code,
        roles=body.roles,
        admin_username=body.admin.username,
        admin_password=body.admin.password,
        actor=actor,
    )


@router.get(
    "/organizations",
    response_model=list[OrganizationOut],
    tags=["identity"],
    summary="List organisations (operators and regulators)",
)
def list_organizations(
    session: SessionDep,
    actor: CurrentPrincipal,
    status_: Annotated[str | None, Query(alias="status", pattern=STATUS_PATTERN)] = None,
    after: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    """Organisations in id order; ``after`` is the last id of the previous page."""
    if not actor.has_role("operator", "regulator"):
        raise Forbidden("listing members needs the operator or regulator role",
                        slug="role-required")
    return repository.organizations(session, status=status_, after=after, limit=limit)


@router.get(
    "/organizations/{org_id}",
    response_model=OrganizationOut,
    tags=["identity"],
    summary="One organisation (its own members, operators, regulators)",
)
def get_organization(org_id: str, session: SessionDep, actor: CurrentPrincipal) -> Any:
    """The organisation, if the caller may see it."""
    return service.visible_organization(session, org_id, actor)


@router.post(
    "/organizations/{org_id}/approve",
    response_model=OrganizationOut,
    tags=["identity"],
    summary="Approve a pending organisation (operators)",
)
def approve_organization(
    org_id: str, uow: UnitOfWorkDep, actor: Operator,
    body: Decision | None = None,
) -> Any:
    """pending → active."""
    return service.decide_membership(
        uow, org_id=org_id, approve=True, reason=body.reason if body else "",
        actor=actor,
    )


@router.post(
    "/organizations/{org_id}/reject",
    response_model=OrganizationOut,
    tags=["identity"],
    summary="Reject a pending organisation, with a reason (operators)",
)
def reject_organization(
    org_id: str, body: Decision, uow: UnitOfWorkDep, actor: Operator
) -> Any:
    """pending → rejected."""
    return service.decide_membership(
        uow, org_id=org_id, approve=False, reason=body.reason, actor=actor
    )


@router.get("/me", response_model=Me, tags=["identity"], summary="Who the token belongs to")
def me(session: SessionDep, actor: CurrentPrincipal) -> Me:
    """The calling user or API key, its organisation and roles."""
    if actor.org is None:
        raise Forbidden("service tokens have no member identity", slug="members-only")
    org = repository.organization(session, actor.org)
    if org is None:
        raise Unauthorized("the token's organisation no longer exists")
    user = repository.user(session, actor.subject) if actor.kind == "user" else None
    if actor.kind == "user" and user is None:
        raise Unauthorized("the token's user no longer exists")
    return Me(
        user=UserOut.model_validate(user) if user else None,
        client_id=actor.subject if actor.kind == "api_key" else None,
        organization=OrganizationOut.model_validate(org),
        roles=sorted(actor.roles),
    )


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    tags=["identity"],
    summary="Create an API key for machine clients (the secret is shown once)",
)
def create_api_key(
    body: ApiKeyCreate, uow: UnitOfWorkDep, actor: CurrentPrincipal
) -> Any:
    """A client id and secret for the client-credentials grant."""
    key, secret = service.create_api_key(uow, name=body.name, actor=actor)
    return ApiKeyCreated(
        id=key.id, name=key.name, created_at=key.created_at, revoked_at=None,
        last_used_at=None, client_secret=secret,
    )


@router.get(
    "/api-keys", response_model=list[ApiKeyOut], tags=["identity"],
    summary="The caller's organisation's API keys",
)
def list_api_keys(session: SessionDep, actor: CurrentPrincipal) -> Any:
    """API keys without their secrets."""
    if actor.org is None:
        raise NotFound("no API keys")
    return repository.api_keys_of(session, actor.org)


@router.delete(
    "/api-keys/{client_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["identity"],
    summary="Revoke an API key",
)
def revoke_api_key(
    client_id: str, request: Request, uow: UnitOfWorkDep, actor: CurrentPrincipal
) -> Response:
    """The key stops getting tokens at once; the tokens it got are refused within the
    services' revocation bound."""
    service.revoke_api_key(uow, client_id=client_id, actor=actor)
    request.app.state.revocations.forget()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


