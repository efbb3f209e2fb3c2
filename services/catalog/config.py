"""Catalog settings (environment prefix ``DATAEX_CATALOG_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.shared.settings import AUDIENCES, ServiceSettings


class CatalogSettings(ServiceSettings):
    """What the catalog service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DATAEX_CATALOG_", extra="ignore")

    port: int = 8001
    database_url: str = "sqlite:///./var/catalog.db"
    audience: str = AUDIENCES["catalog"]
    client_id: str = "catalog"
    max_upload_bytes: int = Field(default=1 << 30, ge=1, description="largest file accepted")
    token_revocation_seconds: float = Field(
        default=10.0, ge=0, le=60,
        description="a revoked token (user disabled, token revoked, organisation "
                    "suspended) is refused here within this")
    anonymous_access_period_seconds: int = Field(
        default=3600, ge=60, le=86400,
        description="anonymous downloads: one ledger entry per client and dataset per period")
    grant_cache_seconds: float = Field(default=30.0, ge=0, le=30,
                                       description="how long a grant status is trusted")
