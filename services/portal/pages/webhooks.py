"""A member's webhooks: add one (its secret shown once), list them with their recent
deliveries, send a test event, remove one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, MemberDep, PageForbidden
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.session import Visitor
from services.portal.templating import render

router = APIRouter(prefix="/me/webhooks")

RECENT_DELIVERIES = 10


def _trader(member: Visitor) -> Visitor:
    if not (member.has("provider") or member.has("buyer")):
        raise PageForbidden("buyer")
    return member


def _page(request: Request, api: Caller, *, form: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, created: dict[str, Any] | None = None,
          notice: str | None = None, status_code: int = 200) -> Response:
    hooks = api.exchange.webhooks()
    listed = [{**hook, "deliveries": api.exchange.webhook_deliveries(
        hook["id"], limit=RECENT_DELIVERIES)} for hook in hooks]
    return render(request, "webhooks/webhooks.html", {
        "hooks": listed, "event_types": api.exchange.webhook_event_types(),
        "form": form or {"url": "", "description": "", "events": []},
        "errors": errors or {}, "created": created, "notice": notice},
        status_code=status_code)


@router.get("")
def webhooks_page(request: Request, member: MemberDep, api: ApiDep,
                  done: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    """The organisation's webhooks and the form to add one."""
    _trader(member)
    t = Translator(choose_language(request))
    notice = {"removed": t("webhooks.removed"), "tested": t("webhooks.tested")}.get(done or "")
    return _page(request, api, notice=notice)


@router.post("")
def add_webhook(request: Request, member: MemberDep, api: ApiDep,
                url: Annotated[str, Form(max_length=600)] = "",
                description: Annotated[str, Form(max_length=300)] = "",
                events: Annotated[list[str] | None, Form()] = None) -> Response:
    """Create the webhook and show its secret, once; errors next to their fields."""
    _trader(member)
    t = Translator(choose_language(request))
    url, description, chosen = url.strip(), description.strip(), events or []
    form = {"url": url, "description": description, "events": chosen}
    errors: dict[str, str] = {}
    if not url:
        errors["url"] = t("webhooks.url_missing")
    if not chosen:
        errors["events"] = t("webhooks.events_missing")
    if errors:
        return _page(request, api, form=form, errors=errors, status_code=422)
    try:
        created = api.exchange.create_webhook(url=url, events=chosen, description=description)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        field = "url" if "url" in problem.detail else "events" \
            if "events" in problem.detail else "form"
        return _page(request, api, form=form, errors={field: problem.detail},
                     status_code=problem.status)
    return _page(request, api, created=created, status_code=201)


@router.post("/{webhook_id}/test")
def send_test(member: MemberDep, api: ApiDep, webhook_id: str) -> Response:
    """Queue a test event for the webhook."""
    _trader(member)
    api.exchange.send_webhook_test(webhook_id)
    return RedirectResponse("/me/webhooks?done=tested", status_code=303)


@router.post("/{webhook_id}/remove")
def remove(member: MemberDep, api: ApiDep, webhook_id: str) -> Response:
    """Remove the webhook."""
    _trader(member)
    api.exchange.remove_webhook(webhook_id)
    return RedirectResponse("/me/webhooks?done=removed", status_code=303)
