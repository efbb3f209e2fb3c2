"""Identity tables: organisations and their roles, users, API keys, service clients."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.exchange.db import Base
from services.shared.orm import UTCDateTime, utcnow


class Organization(Base):
    """A member of the exchange: a public body or a company."""

    __tablename__ = "organizations"
    # A credit code is held by at most one active organisation; pending applications
    # under the same code may wait side by side until the operator's review picks the
    # true holder, and a rejected one releases it.
    __table_args__ = (Index("uq_organizations_active_credit_code", "credit_code",
                            unique=True, sqlite_where=text("status = 'active'"),
                            postgresql_where=text("status = 'active'")),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Suspension by the operator: every token issued at or before ``tokens_revoked_at``
    # is refused (see services.shared.revocations).
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    tokens_revoked_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True)

    role_rows: Mapped[list[OrganizationRole]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> list[str]:
        """The organisation's roles, sorted."""
        return sorted(r.role for r in self.role_rows)


class OrganizationRole(Base):
    """One role an organisation holds (provider, buyer, operator, regulator)."""

    __tablename__ = "organization_roles"

    org_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    organization: Mapped[Organization] = relationship(back_populates="role_rows")


class User(Base):
    """A person who signs in with a username and password on behalf of an organisation."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="admin")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    invited_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Tokens carry the version they were issued under (claim ``ver``); raising it
    # (disable, role change) makes every older token of the user stop working.
    token_version: Mapped[int] = mapped_column(default=0)
    tokens_revoked_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True)

    @property
    def is_org_admin(self) -> bool:
        """Whether the user administers the organisation's users."""
        return self.role == "admin"

    @property
    def disabled(self) -> bool:
        """Whether the user is disabled (no sign-in, tokens revoked)."""
        return self.disabled_at is not None


class ApiKey(Base):
    """A machine client of an organisation: client id plus a secret stored hashed."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the client id
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ServiceClient(Base):
    """Another dataex service (catalog, audit) that gets service tokens."""

    __tablename__ = "service_clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
