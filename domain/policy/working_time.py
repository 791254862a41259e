"""Time worked in the year and whether a servant can be classified (Art. 11(1–2), 19(3)).

Reading (see docs/domain-rules.md): unpaid personal leave is not time worked;
sick and maternity leave under social insurance law count as time worked by
default (param ``protected_leave``). A month counts as worked days ÷ days in
that month, so 1 Jan–30 Jun is exactly 6 months.
"""

from __future__ import annotations

import calendar
import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from domain import errors
from domain.policy.arithmetic import text
from domain.policy.parameters import Policy
from domain.policy.steps import Computed, Step
from domain.values import LeaveKind

PROTECTED_LEAVE = frozenset({LeaveKind.SICK, LeaveKind.MATERNITY})

# Months are shown floored to 4 places: flooring never turns "not yet 6" into "6".
_MONTH_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class DateSpan:
    """Days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise errors.InvalidValue(f"span ends {self.end} before it starts {self.start}")

    def days(self) -> Iterable[date]:
        for offset in range((self.end - self.start).days + 1):
            yield self.start + timedelta(days=offset)


@dataclass(frozen=True)
class LeaveSpan:
    """A leave from ``start`` to ``end`` (both included) of one kind."""

    start: date
    end: date
    kind: LeaveKind
    ref: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise errors.InvalidValue(f"leave ends {self.end} before it starts {self.start}")

    def days(self) -> Iterable[date]:
        return DateSpan(self.start, self.end).days()


def took_protected_leave(leaves: Sequence[LeaveSpan]) -> bool:
    return any(leave.kind in PROTECTED_LEAVE for leave in leaves)


Interval = tuple[date, date]  # both days included


def _merged(spans: Sequence[Interval]) -> list[Interval]:
    """Sorted, non-overlapping intervals covering the same days."""
    out: list[Interval] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _intersection(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    out = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start <= end:
                out.append((start, end))
    return _merged(out)


def _overlap(spans: Sequence[Interval], first: date, last: date) -> int:
    """Days of ``spans`` (merged) between ``first`` and ``last``, both included."""
    return sum(
        (min(end, last) - max(start, first)).days + 1
        for start, end in spans
        if start <= last and end >= first
    )


def _floor_months(value: Fraction) -> Decimal:
    context = decimal.Context(prec=28, rounding=decimal.ROUND_FLOOR)
    quotient = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    return quotient.quantize(_MONTH_PLACES, rounding=decimal.ROUND_FLOOR)


def months_worked(
    policy: Policy,
    year: int,
    employment: Sequence[DateSpan],
    leaves: Sequence[LeaveSpan] = (),
) -> Computed[Decimal]:
    """Months worked in ``year``: Σ over months of worked days ÷ days in that month."""
    not_worked_kinds = {LeaveKind.UNPAID}
    if policy.protected_leave == "exempt_from_minimum":
        not_worked_kinds |= PROTECTED_LEAVE
    employed = _merged([(span.start, span.end) for span in employment])
    off = _merged([(leave.start, leave.end) for leave in leaves if leave.kind in not_worked_kinds])
    total = Fraction(0)
    terms: list[str] = []
    for month in range(1, 13):
        in_month = calendar.monthrange(year, month)[1]
        first, last = date(year, month, 1), date(year, month, in_month)
        days = _overlap(employed, first, last) - _overlap(_intersection(employed, off), first, last)
        if days:
            total += Fraction(days, in_month)
            terms.append("1" if days == in_month else f"{days}/{in_month}")
    months = _floor_months(total)
    excluded = sorted(kind.value for kind in not_worked_kinds)
    leave_refs = tuple(leave.ref for leave in leaves if leave.ref)
    step = Step(
        key="months_worked",
        label="months worked",
        formula=(
            "Σ over months of worked days ÷ days in month "
            f"(employed days minus {' and '.join(excluded)} leave), floored to 4 places"
        ),
        substitution=" + ".join(terms) if terms else "no day worked",
        result=text(months),
        refs=leave_refs,
        rule="Art. 11(1–2); param protected_leave",
    )
    return Computed(months, (step,))


def is_classifiable(
    policy: Policy, months_worked: Decimal, on_protected_leave: bool = False
) -> Computed[bool]:
    """At least ``min_months_worked`` months, unless sick/maternity leave exempts the minimum."""
    if policy.protected_leave == "exempt_from_minimum" and on_protected_leave:
        step = Step(
            key="classifiable",
            label="classifiable",
            formula="sick or maternity leave: classified on the time actually worked",
            substitution=f"{text(months_worked)} months, protected leave taken",
            result="true",
            rule="Art. 11(2); param protected_leave",
        )
        return Computed(True, (step,))
    value = months_worked >= policy.min_months_worked
    step = Step(
        key="classifiable",
        label="classifiable",
        formula=f"months worked ≥ {text(policy.min_months_worked)}",
        substitution=f"{text(months_worked)} ≥ {text(policy.min_months_worked)}",
        result="true" if value else "false: not classified (under the minimum time worked)",
        rule="Art. 11(1); param min_months_worked",
    )
    return Computed(value, (step,))
