"""Organisations' public signing keys and the party signatures the exchange received."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class OrganizationKey(Base):
    """A public key an organisation signs with; retired keys keep their validity period."""

    __tablename__ = "organization_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    alg: Mapped[str] = mapped_column(String(8))
    jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    registered_by: Mapped[str] = mapped_column(String(40))
    retired_by: Mapped[str | None] = mapped_column(String(40), nullable=True)


class PartySignature(Base):
    """A statement signed by a party, as received and countersigned by the exchange."""

    __tablename__ = "party_signatures"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    org_id: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16))
    statement_type: Mapped[str] = mapped_column(String(64))
    kid: Mapped[str] = mapped_column(ForeignKey("organization_keys.kid"))
    jws: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
