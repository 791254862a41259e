"""Art. 9(1): when an organisation's level is decided.

«Thời điểm đánh giá, xếp loại chất lượng được tiến hành trước ngày 15 tháng 12 hằng
năm, trường hợp đặc biệt theo quy định của cấp có thẩm quyền thì hoàn thành trước ngày
15 tháng 01 năm sau.» A late decision is still the authority's decision: it is
recorded and flagged, never refused, so the record shows what happened and when."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.policy.steps import Step

Timing = Literal["on_time", "special_case", "late"]


def deadlines(year: int) -> tuple[date, date]:
    """The first day too late: 15 December, and 15 January next year in a special case."""
    return date(year, 12, 15), date(year + 1, 1, 15)


def rating_timing(year: int, decided_on: date, special_case_ref: str | None) -> Timing:
    usual, special = deadlines(year)
    if decided_on < usual:
        return "on_time"
    if decided_on < special and special_case_ref:
        return "special_case"
    return "late"


def timing_step(year: int, decided_on: date, special_case_ref: str | None) -> Step:
    usual, special = deadlines(year)
    timing = rating_timing(year, decided_on, special_case_ref)
    return Step(
        key="timing",
        label="when decided",
        formula=f"before {usual.isoformat()}; in a special case the competent authority "
        f"sets, before {special.isoformat()}",
        substitution=f"decided on {decided_on.isoformat()}"
        + (f", special case {special_case_ref}" if special_case_ref else ""),
        result=timing,
        refs=(special_case_ref,) if special_case_ref else (),
        rule="Art. 9(1)",
    )
