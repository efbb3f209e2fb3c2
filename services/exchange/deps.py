"""Typed dependencies of the exchange's routes: settings, password hasher, issuer."""

from __future__ import annotations

from typing import Annotated

from services.exchange.config import ExchangeSettings
from services.exchange.identity.issuer import TokenIssuer
from services.exchange.identity.passwords import Passwords
from services.exchange.sign_in.service import SignInGuard
from services.shared.app import app_state

SettingsDep = Annotated[ExchangeSettings, app_state("settings")]
PasswordsDep = Annotated[Passwords, app_state("passwords")]
IssuerDep = Annotated[TokenIssuer, app_state("issuer")]
SignInGuardDep = Annotated[SignInGuard, app_state("sign_in_guard")]
