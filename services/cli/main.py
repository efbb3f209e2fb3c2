"""``dataex``: start a local deployment, migrate, seed, serve one service, rotate keys."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from services.cli.authorisations import app as authorisations_app
from services.cli.demo import DEMO_ACCOUNTS, seed_demo
from services.cli.deployment import LocalDeployment, Supervisor, wait_ready
from services.cli.organizations import app as organizations_app
from services.clients import ApiProblem, BearerToken, ExchangeClient
from services.shared.migrations import SERVICES
from services.shared.settings import DEMO_OPERATOR

app = typer.Typer(help="dataex: public data-exchange platform", no_args_is_help=True)
keys_app = typer.Typer(help="Signing keys", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
certificate_app = typer.Typer(
    help="Documents the exchange signs: registration certificates, contract acceptances, "
    "trade vouchers", no_args_is_help=True,
)
app.add_typer(certificate_app, name="certificate")
dispute_app = typer.Typer(help="Dispute case files", no_args_is_help=True)
app.add_typer(dispute_app, name="dispute")
app.add_typer(authorisations_app, name="authorisations")
app.add_typer(organizations_app, name="orgs")
console = Console()


def _settings(service: str):  # type: ignore[no-untyped-def]
    if service == "catalog":
        from services.catalog.config import CatalogSettings

        return CatalogSettings()
    if service == "exchange":
        from services.exchange.config import ExchangeSettings

        return ExchangeSettings()
    if service == "audit":
        from services.audit.config import AuditSettings

        return AuditSettings()
    if service == "portal":
        from services.portal.config import PortalSettings

        return PortalSettings()
    raise typer.BadParameter(
        f"unknown service {service!r}; one of {', '.join(SERVICES)}, portal")


@app.command()
def migrate(
    service: Annotated[str | None, typer.Argument(help="one service; all three by default")] = None,
) -> None:
    """Bring each service's database to its newest migration."""
    from services.shared.migrations import upgrade

    for name in [service] if service else list(SERVICES):
        settings = _settings(name)
        if settings.database_url.startswith("sqlite:///"):
            Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(
                parents=True, exist_ok=True
            )
        upgrade(name, settings.database_url)
        console.print(f"[green]migrated[/] {name}")


@app.command()
def seed() -> None:
    """Load the demo organisations and the provider's listed datasets (idempotent)."""
    from services.catalog.config import CatalogSettings
    from services.exchange.config import ExchangeSettings

    created = seed_demo(ExchangeSettings(), CatalogSettings())
    console.print(f"seeded: {', '.join(created) if created else 'nothing new'}")


def server_options(settings: Any) -> dict[str, Any]:
    """How ``dataex serve`` runs uvicorn for a service's settings: no ``server`` banner,
    no uvicorn access log (the request-id middleware logs each request)."""
    return {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "log_config": None,
        "access_log": False,
        "server_header": False,
        "timeout_graceful_shutdown": 5,
        # Longer than clients keep idle connections (httpx: 5 s), so a client never sends
        # on a connection the server is closing at that moment.
        "timeout_keep_alive": 30,
    }


@app.command()
def serve(service: str) -> None:
    """Run one service in this process (settings from the environment)."""
    import uvicorn

    from services.shared.logs import configure_logging

    settings = _settings(service)
    configure_logging(service, settings.log_level, settings.log_json)
    uvicorn.run(f"services.{service}.app:create_app", factory=True, **server_options(settings))


@app.command()
def relay() -> None:
    """Deliver the catalog's and exchange's ledger events to the audit service until
    stopped (settings from the environment)."""
    import signal
    import threading

    from services.cli.relay import all_relays, run_relays
    from services.shared.logs import configure_logging

    configure_logging("relay")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    run_relays(all_relays(), stop)


@app.command()
def up(
    var_dir: Annotated[Path, typer.Option(help="where databases and keys live")] = Path("var"),
    seed_demo: Annotated[bool, typer.Option("--seed/--no-seed", help="load demo data")] = True,
) -> None:
    """Start catalog, exchange and audit on 127.0.0.1:8001/8002/8003 with SQLite, and the
    web portal on 127.0.0.1:8000."""
    import signal

    def _interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)  # stop the services on SIGTERM as on Ctrl-C
    deployment = LocalDeployment(var_dir)
    env = deployment.environment()
    env.setdefault("DATAEX_BOOTSTRAP_OPERATOR", os.environ.get("DATAEX_BOOTSTRAP_OPERATOR",
                                                                 DEMO_OPERATOR))
    os.environ.update(env)
    migrate(None)
    if seed_demo:
        seed()
    supervisor = Supervisor()
    try:
        for service in ("exchange", "catalog", "audit"):
            supervisor.start_service(service, env)
        not_ready = wait_ready({s: deployment.url(s) for s in SERVICES})
        if not_ready:
            console.print(f"[red]not ready:[/] {', '.join(not_ready)}")
            raise typer.Exit(1)
        supervisor.start("relay", [sys.executable, "-m", "services.cli.main", "relay"], env)
        supervisor.start_service("portal", env)
        if wait_ready({"portal": deployment.portal_url}):
            console.print("[red]not ready:[/] portal")
            raise typer.Exit(1)
        _print_welcome(deployment, env["DATAEX_BOOTSTRAP_OPERATOR"], seed_demo)
        while not supervisor.exited():
            time.sleep(0.5)
        console.print(f"[red]a service stopped:[/] {supervisor.exited()}")
        raise typer.Exit(1)
    except KeyboardInterrupt:
        console.print("\nstopping…")
    finally:
        supervisor.stop()
    console.print("stopped")


def _print_welcome(deployment: LocalDeployment, operator: str, seeded: bool) -> None:
    table = Table(title="dataex is up")
    table.add_column("service")
    table.add_column("URL")
    table.add_column("API docs")
    for service in SERVICES:
        url = deployment.url(service)
        table.add_row(service, url, f"{url}/docs")
    table.add_row("portal", deployment.portal_url, "")
    console.print(table)
    accounts = Table(title="accounts (POST /v1/auth/token, grant_type=password)")
    for column in ("username", "password", "organisation", "roles"):
        accounts.add_column(column)
    username, password = operator.split(":", 1)
    accounts.add_row(username, password, "exchange operator", "operator")
    if seeded:
        for a in DEMO_ACCOUNTS:
            accounts.add_row(a.username, a.password, a.org_name, ", ".join(a.roles))
    console.print(accounts)
    console.print("The operator and the regulator need a second factor: on their first "
                  "portal sign-in they enrol an authenticator app at /me/mfa (README, "
                  "Security).")
    console.print(f"Open {deployment.portal_url} in a browser. Ctrl-C stops everything.")


@app.command()
def verify(
    bundle: Annotated[Path, typer.Argument(help="a bundle from GET /v1/export (.jsonl or .tar)")],
    fast: Annotated[bool, typer.Option("--fast", help="trust entry signatures; check hashes "
                                                      "and checkpoints only")] = False,
    since: Annotated[str | None, typer.Option(
        help="a trusted checkpoint (JSON file or text, as GET /v1/checkpoints/latest "
             "serves it) or an older bundle this one must extend")] = None,
    workers: Annotated[int | None, typer.Option(help="processes for signatures")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Verify a ledger bundle offline: canonical entries, hash chain, signatures,
    Merkle roots, checkpoint signatures and consistency. Exits 1 on the first problem,
    naming the entry."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from services.audit.verify import verify_bundle

    if not bundle.exists():
        console.print(f"[red]no such file:[/] {bundle}")
        raise typer.Exit(2)
    progress = Progress("[progress.description]{task.description}", BarColumn(),
                        MofNCompleteColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                        disable=quiet, transient=True)
    task = progress.add_task("verifying", total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total or None)

    with progress:
        report = verify_bundle(str(bundle), fast=fast, since=since, workers=workers,
                               progress=advance)
    mode = "hashes and checkpoints" if fast else "hashes, checkpoints and every signature"
    if report.ok:
        last = report.last_checkpoint or {}
        console.print(f"[green]OK[/] {report.entries} entries, {report.checkpoints} checkpoints "
                      f"({mode}); last checkpoint: size {last.get('tree_size')}, "
                      f"root {last.get('root_hash')}")
        if report.unchecked_tail:
            console.print(f"{report.unchecked_tail} entries after the last checkpoint are "
                          "chained but not yet covered by a signed root")
        return
    failure = report.failure
    assert failure is not None
    where = f"entry {failure.seq}" if failure.seq is not None else "bundle"
    console.print(f"[red]FAILED[/] {where}: {failure.kind}: {failure.detail}")
    raise typer.Exit(1)


@certificate_app.command("verify")
def verify_certificate(
    document: Annotated[Path, typer.Argument(help="the signed document, as JSON")],
    jwks: Annotated[Path, typer.Option(help="the exchange's keys, saved from "
                                            "/v1/signing-keys")],
    party_keys: Annotated[Path | None, typer.Option(
        help="a party's published keys (GET /v1/organizations/ORG/keys), to check that "
             "the key of a party signature was the party's and valid then")] = None,
    ledger_keys: Annotated[Path | None, typer.Option(
        help="the ledger's keys (audit GET /v1/keys), to check a voucher's inclusion "
             "proof and checkpoint signature")] = None,
) -> None:
    """Check a certificate, contract acceptance, party signature receipt or trade voucher
    offline: who signed what with which key, and a voucher's ledger proof."""
    from services.cli.documents import read_json, verify_report

    try:
        findings = verify_report(
            read_json(document), read_json(jwks),
            party_keys=read_json(party_keys) if party_keys else None,
            ledger_keys=read_json(ledger_keys) if ledger_keys else None)
    except ValueError as exc:
        console.print(f"[red]INVALID[/] {exc}")
        raise typer.Exit(1) from exc
    for finding in findings:
        console.print(f"  {'✓' if finding.ok else '✗'} {finding.text}", highlight=False)
    if all(f.ok for f in findings):
        console.print("[green]VALID[/]")
        return
    console.print("[red]INVALID[/]")
    raise typer.Exit(1)


@app.command()
def sign(
    statement: Annotated[Path, typer.Argument(help="the statement to sign, as JSON (or the "
                                                   "signature-required problem naming it)")],
    key: Annotated[Path, typer.Option(help="your organisation's private key (PEM)")],
) -> None:
    """Print the detached JWS of a statement, to send as ``signature``."""
    from services.cli.documents import load_private_key, read_json, statement_of
    from services.shared.party_signatures import sign as sign_statement

    try:
        jws = sign_statement(statement_of(read_json(statement)), load_private_key(key))
    except ValueError as exc:
        console.print(f"[red]cannot sign:[/] {exc}")
        raise typer.Exit(2) from exc
    typer.echo(jws)


@keys_app.command("generate")
def generate_party_key(
    out: Annotated[Path, typer.Option(help="where to write the private key (PEM, mode 0600)")],
    alg: Annotated[str, typer.Option(help="ES256 (P-256) or EdDSA (Ed25519)")] = "ES256",
) -> None:
    """Make an organisation signing key: the private PEM stays with you, the public JWK
    (printed, and saved as OUT.jwk.json) is what you register at /v1/me/keys."""
    from services.cli.documents import write_new_key

    if alg not in ("ES256", "EdDSA"):
        raise typer.BadParameter("ES256 or EdDSA", param_hint="--alg")
    if out.exists():
        raise typer.BadParameter(f"{out} exists; choose another file", param_hint="--out")
    typer.echo(json.dumps(write_new_key(alg, out)))
def _exchange_client(url: str) -> ExchangeClient:
    """A client of the exchange at ``url`` (tests replace it with an in-process one)."""
    return ExchangeClient.connect(url)


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}" if abs(fen) < 10**15 else str(fen)


@app.command()
def reconcile(
    day: Annotated[str, typer.Option("--date", help="business day YYYY-MM-DD (Beijing "
                                                    "time); today by default")] = "",
    exchange_url: Annotated[str, typer.Option(envvar="DATAEX_EXCHANGE_URL")] =
        "http://127.0.0.1:8002",
    username: Annotated[str, typer.Option(envvar="DATAEX_USERNAME",
                                          help="an operator or regulator")] = "operator",
    password: Annotated[str, typer.Option(envvar="DATAEX_PASSWORD", prompt=True,
                                          hide_input=True)] = "",
    totp_code: Annotated[str, typer.Option(envvar="DATAEX_TOTP_CODE",
                                           help="the authenticator app's code (operators and "
                                                "regulators)")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """A day's deposits and payouts against the exchange's journal; exits 1 unless
    they balance."""
    import json

    from services.exchange.market.payouts import business_day
    from services.shared.orm import utcnow

    chosen = day or business_day(utcnow()).isoformat()
    client = _exchange_client(exchange_url)
    try:
        token = client.password_token(username, password, totp_code or None).access_token
        report = client.as_caller(BearerToken(token)).reconciliation(chosen)
    except ApiProblem as problem:
        console.print(f"[red]refused[/] {problem.status}: {problem.detail}")
        raise typer.Exit(2) from problem
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_reconciliation(report)
    if not report["balanced"]:
        raise typer.Exit(1)


def _print_reconciliation(report: dict[str, Any]) -> None:
    lines = Table(title=f"reconciliation {report['day']} (Beijing time), yuan")
    for column in ("kind", "time", "organisation", "amount", "reference", "journal entry"):
        lines.add_column(column)
    for d in report["deposits"]:
        lines.add_row("deposit", d["at"], d["org_id"], _yuan(d["amount_fen"]),
                      d["reference"] or "", d["journal_entry_id"])
    for p in report["payouts"]:
        lines.add_row("payout", p["at"], p["org_id"], _yuan(-p["amount_fen"]),
                      p["bank_reference"] or "", p["journal_entry_id"])
    console.print(lines)
    console.print(f"deposits {_yuan(report['deposits_fen'])} (journal "
                  f"{_yuan(report['journal_in_fen'])}), payouts {_yuan(report['payouts_fen'])} "
                  f"(journal {_yuan(report['journal_out_fen'])}); held from banks "
                  f"{_yuan(report['opening_fen'])} -> {_yuan(report['closing_fen'])}; "
                  f"payouts pending {_yuan(report['pending_payouts_fen'])}")
    if report["balanced"]:
        console.print("[green]BALANCED[/]")
        return
    for problem in report["problems"]:
        console.print(f"[red]NOT BALANCED[/] {problem}")


KEY_PURPOSES = {"tokens": "exchange", "documents": "exchange", "checkpoints": "audit"}


@keys_app.command("rotate")
def rotate_keys(
    purpose: Annotated[str, typer.Option(
        help="tokens (the exchange's access and grant tokens), documents (its "
             "certificates and vouchers) or checkpoints (the audit ledger's)")] = "tokens",
    var_dir: Annotated[Path, typer.Option(help="the deployment's var folder")] = Path("var"),
) -> None:
    """Start signing with a new key for one purpose; the old key keeps verifying (tokens
    until they expire; documents and checkpoints for good). The key passphrase comes
    from the service's settings (DATAEX_EXCHANGE_KEY_PASSPHRASE, DATAEX_AUDIT_...)."""
    if purpose not in KEY_PURPOSES:
        raise typer.BadParameter(" or ".join(KEY_PURPOSES), param_hint="--purpose")
    settings = _settings(KEY_PURPOSES[purpose]).model_copy(update={"var_dir": var_dir})
    if purpose == "checkpoints":
        from services.audit.app import checkpoint_keyring

        ring = checkpoint_keyring(settings)
    else:
        from services.exchange.signing_keys import document_keyring, token_keyring

        ring = token_keyring(settings) if purpose == "tokens" else document_keyring(settings)
    try:
        key = ring.rotate()
    except PermissionError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    console.print(f"new {purpose} signing key {key.kid}")


@dispute_app.command("verify")
def verify_dispute_case(
    case_file: Annotated[Path, typer.Argument(help="a case file from "
                                                   "GET /v1/disputes/{id}/case")],
    keys: Annotated[Path | None, typer.Option(
        help="the ledger's keys, saved earlier from the audit service's GET /v1/keys "
             "(default: the keys inside the case file)")] = None,
) -> None:
    """Check a dispute's case file offline: the checkpoint signature, and for each
    evidence item its entry hash, source signature, inclusion proof and order. Exits 1
    when anything fails."""
    import json

    from services.audit.verify.casefile import verify_case_file

    try:
        case = json.loads(case_file.read_text(encoding="utf-8"))
        trusted = json.loads(keys.read_text(encoding="utf-8")) if keys else None
    except (OSError, ValueError) as exc:
        console.print(f"[red]cannot read[/] {exc}")
        raise typer.Exit(2) from None
    report = verify_case_file(case, trusted)
    if keys is None:
        console.print("keys: taken from the case file (pass --keys to check against keys "
                      "you trust)")
    for failed in report.problems:
        console.print(f"[red]FAILED[/] {failed}")
    for seq, type_, problem in report.items:
        verdict = "[green]ok[/]" if problem is None else f"[red]FAILED[/] {problem}"
        console.print(f"evidence #{seq} {type_}: {verdict}")
    if not report.ok:
        raise typer.Exit(1)
    checkpoint = case.get("checkpoint", {})
    console.print(f"[green]VALID[/] {len(report.items)} evidence items of order "
                  f"{case.get('order_id')} proven against the checkpoint at tree size "
                  f"{checkpoint.get('tree_size')}")


@app.command("unlock-sign-in")
def unlock_sign_in(
    account: Annotated[str, typer.Option("--account", help="the username to unlock")] = "",
    source: Annotated[str, typer.Option("--source", help="the address to unlock")] = "",
    exchange_url: Annotated[str, typer.Option(envvar="DATAEX_EXCHANGE_URL")] =
        "http://127.0.0.1:8002",
    username: Annotated[str, typer.Option(envvar="DATAEX_USERNAME",
                                          help="an operator")] = "operator",
    password: Annotated[str, typer.Option(envvar="DATAEX_PASSWORD", prompt=True,
                                          hide_input=True)] = "",
) -> None:
    """Unlock an account or a source address locked after failed sign-ins (operators);
    without --account or --source, list what is locked or delayed now."""
    client = _exchange_client(exchange_url)
    try:
        token = client.password_token(username, password).access_token
        operator = client.as_caller(BearerToken(token))
        if not account and not source:
            for lock in operator.sign_in_locks():
                console.print(f"{lock['kind']:8} {lock['label'] or lock['key']:40} "
                              f"failures={lock['failures']} locked_until="
                              f"{lock['locked_until'] or '-'}")
            return
        operator.unlock_sign_in(username=account or None, source=source or None)
    except ApiProblem as problem:
        console.print(f"[red]refused[/] {problem.status}: {problem.detail}")
        raise typer.Exit(2) from problem
    console.print(f"unlocked {account or source}")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
