"""Second-factor routes: the caller's status, TOTP enrolment, recovery codes."""

from __future__ import annotations

from fastapi import APIRouter

from services.exchange.deps import SettingsDep
from services.exchange.mfa import service
from services.exchange.mfa.schemas import MfaStatus, RecoveryCodes, TotpCode, TotpEnrolment
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import EnrollingPrincipal

router = APIRouter(tags=["identity"])


@router.get("/me/mfa", response_model=MfaStatus,
            summary="Your second factor: enrolled or not, required or not")
def mfa_status(session: SessionDep, settings: SettingsDep,
               actor: EnrollingPrincipal) -> MfaStatus:
    """Members and holders of an enrolment token."""
    return service.status(session, settings, actor)


@router.post("/me/mfa/totp", response_model=TotpEnrolment,
             summary="Start TOTP enrolment: a new secret and its otpauth:// URI")
def start_totp(uow: UnitOfWorkDep, actor: EnrollingPrincipal) -> TotpEnrolment:
    """Pending until a code from the secret is confirmed."""
    return service.start_enrolment(uow, actor)


@router.post("/me/mfa/totp/confirm", response_model=RecoveryCodes,
             summary="Confirm TOTP enrolment with a first code; recovery codes are shown once")
def confirm_totp(body: TotpCode, uow: UnitOfWorkDep,
                 actor: EnrollingPrincipal) -> RecoveryCodes:
    """From now on every sign-in needs a code (or a recovery code)."""
    return service.confirm_enrolment(uow, actor, body.code)


@router.post("/me/mfa/recovery-codes", response_model=RecoveryCodes,
             summary="New recovery codes for a current code (the old ones stop working)")
def renew_recovery_codes(body: TotpCode, uow: UnitOfWorkDep,
                         actor: EnrollingPrincipal) -> RecoveryCodes:
    """Shown once."""
    return service.renew_recovery_codes(uow, actor, body.code)
