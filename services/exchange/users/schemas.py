"""Request and response bodies of the organisation-users API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

UserRoleName = Literal["admin", "member", "read_only"]


class UserInvite(BaseModel):
    """An admin invites a user into their organisation with a role."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: UserRoleName


class RoleChange(BaseModel):
    """A new role for a user."""

    model_config = ConfigDict(extra="forbid")

    role: UserRoleName


class PasswordChange(BaseModel):
    """A user's own password change: the current password, then the new one."""

    model_config = ConfigDict(extra="forbid")

    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class OrgUserOut(BaseModel):
    """A user of the organisation as its admins see them."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    role: UserRoleName
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None
    disabled_at: datetime | None
    password_changed_at: datetime | None


class UserInvited(OrgUserOut):
    """A new user with their first password, shown this once; they change it after
    signing in."""

    initial_password: str


class RevocationOut(BaseModel):
    """Tokens of this user older than ``min_version`` no longer count."""

    user_id: str
    min_version: int


class OrgRevocationOut(BaseModel):
    """Tokens of this organisation issued at or before ``revoked_before`` (Unix time)
    no longer count: it was suspended."""

    org_id: str
    revoked_before: int


class ApiKeyRevocationOut(BaseModel):
    """Tokens of this API key issued at or before ``revoked_before`` no longer count."""

    client_id: str
    revoked_before: int


class RevocationsOut(BaseModel):
    """The revocation list: users whose older tokens were revoked within a token
    lifetime (``items``), single access tokens revoked by ``jti`` and not yet expired
    (``tokens``), suspended organisations (``organizations``) and revoked API keys
    (``api_keys``)."""

    items: list[RevocationOut]
    tokens: list[str] = []
    organizations: list[OrgRevocationOut] = []
    api_keys: list[ApiKeyRevocationOut] = []
