"""The exchange's token endpoint answer (``POST /v1/auth/token``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class TokenResponse(BaseModel):
    """RFC 6749 §5.1 access-token response."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    refresh_token: str | None = None
