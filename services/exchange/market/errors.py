"""Rule violations the market rulebook raises; plain exceptions, mapped to problem
documents by the exchange's app."""

from __future__ import annotations

from typing import Any


class RuleViolation(Exception):
    """A market rule refused something; ``slug`` names which, ``extensions`` add facts."""

    def __init__(self, detail: str, *, slug: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.slug = slug
        self.extensions = extensions


class InvalidTerms(RuleViolation):
    """What was asked for is not acceptable (answered as a 422)."""


class NotPermitted(RuleViolation):
    """The caller's kind may never do this (answered as a 403)."""


class WrongState(RuleViolation):
    """Not allowed in the object's current state (answered as a 409)."""
