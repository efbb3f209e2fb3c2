"""How the portal writes figures: money in 元 from integer fen, Beijing local times,
file sizes. Registered as Jinja2 filters by :func:`install_filters`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from jinja2 import Environment

BEIJING = timezone(timedelta(hours=8), "CST")
_SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")


def yuan(fen: int | None) -> str:
    """``123456`` fen as ``¥1,234.56`` (exact: integer arithmetic, no floats)."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def beijing_time(moment: datetime | str | None, *, with_time: bool = True) -> str:
    """An instant (or its RFC 3339 text) in Beijing time, ``2026-03-01 14:05``."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def beijing_date(moment: datetime | str | None) -> str:
    """The Beijing calendar day of an instant."""
    return beijing_time(moment, with_time=False)


def file_size(size: int | None) -> str:
    """``1536`` as ``1.5 KB``: binary multiples, one decimal above bytes."""
    if size is None:
        return "—"
    value = float(size)
    for unit in _SIZE_UNITS:
        if value < 1024 or unit == _SIZE_UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def score(value: float | None) -> str:
    """A 0-100 quality score with one decimal, or a dash when unknown."""
    return "—" if value is None else f"{value:.1f}"


def install_filters(env: Environment) -> None:
    """Make the functions above available as template filters."""
    env.filters.update(yuan=yuan, beijing_time=beijing_time, beijing_date=beijing_date,
                       file_size=file_size, score=score)
