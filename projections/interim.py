"""Quarter and half-year results (Art. 17(3)), for bonuses (Art. 23(1)(d), 23(2)(d))
and reassignment (Art. 23(2)(c)).

A quarter is the mean of its 3 months, a half-year of its 6 (for a quarterly
agency: its quarters), combined the same way as the year (``combined_mean``): a
servant who moved brings the old agency's results. A span's row belongs to the
agency of the latest period result in it, under that agency's policy on the span's
first day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from domain.agency import Agency
from domain.policy import PeriodScore, Policy, combined_mean, level_for_score, policy_in_force
from domain.values import Period, PeriodKind

Row = dict[str, Any]
SpanKey = tuple[str, str]  # (servant code, span code)


def spans_of(period: Period) -> list[str]:
    """The quarter(s) and half-year(s) a period's months fall in."""
    quarters = sorted({(m - 1) // 3 + 1 for m in period.months})
    halves = sorted({(m - 1) // 6 + 1 for m in period.months})
    return [f"{period.year}-Q{q}" for q in quarters] + [f"{period.year}-H{h}" for h in halves]


def span_months(span: str) -> tuple[int, str, range]:
    """``2026-Q2`` → (2026, "quarter", months 4–6); ``2026-H1`` → (2026, "half_year", 1–6)."""
    year_text, _, rest = span.partition("-")
    kind, number = rest[0], int(rest[1:])
    if kind == "Q" and 1 <= number <= 4:
        return int(year_text), "quarter", range(3 * number - 2, 3 * number + 1)
    if kind == "H" and number in (1, 2):
        return int(year_text), "half_year", range(6 * number - 5, 6 * number + 1)
    raise ValueError(f"not a quarter or half-year: {span!r}")


SPAN_PATTERN = r"^(20\d{2}|2100)-(Q[1-4]|H[12])$"


def interim_row(
    servant: str,
    span: str,
    rows: Iterable[Row],
    agencies: Mapping[str, Agency],
) -> Row | None:
    """The span's result from the servant's period ``rows`` (any year; None: no result)."""
    year, kind, months = span_months(span)
    inside = sorted(
        (
            (Period.parse(row["period"]), row)
            for row in rows
            if row["year"] == year and set(Period.parse(row["period"]).months) & set(months)
        ),
        key=lambda item: (item[0].last_day, item[0].kind),
    )
    if not inside:
        return None
    latest = inside[-1][1]
    agency = agencies.get(latest["agency_code"])
    first_day = date(year, months[0], 1)
    policy: Policy = agency.policy_on(first_day) if agency else policy_in_force(first_day)
    agency_kind = PeriodKind(agency.period_kind) if agency else inside[-1][0].kind
    results = [
        PeriodScore(period, Decimal(row["score"]) if row["score"] else None)
        for period, row in inside
    ]
    mean = combined_mean(policy, year, months, agency_kind, results).value
    return {
        "servant_code": servant,
        "span": span,
        "kind": kind,
        "year": year,
        "agency_code": latest["agency_code"],
        "unit_code": latest["unit_code"],
        "peer_group": latest["peer_group"],
        "periods": list(mean.used),
        "left_out": list(mean.left_out),
        "score": None if mean.mean is None else format(mean.mean, "f"),
        "score_cents": None if mean.mean is None else int(mean.mean * 100),
        "level": None if mean.mean is None else level_for_score(policy, mean.mean).value,
        "policy_id": policy.policy_id,
        "policy_version": policy.version,
        "policy_variant": policy.variant,
    }
