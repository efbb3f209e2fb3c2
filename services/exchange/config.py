"""Exchange settings (environment prefix ``DATAEX_EXCHANGE_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from services.shared.settings import AUDIENCES, ServiceSettings


class ExchangeSettings(ServiceSettings):
    """What the exchange reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="DATAEX_EXCHANGE_", extra="ignore", validate_by_name=True
    )

    port: int = 8002
    database_url: str = "sqlite:///./var/exchange.db"
    audience: str = AUDIENCES["exchange"]
    client_id: str = "exchange"

    user_token_ttl_seconds: int = Field(default=3600, ge=60, le=86400)
    service_token_ttl_seconds: int = Field(default=600, ge=60, le=86400)

    # Argon2id cost (RFC 9106's second recommended option by default).
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=2, ge=1)

    bootstrap_operator: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "DATAEX_BOOTSTRAP_OPERATOR", "DATAEX_EXCHANGE_BOOTSTRAP_OPERATOR"
        ),
        description="username:password of the first operator, created at start-up if absent",
    )
    operator_org_name: str = "dataex 数据交易所运营方"
    operator_credit_code: str = "91330100MA2H00000L"

    # Other services' client credentials: "catalog:SECRET,audit:SECRET".
    service_clients: str = ""

    @field_validator("bootstrap_operator")
    @classmethod
    def _username_and_password(cls, value: str | None) -> str | None:
        if value is not None and (":" not in value or not value.split(":", 1)[1]):
            raise ValueError("DATAEX_BOOTSTRAP_OPERATOR must be username:password")
        return value

    def service_client_secrets(self) -> dict[str, str]:
        """The configured service clients, by client id."""
        pairs = [item.split(":", 1) for item in self.service_clients.split(",") if item.strip()]
        return {name.strip(): secret.strip() for name, secret in pairs}


@lru_cache
def get_settings() -> ExchangeSettings:
    """The process's settings, read once."""
    return ExchangeSettings()
