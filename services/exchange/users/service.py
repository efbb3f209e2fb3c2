"""Managing an organisation's users: an admin invites users with a role, changes roles,
disables and re-enables them; every user changes their own password.

Disabling a user or changing their role raises their token version, which revokes every
token issued to them before (see :mod:`services.shared.revocations`). Ledger events
name users by id only.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.exchange.identity import repository as identities
from services.exchange.identity.password_policy import password_problem
from services.exchange.identity.passwords import Passwords
from services.exchange.identity.tables import User
from services.exchange.security_events.service import record_security_event
from services.exchange.unit_of_work import UnitOfWork
from services.exchange.users import repository
from services.exchange.users.model import (
    UserRole,
    check_new_password,
    require_admin,
    require_other_user,
)
from services.shared.auth import Principal
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, InvalidInput, NotFound


def _acting_admin(session: Session, actor: Principal) -> User:
    """The caller's own user row, which must be an enabled admin right now."""
    if actor.kind != "user" or actor.org is None:
        raise Forbidden("users are managed by signed-in users", slug="users-only")
    require_admin(actor.user_role)
    user = identities.user(session, actor.subject)
    if user is None or user.disabled or user.role != UserRole.ADMIN:
        raise Forbidden("only an admin of the organisation manages its users",
                        slug="org-admin-required")
    return user


def _org_user(session: Session, user_id: str, org_id: str) -> User:
    user = repository.user_for_update(session, user_id)
    if user is None or user.org_id != org_id:
        raise NotFound(f"no user {user_id} in your organisation")
    return user


def _revoke_tokens(user: User, now: datetime) -> None:
    user.token_version += 1
    user.tokens_revoked_at = now


def first_password(username: str) -> str:
    """A random first password for an invited user that meets the password policy."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if password_problem(candidate, username=username) is None:
            return candidate


def list_users(session: Session, actor: Principal) -> Sequence[User]:
    """The caller's organisation's users (admins only)."""
    admin = _acting_admin(session, actor)
    return repository.users_of(session, admin.org_id)


def invite(
    uow: UnitOfWork, passwords: Passwords, *, username: str, role: str, actor: Principal
) -> tuple[User, str]:
    """A new user of the admin's organisation, with a first password shown once."""
    admin = _acting_admin(uow.session, actor)
    if identities.user_by_username(uow.session, username) is not None:
        raise Conflict(f"username {username!r} is taken", slug="duplicate-username")
    initial_password = first_password(username)
    user = User(id=new_id("usr"), org_id=admin.org_id, username=username,
                password_hash=passwords.hash(initial_password), role=UserRole(role).value,
                created_at=utcnow(), invited_by=admin.id, token_version=0)
    uow.session.add(user)
    try:
        uow.session.flush()
    except IntegrityError as exc:  # a concurrent invitation took the name
        raise Conflict(f"username {username!r} is taken", slug="duplicate-username") from exc
    record_security_event(uow.session, "user.invited", actor=actor.subject,
                          org_id=user.org_id, subject=user.id, details={"role": user.role})
    uow.record(type="user.invited", actor=actor.subject, subject=user.id,
               payload={"user_id": user.id, "org_id": user.org_id, "role": user.role})
    return user, initial_password


def change_role(uow: UnitOfWork, *, user_id: str, role: str, actor: Principal) -> User:
    """Give another user of the organisation a new role; their older tokens stop
    working (they carried the old role)."""
    admin = _acting_admin(uow.session, actor)
    user = _org_user(uow.session, user_id, admin.org_id)
    require_other_user(admin.id, user.id, "change the role of")
    new_role = UserRole(role).value
    if user.role == new_role:
        return user
    previous, user.role = user.role, new_role
    _revoke_tokens(user, utcnow())
    record_security_event(uow.session, "user.role_changed", actor=actor.subject,
                          org_id=user.org_id, subject=user.id,
                          details={"role": new_role, "previous_role": previous})
    uow.record(type="user.role_changed", actor=actor.subject, subject=user.id,
               payload={"user_id": user.id, "org_id": user.org_id, "role": new_role,
                        "previous_role": previous, "token_version": user.token_version})
    return user


def set_disabled(uow: UnitOfWork, *, user_id: str, disabled: bool, actor: Principal) -> User:
    """Disable a user (no sign-in; every token they hold is revoked) or enable them
    again (they sign in afresh; their old tokens stay revoked)."""
    admin = _acting_admin(uow.session, actor)
    user = _org_user(uow.session, user_id, admin.org_id)
    require_other_user(admin.id, user.id, "disable or enable")
    if user.disabled == disabled:
        return user
    now = utcnow()
    if disabled:
        user.disabled_at = now
        _revoke_tokens(user, now)
    else:
        user.disabled_at = None
    record_security_event(uow.session, "user.disabled" if disabled else "user.enabled",
                          actor=actor.subject, org_id=user.org_id, subject=user.id)
    uow.record(type="user.disabled" if disabled else "user.enabled", actor=actor.subject,
               subject=user.id,
               payload={"user_id": user.id, "org_id": user.org_id,
                        "token_version": user.token_version})
    return user


def change_password(
    uow: UnitOfWork, passwords: Passwords, *, old_password: str, new_password: str,
    actor: Principal,
) -> User:
    """The caller changes their own password; the current one is required."""
    if actor.kind != "user":
        raise Forbidden("only a signed-in user has a password", slug="users-only")
    user = repository.user_for_update(uow.session, actor.subject)
    if user is None or user.disabled:
        raise Forbidden("this user cannot change a password", slug="user-disabled")
    if not passwords.verify(user.password_hash, old_password):
        raise InvalidInput("old_password: this is not your current password",
                           slug="wrong-password")
    check_new_password(old_password, new_password, username=user.username)
    user.password_hash = passwords.hash(new_password)
    user.password_changed_at = utcnow()
    record_security_event(uow.session, "user.password_changed", actor=actor.subject,
                          org_id=user.org_id, subject=user.id)
    uow.record(type="user.password_changed", actor=actor.subject, subject=user.id,
               payload={"user_id": user.id, "org_id": user.org_id})
    return user


def token_revocations(session: Session, *, token_lifetime: timedelta) -> dict[str, int]:
    """``{user id: lowest valid token version}`` for users whose tokens were revoked
    within a token lifetime (older revocations concern only expired tokens)."""
    cutoff = utcnow() - token_lifetime - timedelta(minutes=1)
    return dict(repository.revoked_since(session, cutoff))
