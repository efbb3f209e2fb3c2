"""Audit settings (environment prefix ``DATAEX_AUDIT_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from services.shared.settings import AUDIENCES, ServiceSettings


class AuditSettings(ServiceSettings):
    """What the audit service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DATAEX_AUDIT_", extra="ignore")

    port: int = 8003
    database_url: str = "sqlite:///./var/audit.db"
    audience: str = AUDIENCES["audit"]
    client_id: str = "audit"
