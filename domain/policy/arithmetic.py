"""Decimal arithmetic shared by the scoring functions.

Every computation runs in its own local context, so a caller's global decimal
context can never change a result.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from contextlib import AbstractContextManager
from decimal import Decimal

from domain import errors

# Intermediate values (a, b, c, ratios, means) keep 28 significant digits.
PRECISION = 28

# Before the policy rounding, a score is settled to 20 places: this removes the
# last-digit error of 28-digit divisions (so 89.995 on paper rounds as 89.995,
# never as 89.99499…). No real score lies within 1e-20 of a rounding boundary
# without being on it: that would need millions of standard units.
_SETTLE = Decimal("1e-20")


_EXACT = decimal.Context(
    prec=PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


def exact() -> AbstractContextManager[decimal.Context]:
    """A private context: 28 digits, errors raised instead of silently producing NaN.

    ``localcontext`` copies the template, so no call can change it for the next.
    """
    return decimal.localcontext(_EXACT)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Σ without rounding: 28-digit terms add up exactly within 60 digits."""
    with decimal.localcontext(decimal.Context(prec=60, traps=[decimal.Inexact])):
        return sum(values, Decimal(0))


def round_to(value: Decimal, places: int, rounding: str) -> Decimal:
    """Settle, then round to ``places`` decimals with the given decimal rounding mode."""
    with exact():
        settled = value.quantize(_SETTLE, rounding=decimal.ROUND_HALF_EVEN)
        return settled.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def tidy(value: Decimal) -> Decimal:
    """The same number without trailing zeros, never in exponent form (0.50 → 0.5, 10.0 → 10)."""
    with exact():
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


def text(value: Decimal) -> str:
    """Exact text of a Decimal, never in exponent notation."""
    return f"{value:f}"


def require_finite(value: Decimal, what: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise errors.InvalidValue(f"{what} must be a finite decimal, got {value!r}", value=value)
    return value


def require_non_negative(value: Decimal, what: str) -> Decimal:
    require_finite(value, what)
    if value < 0:
        raise errors.InvalidValue(f"{what} must not be negative, got {value}", value=str(value))
    return value
