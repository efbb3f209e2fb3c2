"""``dataex orgs``: the operator suspends and reinstates member organisations through the
exchange's API with the operator's own token (which needs the operator's second factor:
``POST /v1/auth/token`` with ``totp_code``)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from services.cli.authorisations import ExchangeUrl, Token
from services.cli.authorisations import _run as call_exchange

app = typer.Typer(help="Member organisations (operators)", no_args_is_help=True)
console = Console()

Reason = Annotated[str, typer.Option("--reason", help="why (kept with the organisation; the "
                                                      "ledger records its hash)")]


@app.command("suspend")
def suspend(
    org_id: Annotated[str, typer.Argument(help="the organisation to suspend")],
    reason: Reason,
    exchange: ExchangeUrl = "http://127.0.0.1:8002", token: Token = "",
) -> None:
    """Suspend an organisation: its tokens, refresh tokens and grants stop for good, its
    offers are suspended."""
    org = call_exchange(exchange, token, lambda e: e.suspend_organization(org_id, reason))
    console.print(f"suspended {org['id']} {org['name']}")


@app.command("reinstate")
def reinstate(
    org_id: Annotated[str, typer.Argument(help="the suspended organisation")],
    reason: Reason,
    exchange: ExchangeUrl = "http://127.0.0.1:8002", token: Token = "",
) -> None:
    """Reinstate a suspended organisation: its offers are active again; its revoked grants
    and tokens stay revoked."""
    org = call_exchange(exchange, token, lambda e: e.reinstate_organization(org_id, reason))
    console.print(f"reinstated {org['id']} {org['name']}")
