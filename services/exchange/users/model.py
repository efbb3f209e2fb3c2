"""Who may manage an organisation's users, and what each role may do (pure rules)."""

from __future__ import annotations

from enum import StrEnum

from services.exchange.identity.password_policy import check_password
from services.shared.problems import Conflict, Forbidden, InvalidInput


class UserRole(StrEnum):
    """A user's role in their organisation.

    ``admin`` manages the organisation's users and acts; ``member`` acts; ``read_only``
    sees what the organisation sees but changes nothing (every service refuses its
    POST, PATCH and DELETE requests, except changing its own password)."""

    ADMIN = "admin"
    MEMBER = "member"
    READ_ONLY = "read_only"


def require_admin(actor_role: str | None) -> None:
    """403 unless the caller is an admin of their organisation."""
    if actor_role != UserRole.ADMIN:
        raise Forbidden("only an admin of the organisation manages its users",
                        slug="org-admin-required")


def require_other_user(actor_id: str, target_id: str, action: str) -> None:
    """An admin cannot change their own role or disable themselves, so every
    organisation keeps at least one admin who can act."""
    if actor_id == target_id:
        raise Conflict(f"an admin cannot {action} themselves; ask another admin",
                       slug="self-management")


def check_new_password(old: str, new: str, *, username: str) -> None:
    """422 unless the new password meets the password policy and differs from the
    old one."""
    check_password(new, username=username, field="new_password")
    if new == old:
        raise InvalidInput("new_password: must differ from the current password",
                           slug="password-unchanged")
