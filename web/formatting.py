"""How values are shown: dates dd/mm/yyyy, decimals with two places (the exact
value stays exact underneath), names beside codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_decimal

TWO_PLACES = Decimal("0.01")


def show_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            return f"{date.fromisoformat(value[:10]):%d/%m/%Y}"
        except ValueError:
            return value
    return f"{value:%d/%m/%Y}"


def show_datetime(value: datetime | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y %H:%M}"


def show_decimal(value: Decimal | str | int | None, locale: str) -> str:
    """Two places, rounded half up for display only (95,50 in Vietnamese, 95.50 in English)."""
    if value is None or value == "":
        return ""
    try:
        exact = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return _two_places(exact.quantize(TWO_PLACES, rounding=ROUND_HALF_UP), locale)


@lru_cache(maxsize=8192)
def _two_places(shown: Decimal, locale: str) -> str:
    # Babel parses the pattern on every call; a page shows the same few values often.
    return str(format_decimal(shown, format="#,##0.00", locale=locale))


def named(name: str | None, code: str | None) -> str:
    """ "Nguyễn Văn A (SNV-HN-010)"; the code alone when the name is unknown."""
    if not code:
        return ""
    return f"{name} ({code})" if name else code
