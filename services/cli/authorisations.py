"""``dataex authorisations``: a regulator scripts 公共数据授权运营 — list, grant and revoke
authorisations of operator organisations over not-open data, through the exchange's API
with the regulator's own token."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from services.clients import ApiProblem, BearerToken, ExchangeClient

app = typer.Typer(help="Authorised operation of not-open public data (regulators)",
                  no_args_is_help=True)
console = Console()

ExchangeUrl = Annotated[str, typer.Option("--exchange", envvar="DATAEX_EXCHANGE_URL",
                                          help="the exchange's base URL")]
Token = Annotated[str, typer.Option("--token", envvar="DATAEX_TOKEN",
                                    help="the caller's bearer token (POST /v1/auth/token)")]


def exchange_client(url: str, token: str) -> ExchangeClient:
    """The exchange, called with ``token``."""
    return ExchangeClient.connect(url, credentials=BearerToken(token), timeout=30)


def _run(url: str, token: str, call: Any) -> Any:
    """Call the exchange; a refusal prints its problem detail and exits 1."""
    if not token:
        console.print("[red]no token:[/] pass --token or set DATAEX_TOKEN")
        raise typer.Exit(2)
    with exchange_client(url, token) as exchange:
        try:
            return call(exchange)
        except ApiProblem as problem:
            console.print(f"[red]refused ({problem.status}):[/] {problem.detail}")
            raise typer.Exit(1) from problem


@app.command("list")
def list_authorisations(
    exchange: ExchangeUrl = "http://127.0.0.1:8002", token: Token = "",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Authorisations the caller may see, newest first."""
    found: list[dict[str, Any]] = _run(exchange, token, lambda e: e.authorisations())
    if as_json:
        console.print_json(json.dumps(found, ensure_ascii=False))
        return
    table = Table("id", "asset", "operator", "status", "until", "scenario")
    for a in found:
        status = "in force" if a["in_force"] else a["status"]
        table.add_row(a["id"], a["asset_id"], a["operator_org_id"], status, a["expires_at"],
                      a["scenario"])
    console.print(table)


@app.command("grant")
def grant(
    asset_id: Annotated[str, typer.Argument(help="the not-open asset")],
    operator_org_id: Annotated[str, typer.Argument(help="the operator organisation")],
    scenario: Annotated[str, typer.Option(help="the stated scenario (应用场景)")],
    term_days: Annotated[int, typer.Option(help="how long it lasts, in days")] = 365,
    exchange: ExchangeUrl = "http://127.0.0.1:8002", token: Token = "",
) -> None:
    """Authorise an operator organisation over a not-open asset (regulators)."""
    made = _run(exchange, token, lambda e: e.authorise({
        "asset_id": asset_id, "operator_org_id": operator_org_id, "scenario": scenario,
        "term_days": term_days}))
    console.print(f"[green]authorised[/] {made['id']} until {made['expires_at']}")


@app.command("revoke")
def revoke(
    authorisation_id: Annotated[str, typer.Argument(help="the authorisation")],
    reason: Annotated[str, typer.Option(help="why it is revoked")],
    exchange: ExchangeUrl = "http://127.0.0.1:8002", token: Token = "",
) -> None:
    """Revoke an authorisation, saying why (regulators)."""
    done = _run(exchange, token, lambda e: e.revoke_authorisation(authorisation_id, reason))
    console.print(f"[green]revoked[/] {done['id']}")

