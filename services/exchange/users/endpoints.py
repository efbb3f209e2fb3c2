"""Organisation users: an admin's list, invitations, roles, disabling; every user's own
password; the token revocations the other services consult."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from services.exchange.deps import PasswordsDep, SettingsDep
from services.exchange.unit_of_work import UnitOfWorkDep
from services.exchange.users import service
from services.exchange.users.revocation_list import revocation_list
from services.exchange.users.schemas import (
    ApiKeyRevocationOut,
    OrgRevocationOut,
    OrgUserOut,
    PasswordChange,
    RevocationOut,
    RevocationsOut,
    RoleChange,
    UserInvite,
    UserInvited,
)
from services.shared.app import SessionDep
from services.shared.auth import AnyMemberPrincipal, CurrentPrincipal, ServicePrincipal

router = APIRouter(tags=["users"])


def _tokens_revoked_here(request: Request) -> None:
    """This process revoked tokens: consult the database again on the next request."""
    revocations = getattr(request.app.state, "revocations", None)
    if revocations is not None:
        revocations.forget()


@router.get("/users", response_model=list[OrgUserOut],
            summary="The users of the caller's organisation (its admins)")
def list_users(session: SessionDep, actor: CurrentPrincipal) -> Any:
    """Every user of the organisation, disabled ones included, by username."""
    return service.list_users(session, actor)


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserInvited,
             summary="Invite a user with a role (admins); the first password is shown once")
def invite_user(body: UserInvite, uow: UnitOfWorkDep, passwords: PasswordsDep,
                actor: CurrentPrincipal) -> Any:
    """A new user of the caller's organisation, who signs in with the first password
    and then changes it."""
    user, initial_password = service.invite(uow, passwords, username=body.username,
                                            role=body.role, actor=actor)
    return UserInvited(**OrgUserOut.model_validate(user).model_dump(),
                       initial_password=initial_password)


@router.patch("/users/{user_id}", response_model=OrgUserOut,
              summary="Change a user's role (admins); their older tokens stop working")
def change_role(user_id: str, body: RoleChange, request: Request, uow: UnitOfWorkDep,
                actor: CurrentPrincipal) -> Any:
    """admin, member or read_only."""
    user = service.change_role(uow, user_id=user_id, role=body.role, actor=actor)
    _tokens_revoked_here(request)
    return user


@router.post("/users/{user_id}/disable", response_model=OrgUserOut,
             summary="Disable a user (admins): no sign-in, their tokens are revoked")
def disable_user(user_id: str, request: Request, uow: UnitOfWorkDep,
                 actor: CurrentPrincipal) -> Any:
    """Refused at the exchange at once, at the catalog within its revocation refresh."""
    user = service.set_disabled(uow, user_id=user_id, disabled=True, actor=actor)
    _tokens_revoked_here(request)
    return user


@router.post("/users/{user_id}/enable", response_model=OrgUserOut,
             summary="Enable a disabled user again (admins)")
def enable_user(user_id: str, uow: UnitOfWorkDep, actor: CurrentPrincipal) -> Any:
    """The user signs in again; tokens from before the disabling stay revoked."""
    return service.set_disabled(uow, user_id=user_id, disabled=False, actor=actor)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT,
             summary="Change your own password (the current one is required)")
def change_password(body: PasswordChange, uow: UnitOfWorkDep, passwords: PasswordsDep,
                    actor: AnyMemberPrincipal) -> Response:
    """Read-only users too: it changes only their own account."""
    service.change_password(uow, passwords, old_password=body.old_password,
                            new_password=body.new_password, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/token-revocations", response_model=RevocationsOut,
            summary="The token revocation list (dataex services)")
def token_revocations(session: SessionDep, settings: SettingsDep,
                      _service: ServicePrincipal) -> RevocationsOut:
    """What the catalog and audit consult to refuse revoked tokens: disabled users',
    tokens revoked by ``jti``, suspended organisations'."""
    listed = revocation_list(session, settings)
    return RevocationsOut(
        items=[RevocationOut(user_id=user_id, min_version=version)
               for user_id, version in sorted(listed.users.items())],
        tokens=sorted(listed.tokens),
        organizations=[OrgRevocationOut(org_id=org_id, revoked_before=at)
                       for org_id, at in sorted(listed.organizations.items())],
        api_keys=[ApiKeyRevocationOut(client_id=key_id, revoked_before=at)
                  for key_id, at in sorted(listed.api_keys.items())])
