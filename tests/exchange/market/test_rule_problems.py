"""A rule violation answers as the problem of its kind, slug and facts kept."""

from __future__ import annotations

from services.exchange.market.errors import InvalidTerms, NotPermitted, WrongState
from services.exchange.rule_problems import problem_for


def test_each_kind_maps_to_its_status() -> None:
    assert problem_for(InvalidTerms("bad", slug="x")).status == 422
    assert problem_for(NotPermitted("no", slug="y")).status == 403
    conflict = problem_for(WrongState("late", slug="z", theme="health"))
    assert conflict.status == 409
    assert conflict.body() == {"type": "urn:dataex:problem:z", "title": "Conflict",
                               "status": 409, "detail": "late", "theme": "health"}
