"""The edge between the market rulebook and HTTP: a rule violation answers as the
problem document of its kind."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.exchange.market.errors import InvalidTerms, NotPermitted, RuleViolation, WrongState
from services.shared.problem_handlers import problem_response
from services.shared.problems import Conflict, Forbidden, InvalidInput, Problem

_PROBLEM_OF: dict[type[RuleViolation], type[Problem]] = {
    InvalidTerms: InvalidInput,
    NotPermitted: Forbidden,
    WrongState: Conflict,
}


def problem_for(violation: RuleViolation) -> Problem:
    """The problem a violation answers as: 422, 403 or 409 with the rule's slug."""
    kind = next((problem for rule, problem in _PROBLEM_OF.items()
                 if isinstance(violation, rule)), InvalidInput)
    return kind(violation.detail, slug=violation.slug, **violation.extensions)


def install_rule_problems(app: FastAPI) -> None:
    """Answer every market rule violation the app's routes let through as a problem."""

    @app.exception_handler(RuleViolation)
    async def _on_violation(request: Request, exc: RuleViolation) -> JSONResponse:
        return problem_response(problem_for(exc), request)
