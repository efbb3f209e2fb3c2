"""Party keys and party signatures: an organisation admin registers and rotates public
keys; a signed statement is checked against the party's active key when it arrives,
stored with the exchange's countersignature and recorded in the ledger.

:func:`receive_signature` is the one place other code (order acceptances and
confirmations, dispute statements) verifies a party's signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.exchange.identity import repository as identity
from services.exchange.market.statuses import OrganizationStatus, PartyKeyStatus
from services.exchange.signatures import repository
from services.exchange.signatures.tables import OrganizationKey, PartySignature
from services.exchange.unit_of_work import UnitOfWork
from services.shared import party_signatures
from services.shared.auth import Principal
from services.shared.canonical import canonical_sha256
from services.shared.events import rfc3339
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, InvalidInput, NotFound

RECEIPT_TYPE = "dataex.party_signature"


def _admin_org(session: Session, actor: Principal) -> str:
    if actor.kind != "user" or actor.org is None:
        raise Forbidden("signing keys are managed by a signed-in organisation admin",
                        slug="users-only")
    user = identity.user(session, actor.subject)
    if user is None or not user.is_org_admin:
        raise Forbidden("only the organisation's admin registers or rotates its keys",
                        slug="org-admin-only")
    return actor.org


def _public_jwk(jwk: dict[str, Any]) -> dict[str, str]:
    try:
        return party_signatures.public_member_jwk(jwk)
    except party_signatures.BadSignature as exc:
        raise InvalidInput(str(exc), slug="bad-key") from exc


def _new_key(uow: UnitOfWork, org_id: str, jwk: dict[str, str], actor: Principal,
             now: datetime) -> OrganizationKey:
    if repository.key(uow.session, jwk["kid"]) is not None:
        raise Conflict(f"key {jwk['kid']} is already registered; generate a new key",
                       slug="duplicate-key")
    row = OrganizationKey(kid=jwk["kid"], org_id=org_id, alg=jwk["alg"], jwk=jwk,
                          status=PartyKeyStatus.ACTIVE.value, valid_from=now,
                          registered_by=actor.subject)
    uow.session.add(row)
    uow.session.flush()
    return row


def register_key(uow: UnitOfWork, *, jwk: dict[str, Any], actor: Principal) -> OrganizationKey:
    """The organisation's first signing key (from then on its orders need its signature);
    refused while a key is active: rotate instead."""
    org_id = _admin_org(uow.session, actor)
    public = _public_jwk(jwk)
    if repository.active_key(uow.session, org_id, for_update=True) is not None:
        raise Conflict("the organisation already has an active key; rotate it to replace it",
                       slug="key-exists")
    row = _new_key(uow, org_id, public, actor, utcnow())
    uow.record(type="organization.key_registered", actor=actor.subject, subject=org_id,
               payload={"org_id": org_id, "kid": row.kid, "alg": row.alg,
                        "jwk_sha256": canonical_sha256(public)})
    return row


def rotate_key(uow: UnitOfWork, *, jwk: dict[str, Any], actor: Principal) -> OrganizationKey:
    """Replace the active key: the old one is retired now (its validity period ends, what
    it signed still verifies) and the new one signs from now on."""
    org_id = _admin_org(uow.session, actor)
    public = _public_jwk(jwk)
    old = repository.active_key(uow.session, org_id, for_update=True)
    if old is None:
        raise Conflict("the organisation has no active key to rotate; register one",
                       slug="no-key")
    now = utcnow()
    old.status, old.valid_until, old.retired_by = PartyKeyStatus.RETIRED.value, now, actor.subject
    uow.session.flush()
    row = _new_key(uow, org_id, public, actor, now)
    uow.record(type="organization.key_rotated", actor=actor.subject, subject=org_id,
               payload={"org_id": org_id, "kid": row.kid, "alg": row.alg,
                        "jwk_sha256": canonical_sha256(public), "retired_kid": old.kid})
    return row


def keys_of(session: Session, org_id: str) -> Sequence[OrganizationKey]:
    """Every key of an active member organisation (public: anyone may check a party's
    signature); 404 for an unknown or not yet admitted organisation."""
    org = identity.organization(session, org_id)
    if org is None or org.status != OrganizationStatus.ACTIVE.value:
        raise NotFound(f"no member organisation {org_id}")
    return repository.keys_of(session, org_id)


def own_keys(session: Session, actor: Principal) -> tuple[str, Sequence[OrganizationKey]]:
    """The caller's organisation and its keys."""
    if actor.org is None:
        raise Forbidden("keys belong to member organisations", slug="members-only")
    return actor.org, repository.keys_of(session, actor.org)


def receive_signature(uow: UnitOfWork, *, org_id: str, role: str, statement: dict[str, Any],
                      signature: str | None, actor: Principal) -> PartySignature | None:
    """Check a party's signature over ``statement`` when it arrives.

    An organisation with an active key must sign (``signature-required``); one without a
    key cannot (``no-party-key``). A signature must be a detached JWS by the active key
    over exactly this statement (``bad-signature`` says what is wrong). A valid one is
    stored, countersigned by the exchange (a ``dataex.party_signature`` receipt, which
    verifies offline) and recorded in the ledger; ``None`` when none was needed.
    Raises before anything changes, so a refused signature leaves the order as it was."""
    key = repository.active_key(uow.session, org_id)
    if signature is None:
        if key is not None:
            raise InvalidInput(
                f"your organisation registered signing key {key.kid}: sign the statement "
                f"{statement['type']} with it (dataex sign) and send it as \"signature\"",
                slug="signature-required", statement=statement)
        return None
    if key is None:
        raise InvalidInput("your organisation has registered no signing key; register one "
                           "at /v1/me/keys before signing", slug="no-party-key")
    try:
        parsed = party_signatures.verify(statement, signature, key.jwk)
    except party_signatures.BadSignature as exc:
        raise InvalidInput(f"the signature was refused: {exc}", slug="bad-signature",
                           statement=statement) from exc
    now = utcnow()
    signature_id = new_id("psg")
    document = uow.trading.signer.sign({
        "type": RECEIPT_TYPE, "signature_id": signature_id, "org_id": org_id, "role": role,
        "statement": statement, "jws": signature, "alg": parsed.alg, "key": key.jwk,
        "key_valid_from": rfc3339(key.valid_from), "signed_at": rfc3339(now),
        "issuer": uow.trading.settings.issuer,
    })
    row = PartySignature(id=signature_id, subject=str(statement.get("order_id", "")),
                         org_id=org_id, role=role, statement_type=str(statement["type"]),
                         kid=key.kid, jws=signature, document=document, signed_at=now)
    uow.session.add(row)
    uow.record(type="party.signed", actor=actor.subject, subject=row.subject,
               payload={"signature_id": signature_id, "org_id": org_id, "role": role,
                        "statement_type": row.statement_type,
                        "statement_sha256": canonical_sha256(statement), "kid": key.kid,
                        "receipt_sha256": canonical_sha256(document)})
    return row


def signatures_of(session: Session, subject: str) -> Sequence[PartySignature]:
    """The party signatures received about one order."""
    return repository.signatures_of(session, subject)
