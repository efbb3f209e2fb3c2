"""Bodies of the party-key routes and the signature field of signed order actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class KeyIn(BaseModel):
    """A public key to register or rotate to."""

    model_config = ConfigDict(extra="forbid")

    jwk: dict[str, Any] = Field(description="public JWK: EC P-256 (ES256) or OKP Ed25519 "
                                            "(EdDSA); never the private part \"d\"")


class KeyOut(BaseModel):
    """One of an organisation's keys with its validity period."""

    model_config = ConfigDict(from_attributes=True)

    kid: str = Field(description="RFC 7638 thumbprint of the JWK")
    org_id: str
    alg: str
    status: str
    valid_from: datetime
    valid_until: datetime | None
    jwk: dict[str, Any]


class KeySet(BaseModel):
    """Every key an organisation ever registered (retired ones too), for offline checks."""

    org_id: str
    keys: list[KeyOut]


class Signed(BaseModel):
    """A party's detached JWS over the statement of the action (required once the
    party's organisation has registered a key)."""

    model_config = ConfigDict(extra="forbid")

    signature: str | None = Field(default=None, max_length=4000,
                                  description="HEADER..SIGNATURE (detached JWS over the "
                                              "statement's canonical JSON)")
