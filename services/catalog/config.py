"""Catalog settings (environment prefix ``DATAEX_CATALOG_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.shared.settings import AUDIENCES, ServiceSettings


class CatalogSettings(ServiceSettings):
    """What the catalog service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DATAEX_CATALOG_", extra="ignore")

    port: int = 8001
    database_url: str = "sqlite:///./var/catalog.db"
    audience: str = AUDIENCES["catalog"]
    client_id: str = "catalog"
