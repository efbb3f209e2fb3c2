"""Portal settings (environment prefix ``DATAEX_PORTAL_``).

The portal keeps no database and no credentials of its own: it needs the three
services' URLs and a secret for the HMACs of its cookies and CSRF tokens.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_PORTAL_SECRET = "dev-only-portal-secret-change-me"  # noqa: S105


class PortalSettings(BaseSettings):
    """What the portal reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DATAEX_PORTAL_", extra="ignore",
                                      validate_default=True)

    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, le=64, description="server processes")
    log_level: str = "INFO"
    log_json: bool = True

    catalog_url: str = "http://127.0.0.1:8001"
    exchange_url: str = "http://127.0.0.1:8002"
    audit_url: str = "http://127.0.0.1:8003"
    api_timeout: float = Field(default=15.0, gt=0, description="seconds per API call")

    secret_key: str = Field(default=DEV_PORTAL_SECRET, min_length=16,
                            description="signs the session cookie and CSRF tokens")
    cookie_secure: bool = Field(default=False, description="send cookies over HTTPS only")

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> PortalSettings:
        if self.environment == "production":
            if self.secret_key == DEV_PORTAL_SECRET:
                raise ValueError("secret_key must be set in production")
            if not self.cookie_secure:
                raise ValueError("production serves cookies over HTTPS only (cookie_secure)")
        return self
