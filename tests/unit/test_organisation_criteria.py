"""Art. 7(2): a criteria set is data — whole, within the decree's 30 and 70 points."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain import errors
from domain.policy.organisation_criteria import (
    CriteriaSet,
    Criterion,
    check_criteria,
    in_force,
    totals,
)


def criterion(code: str, clause: str, points: str) -> Criterion:
    return Criterion(code, clause, f"Tiêu chí {code}", Decimal(points))


WHOLE = (
    criterion("C1", "6(1)", "10"),
    criterion("C2", "6(2)", "10"),
    criterion("C3", "6(3)", "10"),
    criterion("N1", "7(1)(a)", "20"),
    criterion("N2", "7(1)(b)", "40"),
    criterion("N3", "7(1)(đ)", "10"),
)


def test_a_whole_set_adds_up_to_thirty_and_seventy() -> None:
    check_criteria(WHOLE)


@pytest.mark.parametrize(
    "broken",
    [
        (*WHOLE[:5], criterion("N3", "7(1)(đ)", "9.99")),  # 69.99 task points
        (*WHOLE[:5], criterion("N3", "7(1)(đ)", "10.01")),
        (*WHOLE[:3], criterion("N1", "7(1)(a)", "70")),  # the plan (7(1)(b)) not detailed
        (criterion("C1", "6(1)", "30"), *WHOLE[3:]),  # 6(2), 6(3) missing
        (*WHOLE[:5], criterion("N3", "7(2)", "10")),  # not a clause of Art. 7(1)
        (*WHOLE, criterion("N3", "7(1)(h)", "0")),  # twice, and no points
    ],
)
def test_a_broken_set_is_refused(broken: tuple[Criterion, ...]) -> None:
    with pytest.raises(errors.InvalidValue):
        check_criteria(broken)


def test_scores_within_each_maximum_give_the_totals() -> None:
    adopted = CriteriaSet("UBND-HN", 1, 2026, "QĐ 1", WHOLE)
    scores = {c.code: c.max_points for c in WHOLE} | {"N2": Decimal("35.5")}
    assert totals(adopted, scores) == (Decimal(30), Decimal("65.5"))
    with pytest.raises(errors.CriteriaScoreAboveMaximum):
        totals(adopted, scores | {"C1": Decimal("10.01")})
    with pytest.raises(errors.UnknownCriterion):
        totals(adopted, scores | {"X": Decimal(1)})
    with pytest.raises(errors.InvalidValue):
        totals(adopted, {k: v for k, v in scores.items() if k != "N3"})


def test_the_latest_version_in_force_applies() -> None:
    first = CriteriaSet("UBND-HN", 1, 2026, "QĐ 1", WHOLE)
    second = CriteriaSet("UBND-HN", 2, 2027, "QĐ 2", WHOLE)
    assert in_force([first, second], 2026) is first
    assert in_force([first, second], 2027) is second
    assert in_force([first, second], 2025) is None
