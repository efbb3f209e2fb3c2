"""Membership and sign-in rules.

Anyone may apply to become a provider or buyer; an operator approves the application.
Regulator and operator organisations can only be created by an operator and are active
at once. Only members of active organisations get tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.exchange.identity import repository
from services.exchange.identity.credit_code import InvalidCreditCode, normalise_credit_code
from services.exchange.identity.password_policy import check_password
from services.exchange.identity.passwords import (
    Passwords,
    hash_secret,
    new_secret,
    secret_matches,
)
from services.exchange.identity.tables import (
    ApiKey,
    Organization,
    OrganizationRole,
    ServiceClient,
    User,
)
from services.exchange.market.statuses import OrganizationStatus
from services.exchange.security_events.service import record_security_event
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.outbox import Outbox
from services.shared.problems import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized

PRIVILEGED_ROLES = frozenset({"operator", "regulator"})


@dataclass(frozen=True)
class Member:
    """Someone who authenticated: a user or an API key, and their organisation."""

    subject: str
    kind: str
    name: str
    organization: Organization
    user_role: str | None = None
    token_version: int | None = None


SignedIn = Member | ServiceClient
"""Who a token request authenticated: a member (user or API key) or a dataex service."""


def register_organization(
    session: Session,
    passwords: Passwords,
    outbox: Outbox,
    *,
    name: str,
    credit_code: str,
    roles: Sequence[str],
    admin_username: str,
    admin_password: str,
    actor: Principal | None,
    password_policy: bool = True,
) -> Organization:
    """Create an organisation and its admin user: pending, or active when an operator
    registers it. ``password_policy=False`` only for the demo seed, whose published
    passwords predate the policy."""
    try:
        code = normalise_credit_code(credit_code)
    except InvalidCreditCode as exc:
        raise InvalidInput(
            f"credit_code: {exc.detail}", slug="invalid-credit-code", reason=exc.reason
        ) from exc
    by_operator = actor is not None and actor.has_role("operator")
    if PRIVILEGED_ROLES.intersection(roles) and not by_operator:
        raise Forbidden(
            "only an operator can register operator or regulator organisations",
            slug="role-not-self-service",
        )
    # Only an approved holder blocks the code: a pending application does not (the
    # operator's review confirms who really holds it), a rejected one released it.
    if repository.active_organization_by_credit_code(session, code) is not None:
        raise Conflict(f"an organisation with credit code {code} is already registered",
                       slug="duplicate-credit-code")
    if password_policy:
        check_password(admin_password, username=admin_username, field="admin.password")
    if repository.user_by_username(session, admin_username) is not None:
        raise Conflict(f"username {admin_username!r} is taken", slug="duplicate-username")
    now = utcnow()
    org = Organization(
        id=new_id("org"),
        name=name.strip(),
        credit_code=code,
        status=(OrganizationStatus.ACTIVE if by_operator else OrganizationStatus.PENDING).value,
        created_at=now,
        decided_at=now if by_operator else None,
        decided_by=actor.subject if by_operator and actor else None,
        role_rows=[OrganizationRole(role=r) for r in sorted(set(roles))],
    )
    admin = User(
        id=new_id("usr"),
        org_id=org.id,
        username=admin_username,
        password_hash=passwords.hash(admin_password),
        role="admin",
        created_at=now,
    )
    session.add_all([org, admin])
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("credit code or username already registered", slug="duplicate") from exc
    outbox.record(
        session,
        type="organization.registered",
        actor=actor.subject if actor else "anonymous",
        subject=org.id,
        payload={"org_id": org.id, "credit_code": org.credit_code, "roles": org.roles,
                 "status": org.status, "name_sha256": text_sha256(org.name)},
    )
    return org


def decide_membership(
    uow: UnitOfWork, *, org_id: str, approve: bool, reason: str,
    actor: Principal,
) -> Organization:
    """Approve or reject a pending organisation (operators only)."""
    org = repository.organization(uow.session, org_id, for_update=True)
    if org is None:
        raise NotFound(f"no organisation {org_id}")
    if org.status != OrganizationStatus.PENDING:
        raise Conflict(
            f"organisation is {org.status}; only pending organisations can be decided",
            slug="invalid-transition",
        )
    if not approve and not reason.strip():
        raise InvalidInput("reason: a rejection needs a reason", slug="reason-required")
    holder = repository.active_organization_by_credit_code(uow.session, org.credit_code)
    if approve and holder is not None:
        raise Conflict(f"credit code {org.credit_code} is already held by the active "
                       f"organisation {holder.id}; reject this application",
                       slug="duplicate-credit-code")
    org.status = (OrganizationStatus.ACTIVE if approve else OrganizationStatus.REJECTED).value
    org.decided_at = utcnow()
    org.decided_by = actor.subject
    org.decision_reason = reason.strip() or None
    uow.record(type="organization.approved" if approve else "organization.rejected",
        actor=actor.subject,
        subject=org.id,
        payload={"org_id": org.id, "status": org.status,
                 "reason_sha256": text_sha256(org.decision_reason or "")},
    )
    return org


def visible_organization(session: Session, org_id: str, actor: Principal) -> Organization:
    """An organisation the caller may see: its own, or any for operators and regulators."""
    org = repository.organization(session, org_id)
    if org is None or not (actor.org == org_id or actor.has_role("operator", "regulator")):
        raise NotFound(f"no organisation {org_id}")
    return org


def _active_org(session: Session, org_id: str) -> Organization:
    org = repository.organization(session, org_id)
    if org is None:
        raise Unauthorized("invalid credentials", slug="invalid-grant", error="invalid_grant")
    if org.status != OrganizationStatus.ACTIVE:
        raise Forbidden(
            f"organisation is {org.status}; tokens are issued only once it is approved",
            slug="organization-not-active",
            error="invalid_grant",
        )
    return org


def authenticate_password(
    session: Session, passwords: Passwords, *, username: str, password: str
) -> Member:
    """The member signing in with ``username`` and ``password``."""
    user = repository.user_by_username(session, username)
    if not passwords.verify(user.password_hash if user else None, password) or user is None:
        raise Unauthorized("invalid username or password", slug="invalid-grant",
                           error="invalid_grant")
    if user.disabled:
        raise Unauthorized("this user has been disabled by an admin of their organisation",
                           slug="user-disabled", error="invalid_grant")
    org = _active_org(session, user.org_id)
    user.last_login_at = utcnow()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    return Member(user.id, "user", user.username, org, user.role, user.token_version)


def authenticate_api_key(session: Session, *, client_id: str, client_secret: str) -> Member:
    """The member organisation whose API key this is."""
    key = repository.api_key(session, client_id)
    if not secret_matches(key.secret_hash if key else None, client_secret) or key is None:
        raise Unauthorized("invalid client credentials", slug="invalid-client",
                           error="invalid_client")
    if key.revoked_at is not None:
        raise Unauthorized("this API key has been revoked", slug="invalid-client",
                           error="invalid_client")
    org = _active_org(session, key.org_id)
    key.last_used_at = utcnow()
    return Member(key.id, "api_key", key.name, org)


def authenticate_service(
    session: Session, *, client_id: str, client_secret: str
) -> ServiceClient | None:
    """The dataex service with these credentials, or None if they are not a service's."""
    client = repository.service_client(session, client_id)
    if client is None:
        return None
    if not secret_matches(client.secret_hash, client_secret):
        raise Unauthorized("invalid client credentials", slug="invalid-client",
                           error="invalid_client")
    return client


def authenticate_client(
    session: Session, *, client_id: str, client_secret: str
) -> SignedIn:
    """The dataex service, or else the member's API key, with these client credentials."""
    client = authenticate_service(session, client_id=client_id, client_secret=client_secret)
    if client is not None:
        return client
    return authenticate_api_key(session, client_id=client_id, client_secret=client_secret)


def owner_of_username(session: Session, username: str) -> tuple[str, str] | None:
    """The user id and organisation behind ``username``, if it exists (for the
    security-event log of a failed sign-in)."""
    user = repository.user_by_username(session, username)
    return (user.id, user.org_id) if user else None


def owner_of_api_key(session: Session, client_id: str) -> tuple[str, str] | None:
    """The key id and organisation of the API key ``client_id``, if it exists."""
    key = repository.api_key(session, client_id)
    return (key.id, key.org_id) if key else None


def create_api_key(
    uow: UnitOfWork, *, name: str, actor: Principal
) -> tuple[ApiKey, str]:
    """A new API key for the caller's organisation, with its secret (shown once)."""
    if actor.kind != "user" or actor.org is None:
        raise Forbidden("API keys are created by signed-in users", slug="users-only")
    secret = new_secret()
    key = ApiKey(
        id=new_id("key"),
        org_id=actor.org,
        name=name,
        secret_hash=hash_secret(secret),
        created_by=actor.subject,
        created_at=utcnow(),
    )
    uow.session.add(key)
    uow.session.flush()
    record_security_event(uow.session, "api_key.created", actor=actor.subject,
                          org_id=key.org_id, subject=key.id)
    uow.record(type="api_key.created", actor=actor.subject, subject=key.id,
               payload={"client_id": key.id, "org_id": key.org_id})
    return key, secret


def revoke_api_key(
    uow: UnitOfWork, *, client_id: str, actor: Principal
) -> ApiKey:
    """Revoke one of the caller's organisation's API keys."""
    key = repository.api_key(uow.session, client_id)
    if key is None or key.org_id != actor.org:
        raise NotFound(f"no API key {client_id}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record_security_event(uow.session, "api_key.revoked", actor=actor.subject,
                              org_id=key.org_id, subject=key.id)
        uow.record(type="api_key.revoked", actor=actor.subject, subject=key.id,
                   payload={"client_id": key.id, "org_id": key.org_id})
    return key


def ensure_operator(
    session: Session,
    passwords: Passwords,
    *,
    username: str,
    password: str,
    org_name: str,
    credit_code: str,
) -> User:
    """Create the operator organisation and its first operator user if absent."""
    existing = repository.user_by_username(session, username)
    if existing is not None:
        return existing
    org = repository.active_organization_by_credit_code(session, credit_code)
    if org is None:
        now = utcnow()
        org = Organization(
            id=new_id("org"),
            name=org_name,
            credit_code=normalise_credit_code(credit_code),
            status=OrganizationStatus.ACTIVE.value,
            created_at=now,
            decided_at=now,
            decided_by="bootstrap",
            role_rows=[OrganizationRole(role="operator")],
        )
        session.add(org)
    user = User(
        id=new_id("usr"),
        org_id=org.id,
        username=username,
        password_hash=passwords.hash(password),
        role="admin",
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def ensure_service_clients(session: Session, secrets: dict[str, str]) -> None:
    """Register (or re-key) the configured service clients."""
    for client_id, secret in secrets.items():
        client = repository.service_client(session, client_id)
        if client is None:
            session.add(ServiceClient(client_id=client_id, secret_hash=hash_secret(secret),
                                      created_at=utcnow()))
        elif not secret_matches(client.secret_hash, secret):
            client.secret_hash = hash_secret(secret)
    session.flush()
