"""Typed dependencies of the exchange's routes: settings, password hasher, issuer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.exchange.config import ExchangeSettings
from services.exchange.identity.issuer import TokenIssuer
from services.exchange.identity.passwords import Passwords


async def _settings(request: Request) -> ExchangeSettings:
    settings: ExchangeSettings = request.app.state.settings
    return settings


async def _passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


async def _issuer(request: Request) -> TokenIssuer:
    issuer: TokenIssuer = request.app.state.issuer
    return issuer


SettingsDep = Annotated[ExchangeSettings, Depends(_settings)]
PasswordsDep = Annotated[Passwords, Depends(_passwords)]
IssuerDep = Annotated[TokenIssuer, Depends(_issuer)]
