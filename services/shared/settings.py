"""The settings every service shares, read from the environment.

Each service subclasses :class:`ServiceSettings` with its own prefix
(``DATAEX_CATALOG_``, ``DATAEX_EXCHANGE_``, ``DATAEX_AUDIT_``), so one process
environment can configure all three without collisions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.shared.keyring import Algorithm, KeyRing

DEFAULT_ISSUER = "http://127.0.0.1:8002"
DEV_SERVICE_SECRET = "dev-only-service-secret-change-me"  # noqa: S105
DEMO_OPERATOR = "operator:operator-demo-2026"
"""The first operator ``dataex up`` creates for a local demo; never valid in production."""


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine only (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class ServiceSettings(BaseSettings):
    """Settings common to catalog, exchange and audit."""

    model_config = SettingsConfigDict(extra="ignore", validate_default=True)

    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, le=64, description="server processes")
    database_url: str = "sqlite:///./var/service.db"
    var_dir: Path = Path("./var")
    log_level: str = "INFO"
    log_json: bool = True
    max_json_body_bytes: int = Field(default=1 << 20, ge=1024,
                                     description="largest request body of a JSON route")

    # Per-client rates ("N/second|minute|hour"), counted in memory or in Redis.
    rate_limits_enabled: bool = True
    rate_limit_storage: str = Field(default="memory://",
                                    description="memory:// or redis://host:port")
    rate_limit_token: str = Field(default="30/minute",
                                  description="token requests per source and account")
    rate_limit_search: str = Field(default="120/minute", description="searches per client")
    rate_limit_download: str = Field(default="240/minute",
                                     description="downloads and rows pages per client")
    rate_limit_proof: str = Field(default="600/minute", description="ledger proofs per client")

    # Where tokens come from and what this service accepts.
    issuer: str = DEFAULT_ISSUER
    jwks_url: str = f"{DEFAULT_ISSUER}/.well-known/jwks.json"
    jwks_cache_seconds: int = Field(default=300, ge=1)
    audience: str = "dataex"

    # This service's own client credentials (client-credentials grant at the exchange).
    client_id: str = "svc-unset"
    client_secret: str = DEV_SERVICE_SECRET

    # Signing keys at rest.
    key_passphrase: SecretStr | None = Field(
        default=None, description="encrypts the private keys this service writes")
    keys_mounted_dir: Path | None = Field(
        default=None, description="read keys from here (a read-only volume the platform "
        "mounts, one folder per key ring) instead of creating them under var_dir/keys")

    cors_allow_origins: str = Field(
        default="", description="comma-separated origins allowed cross-origin reads; none: "
        "CORS stays off")

    # Other services' base URLs.
    catalog_url: str = "http://127.0.0.1:8001"
    exchange_url: str = "http://127.0.0.1:8002"
    audit_url: str = "http://127.0.0.1:8003"

    @property
    def key_dir(self) -> Path:
        """Directory holding this deployment's signing keys."""
        return self.keys_mounted_dir or self.var_dir / "keys"

    def key_ring(self, name: str, alg: Algorithm, purpose: str) -> KeyRing:
        """The key ring ``name`` for ``purpose``, encrypted with the key passphrase if
        one is set, read-only when the platform mounts the keys."""
        passphrase = self.key_passphrase.get_secret_value().encode() \
            if self.key_passphrase else None
        return KeyRing(self.key_dir / name, alg, purpose, passphrase=passphrase,
                       read_only=self.keys_mounted_dir is not None)

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> ServiceSettings:
        if self.environment == "production":
            if self.client_secret == DEV_SERVICE_SECRET:
                raise ValueError("client_secret must be set in production")
            if self.database_url.startswith("sqlite"):
                raise ValueError("production needs PostgreSQL, not SQLite")
            for name in ("issuer", "jwks_url"):
                if is_loopback_url(getattr(self, name)):
                    raise ValueError(f"{name} must be the exchange's public URL in production, "
                                     f"not a loopback address")
        return self

# Each service accepts tokens whose ``aud`` names it.
AUDIENCES = {
    "catalog": "dataex-catalog",
    "exchange": "dataex-exchange",
    "audit": "dataex-audit",
}
