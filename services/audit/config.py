"""Audit settings (environment prefix ``DATAEX_AUDIT_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.shared.settings import AUDIENCES, ServiceSettings


class AuditSettings(ServiceSettings):
    """What the audit service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DATAEX_AUDIT_", extra="ignore")

    port: int = 8003
    database_url: str = "sqlite:///./var/audit.db"
    audience: str = AUDIENCES["audit"]
    client_id: str = "audit"
    token_revocation_seconds: float = Field(
        default=10.0, ge=0, le=60,
        description="a revoked token (user disabled, token revoked, organisation "
                    "suspended) is refused here within this")

    checkpoint_every: int = Field(default=1000, ge=1,
                                  description="sign a checkpoint after this many new entries")
    checkpoint_interval_seconds: float = Field(
        default=10.0, gt=0, description="or after this long, when the log has grown"
    )
    max_batch: int = Field(default=5000, ge=1, description="entries per group commit")
    max_batch_body_bytes: int = Field(default=32 << 20, ge=1024,
                                      description="largest body of a batch of ledger entries")
