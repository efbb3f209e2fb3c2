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
    """An offer is orderable while active; suspended while its provider is suspended."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    SUSPENDED = "suspended"


class AssetStatus(StrEnum):
    """An asset registration: pending review, then registered or rejected; a registered
    one may be suspended (and reinstated); revocable."""

    PENDING = "pending"
    REGISTERED = "registered"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class AssetUpdateStatus(StrEnum):
    """A new revision of an asset's dataset: pending an operator's review, then approved
    (grants of offers that include updates reach its files) or rejected."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


PUBLIC_ASSET_STATUSES = frozenset({AssetStatus.REGISTERED, AssetStatus.SUSPENDED,
                                   AssetStatus.REVOKED})
"""Assets in these statuses are visible to anyone; the others to insiders only."""

REVOCABLE_ASSET_STATUSES = frozenset({AssetStatus.PENDING, AssetStatus.REGISTERED,
                                      AssetStatus.SUSPENDED})


class DisputeStatus(StrEnum):
    """A dispute is open until a ruling."""

    OPEN = "open"
    RULED = "ruled"


class DemandStatus(StrEnum):
    """A buyer's published demand is open until its author closes it."""

    OPEN = "open"
    CLOSED = "closed"


class OrganizationStatus(StrEnum):
    """A member organisation: pending an operator's review, then active or rejected; an
    active one may be suspended by the operator and reinstated."""

    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class DatasetStatus(StrEnum):
    """The one catalog dataset status the exchange trades on."""

    LISTED = "listed"


class PartyKeyStatus(StrEnum):
    """An organisation's signing key: active (signs now) or retired by a rotation (still
    verifies what it signed while it was valid)."""

    ACTIVE = "active"
    RETIRED = "retired"


# --- notifications (webhooks) ---
class WebhookStatus(StrEnum):
    """A webhook receives events while active; removing it keeps its delivery history."""

    ACTIVE = "active"
    REMOVED = "removed"


class DeliveryStatus(StrEnum):
    """One event on its way to one webhook: pending until the receiver answers 2xx
    (delivered), retried with backoff; failed after the last attempt; cancelled when the
    webhook is removed first."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PayoutStatus(StrEnum):
    """A payout: requested by a member, then paid by the operator or rejected (the money
    returns to the member's available balance)."""

    REQUESTED = "requested"
    PAID = "paid"
    REJECTED = "rejected"


class AuthorisationStatus(StrEnum):
    """A regulator's authorisation of a public-data operator (公共数据授权运营): active
    until revoked (its term's end is read from ``expires_at``)."""

    ACTIVE = "active"
    REVOKED = "revoked"
