"""The regulator's authorisations of public-data operators (公共数据授权运营): the list,
approving an operator organisation over a not-open asset for a stated scenario and term,
and revoking with a reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from services.clients import ApiProblem
from services.portal.access import ApiDep, RegulatorDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.templating import render

router = APIRouter()

# API refusals by the form field they are about (anything else shows above the form).
FIELD_OF_SLUG = {"unknown-asset": "asset_id", "not-authorised-operation-data": "asset_id",
                 "asset-not-registered": "asset_id", "unknown-organisation": "operator_org_id",
                 "operator-is-owner": "operator_org_id", "bad-term": "term_days"}


class AuthorisationForm(BaseModel):
    """The approval form as posted."""

    asset_id: str = ""
    operator_org_id: str = ""
    scenario: str = ""
    term_days: str = "365"


def _page(request: Request, api: Caller, *, form: AuthorisationForm | None = None,
          errors: dict[str, str] | None = None, revoke_errors: dict[str, str] | None = None,
          notice: str | None = None, status_code: int = 200) -> Response:
    assets = [a for a in api.exchange.assets_in_status("registered", limit=200)["items"]
              if a.get("open_type") == "not_open"]
    organisations = api.exchange.organizations(status="active", limit=200)
    names = {o["id"]: o["name"] for o in organisations}
    return render(request, "regulator/authorisations.html", {
        "authorisations": api.exchange.authorisations(), "assets": assets,
        "asset_names": {a["id"]: a["name"] for a in assets}, "organisations": organisations,
        "org_names": names, "form": form or AuthorisationForm(), "errors": errors or {},
        "revoke_errors": revoke_errors or {}, "notice": notice}, status_code=status_code)


@router.get("/authorisations")
def authorisations(request: Request, _regulator: RegulatorDep, api: ApiDep,
                   done: str | None = None) -> Response:
    """Every authorisation, newest first, and the form approving a new one."""
    return _page(request, api, notice=done if done in ("granted", "revoked") else None)


def _form_errors(t: Translator, form: AuthorisationForm) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    for name in ("asset_id", "operator_org_id"):
        if not getattr(form, name).strip():
            errors[name] = t("authz.error.choose")
    if len(form.scenario.strip()) < 4:
        errors["scenario"] = t("authz.error.scenario")
    term = form.term_days.strip()
    if not term.isdigit() or not 1 <= int(term) <= 1825:
        errors["term_days"] = t("authz.error.term")
    body = {"asset_id": form.asset_id.strip(), "operator_org_id": form.operator_org_id.strip(),
            "scenario": form.scenario.strip(), "term_days": int(term) if term.isdigit() else 0}
    return body, errors


@router.post("/authorisations")
def approve(request: Request, _regulator: RegulatorDep, api: ApiDep,
            form: Annotated[AuthorisationForm, Form()]) -> Response:
    """Authorise the operator organisation; errors show next to their fields."""
    body, errors = _form_errors(Translator(choose_language(request)), form)
    if not errors:
        try:
            api.exchange.authorise(body)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = {FIELD_OF_SLUG.get(problem.slug or "", "form"): problem.detail}
    if errors:
        return _page(request, api, form=form, errors=errors, status_code=422)
    return RedirectResponse("/regulator/authorisations?done=granted", status_code=303)


@router.post("/authorisations/{authorisation_id}/revoke")
def revoke(request: Request, _regulator: RegulatorDep, api: ApiDep, authorisation_id: str,
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Revoke an authorisation, saying why."""
    if len(reason.strip()) < 2:
        t = Translator(choose_language(request))
        return _page(request, api, revoke_errors={authorisation_id: t("authz.error.reason")},
                     status_code=422)
    try:
        api.exchange.revoke_authorisation(authorisation_id, reason.strip())
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _page(request, api, revoke_errors={authorisation_id: problem.detail},
                     status_code=problem.status)
    return RedirectResponse("/regulator/authorisations?done=revoked", status_code=303)
