"""Request and response bodies of the identity API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.shared.schemas.names import SafeName

Role = Literal["provider", "buyer", "operator", "regulator"]
OrgStatus = Literal["pending", "active", "rejected", "suspended"]


class AdminAccount(BaseModel):
    """The first user of a new organisation, who administers it."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=10, max_length=256)


class OrganizationCreate(BaseModel):
    """Registration of an organisation as a member of the exchange."""

    model_config = ConfigDict(extra="forbid")

    name: SafeName = Field(min_length=2, max_length=200)
    credit_code: str = Field(description="18-character unified social credit code (GB 32100)")
    roles: list[Role] = Field(min_length=1, max_length=4)
    admin: AdminAccount

    @field_validator("roles")
    @classmethod
    def _distinct(cls, roles: list[Role]) -> list[Role]:
        if len(set(roles)) != len(roles):
            raise ValueError("roles must not repeat")
        return roles


class OrganizationOut(BaseModel):
    """An organisation as members see it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    credit_code: str
    status: OrgStatus
    roles: list[Role]
    created_at: datetime
    decided_at: datetime | None = None
    decision_reason: str | None = None
    suspended_at: datetime | None = None


class Decision(BaseModel):
    """An operator's reason for a membership decision."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class UserOut(BaseModel):
    """A user as shown to themselves."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    is_org_admin: bool
    role: Literal["admin", "member", "read_only"]


class Me(BaseModel):
    """Who the token belongs to."""

    user: UserOut | None
    client_id: str | None = None
    organization: OrganizationOut
    roles: list[Role]


class ApiKeyCreate(BaseModel):
    """A new API key for the caller's organisation."""

    model_config = ConfigDict(extra="forbid")

    name: SafeName = Field(min_length=1, max_length=100)


class ApiKeyOut(BaseModel):
    """An API key without its secret."""

    model_config = ConfigDict(from_attributes=True)

    client_id: str = Field(validation_alias="id")
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    """A new API key; the secret is shown this once and never again."""

    client_secret: str
