"""The membership application form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response

from services.clients import ApiProblem
from services.portal.access import ApiDep
from services.portal.templating import render

router = APIRouter()

MEMBER_ROLES = ("provider", "buyer")


# Problems the exchange names by slug, and the form field each belongs to.
FIELD_OF_SLUG = {
    "invalid-credit-code": "credit_code",
    "duplicate-credit-code": "credit_code",
    "duplicate-username": "username",
}


def field_errors(problem: ApiProblem) -> dict[str, str]:
    """The problem's complaints by form field (``admin.password`` becomes ``password``),
    so that each shows next to its field; the rest under the key ``form``."""
    field = FIELD_OF_SLUG.get(problem.slug)
    if field is not None:
        return {field: problem.detail.removeprefix(f"{field}: ")}
    errors: dict[str, str] = {}
    for error in problem.problem.get("errors") or []:
        location = [str(part) for part in error.get("loc", []) if part != "body"]
        if location:
            name = location[-1] if location[0] == "admin" else location[0]
            errors.setdefault(name, str(error.get("msg", "")))
    return errors or {"form": problem.detail}


@router.get("/join")
def join_form(request: Request) -> Response:
    """The empty application form."""
    return render(request, "join.html", {"form": {"roles": []}, "errors": {}, "done": None})


@router.post("/join")
def apply(request: Request, api: ApiDep,
          name: Annotated[str, Form(max_length=200)],
          credit_code: Annotated[str, Form(max_length=40)],
          username: Annotated[str, Form(max_length=100)],
          password: Annotated[str, Form(max_length=200)],
          roles: Annotated[list[str] | None, Form()] = None) -> Response:
    """Send the application to the exchange; its refusals show next to their fields."""
    chosen = [role for role in roles or [] if role in MEMBER_ROLES]
    form: dict[str, Any] = {"name": name, "credit_code": credit_code, "username": username,
                            "roles": chosen}
    body = {"name": name, "credit_code": credit_code.strip().upper(), "roles": chosen,
            "admin": {"username": username, "password": password}}
    try:
        created = api.exchange.register_organization(body)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        errors = field_errors(problem)
        return render(request, "join.html", {"form": form, "errors": errors, "done": None},
                      status_code=problem.status)
    return render(request, "join.html", {"form": form, "errors": {}, "done": created},
                  status_code=201)
