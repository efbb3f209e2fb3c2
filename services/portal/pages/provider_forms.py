"""What the provider's forms send, read and checked: amounts typed in 元, declared
columns typed one per line, and the APIs' refusals placed next to the fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from services.clients import ApiProblem

COLUMN_TYPES = ("string", "integer", "decimal", "boolean", "date", "datetime")
REQUIRED_WORDS = frozenset({"required", "必填"})
_SEPARATORS = re.compile(r"[,，]")
_LIST_SEPARATORS = re.compile(r"[,，、;；]")


class FormInvalid(ValueError):
    """A field the portal itself refuses before asking an API: ``field``, the message
    key saying why, and what in the field is wrong."""

    def __init__(self, field: str, key: str, detail: str = "") -> None:
        super().__init__(f"{field}: {key} {detail}")
        self.field = field
        self.key = key
        self.detail = detail


def fen_from_yuan(field: str, text: str) -> int:
    """An amount typed in 元 (``1234.5``) as integer fen, exactly; more than two decimals,
    a negative amount or anything not a number is refused."""
    cleaned = text.strip().replace(",", "").replace("，", "").removeprefix("¥")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise FormInvalid(field, "provider.error.amount") from None
    if not amount.is_finite() or amount < 0:
        raise FormInvalid(field, "provider.error.amount")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise FormInvalid(field, "provider.error.decimals")
    return int(fen)


def yuan_text(fen: int | None) -> str:
    """Integer fen as the plain 元 text a form field holds (``123456`` → ``1234.56``)."""
    if fen is None:
        return ""
    whole, cents = divmod(int(fen), 100)
    return f"{whole}.{cents:02d}"


def word_list(text: str) -> list[str]:
    """Keywords typed with commas or 、 between them."""
    return [word.strip() for word in _LIST_SEPARATORS.split(text) if word.strip()]


def parse_columns(text: str) -> list[dict[str, Any]]:
    """Declared columns, one a line: ``name, type[, required][, description]``."""
    columns = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in _SEPARATORS.split(line)]
        if len(parts) < 2 or not parts[0]:
            raise FormInvalid("columns", "provider.error.columns", line)
        name, kind, rest = parts[0], parts[1].lower(), parts[2:]
        if kind not in COLUMN_TYPES:
            raise FormInvalid("columns", "provider.error.column_type", line)
        required = bool(rest) and rest[0].lower() in REQUIRED_WORDS
        description = ", ".join(rest[1:] if required else rest)
        columns.append({"name": name, "type": kind, "required": required,
                        "description": description})
    return columns


def columns_text(columns: list[Mapping[str, Any]]) -> str:
    """Declared columns written back one a line, as :func:`parse_columns` reads them."""
    lines = []
    for column in columns:
        parts = [str(column["name"]), str(column["type"])]
        if column.get("required"):
            parts.append("required")
        if column.get("description"):
            parts.append(str(column["description"]))
        lines.append(", ".join(parts))
    return "\n".join(lines)


# Where the dataset API's field paths show on the portal's form.
DATASET_FIELDS = {"title.zh": "title_zh", "title.en": "title_en",
                  "title": "title_zh", "description": "description_zh",
                  "description.zh": "description_zh", "description.en": "description_en",
                  "schema": "columns", "columns": "columns"}


def api_field_errors(problem: ApiProblem, known: Mapping[str, str] | None = None
                     ) -> dict[str, str]:
    """An API's refusal by form field: each validation error under the field its path
    names (``title.zh`` → ``title_zh`` through ``known``, else the path's first name),
    anything else under ``form`` as the problem's detail."""
    known = known or {}
    errors: dict[str, str] = {}
    for error in problem.problem.get("errors") or []:
        path = [str(p) for p in error.get("loc", []) if p not in ("body", "query", "path")]
        names = [p for p in path if not p.isdigit()]
        if not names:
            continue
        dotted = ".".join(names[:2])
        field = known.get(dotted) or known.get(names[0]) or names[0]
        errors.setdefault(field, str(error.get("msg", "")))
    return errors or {"form": problem.detail}
