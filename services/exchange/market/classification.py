"""What an asset over several datasets inherits of their open types and grades
(:mod:`services.shared.classification`), and what the grade allows."""

from __future__ import annotations

from collections.abc import Iterable

from services.shared.classification import Grade, OpenType

__all__ = [
    "GRADE_ORDER",
    "OPEN_ORDER",
    "Grade",
    "OpenType",
    "is_tradable_grade",
    "needs_regulator_approval",
    "strictest_grade",
    "strictest_open_type",
]


GRADE_ORDER: dict[str, int] = {Grade.GENERAL: 0, Grade.IMPORTANT: 1, Grade.CORE: 2}
OPEN_ORDER: dict[str, int] = {OpenType.UNCONDITIONAL: 0, OpenType.CONDITIONAL: 1,
                              OpenType.NOT_OPEN: 2}


def strictest_grade(grades: Iterable[str]) -> str:
    """The most sensitive of the grades (an unknown grade counts as general)."""
    return max(grades, key=lambda g: GRADE_ORDER.get(g, 0))


def strictest_open_type(open_types: Iterable[str]) -> str:
    """The least open of the open types (an unknown one counts as conditional)."""
    return max(open_types, key=lambda o: OPEN_ORDER.get(o, 1))


def is_tradable_grade(grade: str) -> bool:
    """Core data is never traded."""
    return grade != Grade.CORE


def needs_regulator_approval(grade: str) -> bool:
    """Orders over important-grade data wait for a regulator's approval."""
    return grade == Grade.IMPORTANT
