"""Suspending and reinstating an organisation (operators).

Suspension stops everything the organisation holds at once: every token it was issued
(the revocation list names the organisation with the time of suspension; the catalog
and the audit service refuse its tokens within their revocation bound), its refresh
tokens, its live grants as a buyer (revoked for good, reason
``organization_suspended``) and its offers as a provider (``suspended``, not
orderable). Reinstatement makes it active again and restores its suspended offers; its
revoked grants and tokens stay revoked, so its users sign in afresh.
"""

from __future__ import annotations

from services.exchange.grants import service as grants
from services.exchange.identity import repository as identities
from services.exchange.identity.tables import Organization
from services.exchange.market.statuses import OfferStatus, OrganizationStatus
from services.exchange.sessions import service as sessions
from services.exchange.suspension import repository
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.orm import utcnow
from services.shared.problems import Conflict, InvalidInput, NotFound


def _organization(uow: UnitOfWork, org_id: str, reason: str) -> Organization:
    if not reason.strip():
        raise InvalidInput("reason: say why", slug="reason-required")
    org = identities.organization(uow.session, org_id, for_update=True)
    if org is None:
        raise NotFound(f"no organisation {org_id}")
    return org


def suspend(uow: UnitOfWork, *, org_id: str, reason: str, actor: Principal) -> Organization:
    """active → suspended: its tokens, refresh tokens, grants and offers stop."""
    org = _organization(uow, org_id, reason)
    if "operator" in org.roles:
        raise Conflict("the operator's own organisation cannot be suspended",
                       slug="operator-not-suspendable")
    if org.status != OrganizationStatus.ACTIVE:
        raise Conflict(f"organisation is {org.status}; only an active one can be suspended",
                       slug="invalid-transition")
    now = utcnow()
    org.status = OrganizationStatus.SUSPENDED.value
    org.suspended_at = org.tokens_revoked_at = now
    org.decision_reason = reason.strip()
    sessions.revoke_org_sessions(uow, org.id, reason="org_suspended")
    revoked = []
    for grant in repository.live_grants_of_buyer(uow.session, org.id):
        grants.revoke(uow, grant, reason="organization_suspended", actor=actor.subject,
                      now=now)
        revoked.append(grant.id)
    offers = repository.move_offers(uow.session, org.id, from_status=OfferStatus.ACTIVE,
                                    to_status=OfferStatus.SUSPENDED)
    uow.record(type="organization.suspended", actor=actor.subject, subject=org.id,
               payload={"org_id": org.id, "reason_sha256": text_sha256(reason.strip()),
                        "grants_revoked": revoked, "offers_suspended": offers})
    return org


def reinstate(uow: UnitOfWork, *, org_id: str, reason: str, actor: Principal) -> Organization:
    """suspended → active: its suspended offers are active again; revoked grants and
    tokens are not restored."""
    org = _organization(uow, org_id, reason)
    if org.status != OrganizationStatus.SUSPENDED:
        raise Conflict(f"organisation is {org.status}; only a suspended one can be "
                       "reinstated", slug="invalid-transition")
    org.status = OrganizationStatus.ACTIVE.value
    org.suspended_at = None
    org.decision_reason = reason.strip()
    offers = repository.move_offers(uow.session, org.id, from_status=OfferStatus.SUSPENDED,
                                    to_status=OfferStatus.ACTIVE)
    uow.record(type="organization.reinstated", actor=actor.subject, subject=org.id,
               payload={"org_id": org.id, "reason_sha256": text_sha256(reason.strip()),
                        "offers_restored": offers})
    return org
