"""Who may open a page: FastAPI dependencies for the visitor and each kind of member.

A page that needs a member sends an anonymous visitor (or one whose token expired) to
sign in; a member without the page's role gets the 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from services.clients import ApiProblem
from services.portal.backends import Backends, Caller
from services.portal.session import ANONYMOUS, Visitor, session_token


class SignInRequired(Exception):
    """The page needs a signed-in member (or the session's token was refused)."""


class PageForbidden(Exception):
    """The member's organisation lacks the role the page needs."""


def current_visitor(request: Request) -> Visitor:
    """The visitor behind the session cookie (asked of the exchange's ``/v1/me`` once
    per request); anonymous without a valid session."""
    cached: Visitor | None = getattr(request.state, "visitor", None)
    if cached is not None:
        return cached
    token = session_token(request)
    visitor = ANONYMOUS
    if token is not None:
        backends: Backends = request.app.state.backends
        try:
            me = backends.for_caller(token).exchange.me()
        except ApiProblem as problem:
            if problem.status != 401:
                raise
            request.state.session_expired = True
        else:
            user = me.get("user") or {}
            org = me.get("organization") or {}
            visitor = Visitor(token=token, username=user.get("username"),
                              org_id=org.get("id"), org_name=org.get("name"),
                              roles=frozenset(me.get("roles") or ()),
                              user_role=user.get("role"))
    request.state.visitor = visitor
    return visitor


VisitorDep = Annotated[Visitor, Depends(current_visitor)]


def current_api(visitor: VisitorDep, request: Request) -> Caller:
    """The APIs as this visitor calls them (with its own token, or none)."""
    backends: Backends = request.app.state.backends
    return backends.for_caller(visitor.token)


ApiDep = Annotated[Caller, Depends(current_api)]


def signed_in_member(visitor: VisitorDep) -> Visitor:
    """The visitor, who must be signed in."""
    if not visitor.is_member:
        raise SignInRequired
    return visitor


MemberDep = Annotated[Visitor, Depends(signed_in_member)]


def member_with(role: str) -> Callable[[Visitor], Visitor]:
    """A dependency on a signed-in member whose organisation holds ``role``."""

    def check(member: MemberDep) -> Visitor:
        if not member.has(role):
            raise PageForbidden(role)
        return member

    check.__name__ = f"{role}_member"
    return check


BuyerDep = Annotated[Visitor, Depends(member_with("buyer"))]
ProviderDep = Annotated[Visitor, Depends(member_with("provider"))]
OperatorDep = Annotated[Visitor, Depends(member_with("operator"))]
RegulatorDep = Annotated[Visitor, Depends(member_with("regulator"))]
