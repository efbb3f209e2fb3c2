"""The second factor: enrolment (a TOTP secret confirmed by a first code, then recovery
codes shown once) and the check at sign-in.

Users of organisations holding a role in ``mfa_required_roles`` (operator and regulator
by default) must give a code with their password; so must anyone who enrolled. A user
who must and has not enrolled gets, with ``mfa_enrol_on_first_sign_in``, a ten-minute
token that can only enrol (see :meth:`TokenIssuer.mfa_enrolment_token`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.exchange.config import ExchangeSettings
from services.exchange.identity import repository as identities
from services.exchange.identity.issuer import TokenIssuer
from services.exchange.identity.service import Member
from services.exchange.mfa import model, repository
from services.exchange.mfa.schemas import MfaStatus, RecoveryCodes, TotpEnrolment
from services.exchange.mfa.tables import UserTotp
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import MFA_ENROLMENT_KIND, Principal
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, InvalidInput, Problem, Unauthorized


class MfaEnrolmentRequired(Problem, status=401, slug="mfa-enrolment-required",
                           title="A second factor must be enrolled"):
    """The user must enrol a second factor before signing in; the problem carries a
    token that can only enrol one."""


def required_for(settings: ExchangeSettings, org_roles: list[str]) -> bool:
    """Whether users of an organisation with these roles must present a second factor."""
    return bool(settings.mfa_roles().intersection(org_roles))


def _enrolling_user(actor: Principal) -> str:
    if actor.kind not in ("user", MFA_ENROLMENT_KIND):
        raise Forbidden("a second factor belongs to a signed-in user", slug="users-only")
    return actor.subject


def status(session: Session, settings: ExchangeSettings, actor: Principal) -> MfaStatus:
    """The caller's second factor: enrolled or not, required or not."""
    user_id = _enrolling_user(actor)
    user = identities.user(session, user_id)
    org = identities.organization(session, user.org_id) if user else None
    row = repository.totp(session, user_id)
    confirmed = row is not None and row.confirmed_at is not None
    return MfaStatus(enrolled=confirmed,
                     required=org is not None and required_for(settings, org.roles),
                     enrolled_at=row.confirmed_at if row else None,
                     recovery_codes_left=repository.recovery_codes_left(session, user_id))


def start_enrolment(uow: UnitOfWork, actor: Principal) -> TotpEnrolment:
    """A new pending TOTP secret for the caller (replacing a pending one); 409 once a
    factor is confirmed."""
    user_id = _enrolling_user(actor)
    user = identities.user(uow.session, user_id)
    if user is None or user.disabled:
        raise Forbidden("this user cannot enrol a second factor", slug="user-disabled")
    row = repository.totp(uow.session, user_id, for_update=True)
    if row is not None and row.confirmed_at is not None:
        raise Conflict("a second factor is already enrolled", slug="mfa-already-enrolled")
    secret = model.new_secret()
    if row is None:
        uow.session.add(UserTotp(user_id=user_id, secret=secret, created_at=utcnow()))
    else:
        row.secret, row.created_at = secret, utcnow()
    uow.session.flush()
    return TotpEnrolment(secret=secret, otpauth_uri=model.provisioning_uri(secret, user.username),
                         issuer=model.ISSUER_NAME, account=user.username)


def confirm_enrolment(uow: UnitOfWork, actor: Principal, code: str) -> RecoveryCodes:
    """Confirm the pending secret with a first code; answers the recovery codes, once."""
    user_id = _enrolling_user(actor)
    row = repository.totp(uow.session, user_id, for_update=True)
    if row is None or row.confirmed_at is not None:
        raise Conflict("no enrolment is pending; start one first", slug="mfa-not-pending")
    step = model.accepted_step(row.secret, code, last_step=row.last_step)
    if step is None:
        raise InvalidInput("code: this is not the current code of the new secret",
                           slug="mfa-invalid-code")
    row.confirmed_at, row.last_step = utcnow(), step
    codes = _new_recovery_codes(uow, user_id)
    uow.record(type="user.mfa_enabled", actor=user_id, subject=user_id,
               payload={"user_id": user_id, "method": "totp"})
    return codes


def renew_recovery_codes(uow: UnitOfWork, actor: Principal, code: str) -> RecoveryCodes:
    """New recovery codes (the old ones stop working) for a current TOTP code."""
    user_id = _enrolling_user(actor)
    row = repository.totp(uow.session, user_id, for_update=True)
    if row is None or row.confirmed_at is None:
        raise Conflict("no second factor is enrolled", slug="mfa-not-enrolled")
    step = model.accepted_step(row.secret, code, last_step=row.last_step)
    if step is None:
        raise InvalidInput("code: this is not a current code", slug="mfa-invalid-code")
    row.last_step = step
    codes = _new_recovery_codes(uow, user_id)
    uow.record(type="user.mfa_recovery_codes_renewed", actor=user_id, subject=user_id,
               payload={"user_id": user_id})
    return codes


def _new_recovery_codes(uow: UnitOfWork, user_id: str) -> RecoveryCodes:
    codes = model.new_recovery_codes()
    repository.replace_recovery_codes(uow.session, user_id,
                                      [model.recovery_hash(c) for c in codes], utcnow())
    return RecoveryCodes(recovery_codes=codes)


def check_sign_in(uow: UnitOfWork, issuer: TokenIssuer, settings: ExchangeSettings,
                  member: Member, code: str | None) -> None:
    """Refuse a password sign-in that lacks a second factor it needs: a TOTP code, or a
    recovery code (used up by this sign-in). Only users are asked; API keys of such
    organisations are machine credentials kept by the operator."""
    if member.kind != "user":
        return
    row = repository.totp(uow.session, member.subject, for_update=True)
    enrolled = row is not None and row.confirmed_at is not None
    if not enrolled:
        if not required_for(settings, member.organization.roles):
            return
        _refuse_unenrolled(issuer, settings, member)
    assert row is not None
    if not code:
        raise Unauthorized("this account needs the code from its authenticator app "
                           "(totp_code)", slug="mfa-required", error="invalid_grant")
    if model.looks_like_recovery_code(code):
        used = repository.unused_recovery_code(uow.session, member.subject,
                                               model.recovery_hash(code))
        if used is not None:
            used.used_at = utcnow()
            uow.record(type="user.mfa_recovery_code_used", actor=member.subject,
                       subject=member.subject, payload={"user_id": member.subject})
            return
    else:
        step = model.accepted_step(row.secret, code, last_step=row.last_step)
        if step is not None:
            row.last_step = step
            return
    raise Unauthorized("the authenticator code is wrong, expired or already used",
                       slug="mfa-invalid-code", error="invalid_grant")


def _refuse_unenrolled(issuer: TokenIssuer, settings: ExchangeSettings,
                       member: Member) -> None:
    if not settings.mfa_enrol_on_first_sign_in:
        raise Forbidden("this account needs a second factor and has none; ask the operator "
                        "to enrol one", slug="mfa-not-enrolled", error="invalid_grant")
    enrolment = issuer.mfa_enrolment_token(subject=member.subject,
                                           org_id=member.organization.id, name=member.name)
    raise MfaEnrolmentRequired(
        "this account needs a second factor: enrol one with the enrolment token "
        "(POST /v1/me/mfa/totp, then /v1/me/mfa/totp/confirm), then sign in with a code",
        error="invalid_grant", mfa_enrolment_token=enrolment.access_token,
        expires_in=enrolment.expires_in)
