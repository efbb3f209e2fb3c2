"""Where each object of the market stands, as stored in its ``status`` column."""

from __future__ import annotations

from enum import StrEnum

from services.shared.schemas.grants import GrantStatus

__all__ = ["GrantStatus"]  # defined with the grant API the catalog reads it from


class OrderState(StrEnum):
    """Where an order stands (the moves between them: :mod:`services.exchange.orders.model`)."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAID = "paid"
    DELIVERED = "delivered"
    SETTLED = "settled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DISPUTED = "disputed"
    REFUNDED = "refunded"


class OfferStatus(StrEnum):
    """An offer is orderable while active."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class AssetStatus(StrEnum):
    """An asset registration: pending review, then registered or rejected; revocable."""

    PENDING = "pending"
    REGISTERED = "registered"
    REJECTED = "rejected"
    REVOKED = "revoked"


PUBLIC_ASSET_STATUSES = frozenset({AssetStatus.REGISTERED, AssetStatus.REVOKED})
"""Assets in these statuses are visible to anyone; the others to insiders only."""

REVOCABLE_ASSET_STATUSES = frozenset({AssetStatus.PENDING, AssetStatus.REGISTERED})


class DisputeStatus(StrEnum):
    """A dispute is open until a ruling."""

    OPEN = "open"
    RULED = "ruled"


class DemandStatus(StrEnum):
    """A buyer's published demand is open until its author closes it."""

    OPEN = "open"
    CLOSED = "closed"


class OrganizationStatus(StrEnum):
    """A member organisation: pending an operator's review, then active or rejected."""

    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"


class DatasetStatus(StrEnum):
    """The one catalog dataset status the exchange trades on."""

    LISTED = "listed"


class AuthorisationStatus(StrEnum):
    """A regulator's authorisation of a public-data operator (公共数据授权运营): active
    until revoked (its term's end is read from ``expires_at``)."""

    ACTIVE = "active"
    REVOKED = "revoked"
