"""Request and response bodies of the second-factor API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class MfaStatus(BaseModel):
    """Whether the caller has a second factor, and whether their roles require one."""

    enrolled: bool
    required: bool
    enrolled_at: datetime | None
    recovery_codes_left: int


class TotpEnrolment(BaseModel):
    """A new TOTP secret, pending until a code from it is confirmed."""

    secret: str
    otpauth_uri: str
    issuer: str
    account: str


class TotpCode(BaseModel):
    """A six-digit code from the authenticator app."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9 ]+$")


class RecoveryCodes(BaseModel):
    """Recovery codes, shown this once: each signs in once instead of a TOTP code."""

    recovery_codes: list[str]
