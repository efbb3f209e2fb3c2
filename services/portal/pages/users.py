"""An organisation's users (``/me/users``, its admins: list, invite, change role,
disable, enable) and every user's own password (``/me/password``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, MemberDep, PageForbidden
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.session import Visitor
from services.portal.templating import render

router = APIRouter(prefix="/me")

USER_ROLES = ("admin", "member", "read_only")
MIN_PASSWORD = 10


def _admin(member: Visitor) -> Visitor:
    if not member.is_admin:
        raise PageForbidden("admin")
    return member


def _users_page(request: Request, api: Caller, *, form: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, invited: dict[str, Any] | None = None,
                status_code: int = 200) -> Response:
    return render(request, "account/users.html", {
        "users": api.exchange.org_users(), "roles": USER_ROLES,
        "form": form or {"username": "", "role": "member"}, "errors": errors or {},
        "invited": invited}, status_code=status_code)


@router.get("/users")
def users(request: Request, member: MemberDep, api: ApiDep) -> Response:
    """The organisation's users with their role and state, and the invitation form."""
    _admin(member)
    return _users_page(request, api)


@router.post("/users")
def invite(request: Request, member: MemberDep, api: ApiDep,
           username: Annotated[str, Form(max_length=100)] = "",
           role: Annotated[str, Form(max_length=20)] = "member") -> Response:
    """Invite a user; the page shows their first password once."""
    _admin(member)
    t = Translator(choose_language(request))
    form = {"username": username.strip(), "role": role}
    if role not in USER_ROLES:
        return _users_page(request, api, form=form, status_code=422,
                           errors={"role": t("users.role_required")})
    try:
        invited = api.exchange.invite_user(form["username"], role)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        detail = t("users.username_invalid") if problem.status == 422 else problem.detail
        return _users_page(request, api, form=form, errors={"username": detail},
                           status_code=problem.status)
    return _users_page(request, api, invited=invited, status_code=201)


@router.post("/users/{user_id}/role")
def change_role(user_id: str, member: MemberDep, api: ApiDep,
                role: Annotated[str, Form(max_length=20)]) -> Response:
    """Give a user another role (their open sessions end)."""
    _admin(member)
    api.exchange.change_user_role(user_id, role)
    return RedirectResponse("/me/users", status_code=303)


@router.post("/users/{user_id}/disable")
def disable(user_id: str, member: MemberDep, api: ApiDep) -> Response:
    """Disable a user: they are signed out everywhere and cannot sign in."""
    _admin(member)
    api.exchange.set_user_disabled(user_id, disabled=True)
    return RedirectResponse("/me/users", status_code=303)


@router.post("/users/{user_id}/enable")
def enable(user_id: str, member: MemberDep, api: ApiDep) -> Response:
    """Let a disabled user sign in again."""
    _admin(member)
    api.exchange.set_user_disabled(user_id, disabled=False)
    return RedirectResponse("/me/users", status_code=303)


@router.get("/password")
def password_form(request: Request, member: MemberDep, done: bool = False) -> Response:
    """The password change form (current password, new one twice)."""
    return render(request, "account/password.html", {"errors": {}, "done": done})


@router.post("/password")
def change_password(request: Request, member: MemberDep, api: ApiDep,
                    old_password: Annotated[str, Form(max_length=256)] = "",
                    new_password: Annotated[str, Form(max_length=256)] = "",
                    repeat_password: Annotated[str, Form(max_length=256)] = "") -> Response:
    """Change the signed-in user's password; each refusal shows next to its field."""
    t = Translator(choose_language(request))
    errors: dict[str, str] = {}
    if not old_password:
        errors["old_password"] = t("password.old_required")
    if len(new_password) < MIN_PASSWORD:
        errors["new_password"] = t("password.too_short")
    elif new_password != repeat_password:
        errors["repeat_password"] = t("password.mismatch")
    if not errors:
        try:
            api.exchange.change_password(old_password, new_password)
        except ApiProblem as problem:
            if problem.status != 422:
                raise
            field = "old_password" if problem.slug == "wrong-password" else "new_password"
            message = t("password.wrong") if field == "old_password" else problem.detail
            errors[field] = message
    if errors:
        return render(request, "account/password.html", {"errors": errors, "done": False},
                      status_code=422)
    return RedirectResponse("/me/password?done=1", status_code=303)
