"""Demo data for a local deployment: a Hangzhou city bureau as provider, a company
buyer, a provincial regulator, and the operator. Seeding is idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from services.catalog.config import CatalogSettings
from services.catalog.demo import seed_catalog
from services.exchange.config import ExchangeSettings
from services.exchange.identity import repository
from services.exchange.identity import service as identity
from services.exchange.identity.passwords import Passwords
from services.exchange.outbox import outbox as exchange_outbox
from services.shared.auth import Principal
from services.shared.database import Database
from services.shared.outbox import Outbox, ledger_keyring


@dataclass(frozen=True)
class DemoAccount:
    """A demo organisation and its admin's sign-in."""

    org_name: str
    credit_code: str
    roles: tuple[str, ...]
    username: str
    password: str


DEMO_ACCOUNTS = (
    DemoAccount("杭州市数据资源管理局", "11330100MB1H00000Q", ("provider",),
                "hz-data", "provider-demo-2026"),
    DemoAccount("杭州云图数据科技有限公司", "91330106MA2CXY1A0P", ("buyer",),
                "yuntu", "buyer-demo-2026"),
    DemoAccount("浙江省数据局", "11330000MB1D2K3E0H", ("regulator",),
                "regulator", "regulator-demo-2026"),
)

_SEEDER = Principal(subject="seed", kind="user", org=None, roles=frozenset({"operator"}), token="")


def seed_exchange(settings: ExchangeSettings) -> list[str]:
    """Create the demo organisations and users that are missing; returns what was made."""
    db = Database(settings.database_url)
    outbox = Outbox(exchange_outbox, source="exchange",
                    keys=ledger_keyring(settings, "exchange"))
    passwords = Passwords(
        time_cost=settings.argon2_time_cost,
        memory_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )
    created = []
    try:
        with db.transaction() as session:
            if settings.bootstrap_operator:
                username, password = settings.bootstrap_operator.split(":", 1)
                identity.ensure_operator(
                    session, passwords, username=username, password=password,
                    org_name=settings.operator_org_name,
                    credit_code=settings.operator_credit_code,
                )
            for account in DEMO_ACCOUNTS:
                if repository.active_organization_by_credit_code(session, account.credit_code):
                    continue
                identity.register_organization(
                    session, passwords, outbox, name=account.org_name,
                    credit_code=account.credit_code, roles=account.roles,
                    admin_username=account.username,
                    admin_password=account.password, actor=_SEEDER,
                    password_policy=False,
                )
                created.append(account.org_name)
    finally:
        db.dispose()
    return created


def demo_provider(settings: ExchangeSettings) -> tuple[str, str] | None:
    """The demo provider's organisation id and name, if it is registered."""
    db = Database(settings.database_url)
    try:
        with db.reading() as session:
            org = repository.active_organization_by_credit_code(
                session, DEMO_ACCOUNTS[0].credit_code)
            return (org.id, org.name) if org else None
    finally:
        db.dispose()


def seed_demo(exchange: ExchangeSettings, catalog: CatalogSettings) -> list[str]:
    """Seed the demo organisations, then the provider's listed datasets; returns what
    was made."""
    made = seed_exchange(exchange)
    provider = demo_provider(exchange)
    if provider is not None:
        datasets = seed_catalog(catalog, publisher_org_id=provider[0],
                                publisher_name=provider[1])
        if datasets:
            made.append(f"{len(datasets)} listed datasets of {provider[1]}")
    return made
