"""Exchange settings (environment prefix ``DATAEX_EXCHANGE_``)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from services.exchange.market.notifications import RetryPolicy
from services.shared.settings import AUDIENCES, DEMO_OPERATOR, ServiceSettings


class ExchangeSettings(ServiceSettings):
    """What the exchange reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="DATAEX_EXCHANGE_", extra="ignore", validate_by_name=True
    )

    port: int = 8002
    database_url: str = "sqlite:///./var/exchange.db"
    audience: str = AUDIENCES["exchange"]
    client_id: str = "exchange"

    user_token_ttl_seconds: int = Field(
        default=900, ge=60, le=86400,
        description="a member's access token lives this long; the refresh token renews it")
    service_token_ttl_seconds: int = Field(default=600, ge=60, le=86400)
    token_revocation_seconds: float = Field(
        default=1.0, ge=0, le=60,
        description="a revoked token (user disabled, token revoked, organisation suspended) "
                    "is refused here within this")
    refresh_token_ttl_seconds: int = Field(
        default=8 * 3600, ge=60, le=30 * 86400,
        description="an unused refresh token expires after this (idle sign-out)")
    session_max_seconds: int = Field(
        default=24 * 3600, ge=60, le=90 * 86400,
        description="refresh tokens renew a sign-in for at most this long, then the user "
                    "signs in again")
    mfa_required_roles: str = Field(
        default="operator,regulator",
        description="comma-separated organisation roles whose users need a TOTP code to sign "
                    "in ('' turns the requirement off)")
    mfa_enrol_on_first_sign_in: bool = Field(
        default=True,
        description="a user who needs a second factor and has none gets a ten-minute token "
                    "that can only enrol one; off, an operator enrols them out of band")

    # Failed sign-ins (see services/exchange/sign_in/model.py) and the security-event log.
    sign_in_account_free_failures: int = Field(default=2, ge=0, le=20)
    sign_in_account_lock_after: int = Field(
        default=5, ge=2, le=100, description="an account locks at this many failures")
    sign_in_source_free_failures: int = Field(default=10, ge=0, le=1000)
    sign_in_source_lock_after: int = Field(
        default=50, ge=2, le=10_000, description="a source address locks at this many")
    sign_in_base_delay_seconds: float = Field(default=1.0, ge=0, le=60)
    sign_in_max_delay_seconds: float = Field(default=60.0, ge=0, le=3600)
    sign_in_lock_seconds: int = Field(default=900, ge=1, le=86400)
    sign_in_failure_window_seconds: int = Field(
        default=900, ge=1, le=86400, description="failures are forgotten this long after "
                                                 "the last one")
    sign_in_trusted_proxies: str = Field(
        default="127.0.0.1,::1",
        description="peers (the portal, a reverse proxy) whose X-Forwarded-For names the "
                    "source address of a sign-in; comma-separated, empty for none")
    security_event_retention_days: int = Field(
        default=365, ge=180, le=3650, description="security events are kept this long")

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

    # Trading.
    fee_bps: int = Field(default=300, ge=0, le=10_000,
                         description="the exchange's fee on settled amounts, basis points")
    request_expiry_seconds: int = Field(
        default=72 * 3600, ge=60, description="a provider must answer a request within this")
    payment_window_seconds: int = Field(
        default=48 * 3600, ge=60, description="a buyer must pay an accepted order within this")
    acceptance_window_seconds: int = Field(
        default=7 * 86400, ge=60,
        description="after delivery, an order settles by itself when nobody disputes it")
    dispute_window_seconds: int = Field(
        default=7 * 86400, ge=60, description="after delivery, a party may dispute this long")
    dispute_answer_window_seconds: int = Field(
        default=7 * 86400, ge=60,
        description="after a dispute opens, the other party may answer this long; the "
                    "regulator rules once it has answered or the time has passed")
    grant_token_ttl_seconds: int = Field(
        default=900, ge=60, description="lifetime of one grant token (never beyond the term)")
    public_interest_days: int = Field(
        default=365, ge=1, le=3650, description="how long a public-interest approval lasts")
    market_min_comparables: int = Field(default=3, ge=1, le=100)
    idempotency_key_days: int = Field(
        default=30, ge=1, le=3650, description="how long a POST's Idempotency-Key is remembered")
    sweep_interval_seconds: float = Field(
        default=30.0, ge=0, description="how often expiry and auto-settlement run (0: never)")
    catalog_timeout_seconds: float = Field(default=5.0, gt=0)

    # Webhooks (notifications).
    webhook_dispatch_interval_seconds: float = Field(
        default=2.0, ge=0, description="how often queued webhook deliveries are sent (0: never)")
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    webhook_retry_base_seconds: float = Field(
        default=10.0, gt=0, description="wait after a first failed delivery; doubles each time")
    webhook_retry_cap_seconds: float = Field(default=3600.0, gt=0)
    webhook_max_attempts: int = Field(
        default=30, ge=1, le=1000, description="attempts before a delivery is marked failed")
    webhook_deadline_notice_seconds: int = Field(
        default=24 * 3600, ge=60, description="order.deadline_near this long before a deadline")

    @field_validator("bootstrap_operator")
    @classmethod
    def _username_and_password(cls, value: str | None) -> str | None:
        if value is not None and (":" not in value or not value.split(":", 1)[1]):
            raise ValueError("DATAEX_BOOTSTRAP_OPERATOR must be username:password")
        return value

    @model_validator(mode="after")
    def _no_demo_operator_in_production(self) -> ExchangeSettings:
        demo_password = DEMO_OPERATOR.split(":", 1)[1]
        if (self.environment == "production" and self.bootstrap_operator is not None
                and self.bootstrap_operator.split(":", 1)[1] == demo_password):
            raise ValueError("DATAEX_BOOTSTRAP_OPERATOR must not use the demo operator's "
                             "password in production")
        return self

    @model_validator(mode="after")
    def _windows_fit(self) -> ExchangeSettings:
        if self.acceptance_window_seconds < self.dispute_window_seconds:
            raise ValueError("acceptance_window_seconds must not be shorter than "
                             "dispute_window_seconds: orders would settle while still disputable")
        if self.grant_token_ttl_seconds > max(self.user_token_ttl_seconds,
                                              self.service_token_ttl_seconds):
            raise ValueError("grant_token_ttl_seconds must not exceed the token TTLs: a key "
                             "rotation keeps old keys only that long")
        return self

    def windows(self) -> dict[str, timedelta]:
        """The trading deadlines as durations."""
        return {
            "request_expiry": timedelta(seconds=self.request_expiry_seconds),
            "payment_window": timedelta(seconds=self.payment_window_seconds),
            "acceptance_window": timedelta(seconds=self.acceptance_window_seconds),
            "dispute_window": timedelta(seconds=self.dispute_window_seconds),
        }

    def webhook_policy(self) -> RetryPolicy:
        """How webhook deliveries are retried."""
        return RetryPolicy(base_seconds=self.webhook_retry_base_seconds,
                           cap_seconds=self.webhook_retry_cap_seconds,
                           max_attempts=self.webhook_max_attempts,
                           timeout_seconds=self.webhook_timeout_seconds)

    def mfa_roles(self) -> frozenset[str]:
        """The organisation roles whose users must present a second factor."""
        return frozenset(r.strip() for r in self.mfa_required_roles.split(",") if r.strip())

    def service_client_secrets(self) -> dict[str, str]:
        """The configured service clients, by client id."""
        pairs = [item.split(":", 1) for item in self.service_clients.split(",") if item.strip()]
        return {name.strip(): secret.strip() for name, secret in pairs}

