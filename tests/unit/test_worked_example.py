"""The worked example of docs/worked-example.md, number by number.

Inputs and expected outputs are copied by hand from the document (nothing is
parsed from it): a change to either must change both.
"""

from datetime import date
from decimal import Decimal

import pytest

from domain.policy import (
    ND335_2025_V1,
    DateSpan,
    TaskOutcome,
    fail_triggers,
    is_classifiable,
    mean_score,
    months_worked,
    period_result,
    propose_annual_level,
)
from domain.values import Level

P = ND335_2025_V1
D = Decimal
YEAR = 2026

# General criteria profiles (evaluator's scores), table 1 of the document.
PROFILE_A = {
    "I.1": D("4.5"), "I.2": D("4.5"),
    "II.1": D(2), "II.2": D(2), "II.3": D("2.5"), "II.4": D(2),
    "III.1": D("1.5"), "III.2": D(2), "III.3": D(2), "III.4": D(2),
}  # fmt: skip
PROFILE_B = {
    "I.1": D(5), "I.2": D(5),
    "II.1": D("2.5"), "II.2": D("2.5"), "II.3": D("2.5"), "II.4": D("2.5"),
    "III.1": D(2), "III.2": D(2), "III.3": D("1.5"), "III.4": D("1.5"),
}  # fmt: skip


def t(
    ref: str,
    units: str,
    completed: str,
    deadline: tuple[int, int],
    done: tuple[int, int] | None,
    *,
    failed: int = 0,
    ad_hoc: bool = False,
    progress_exempt: bool = False,
) -> TaskOutcome:
    return TaskOutcome(
        ref=ref,
        units=D(units),
        counts_in_assigned=not ad_hoc,
        completed_units=D(completed),
        failed_assessments=failed,
        deadline=date(YEAR, *deadline),
        completed_on=date(YEAR, *done) if done else None,
        progress_exempt=progress_exempt,
    )


# Table 2 of the document: the tasks of each month.
MONTHS: dict[str, tuple[dict[str, Decimal], list[TaskOutcome]]] = {
    "2026-01": (
        PROFILE_B,
        [t("T01-1", "6", "6", (1, 20), (1, 19)), t("T01-2", "4", "4", (1, 28), (1, 28))],
    ),
    "2026-02": (
        PROFILE_A,
        [t("T02-1", "5", "5", (2, 10), (2, 12)), t("T02-2", "5", "5", (2, 25), (2, 24))],
    ),
    "2026-03": (
        PROFILE_B,
        [t("T03-1", "8", "8", (3, 20), (3, 20), failed=1), t("T03-2", "2", "2", (3, 27), (3, 26))],
    ),
    "2026-04": (
        PROFILE_A,
        [
            t("T04-1", "6", "6", (4, 10), (4, 13), progress_exempt=True),
            t("T04-2", "4", "4", (4, 24), (4, 24)),
        ],
    ),
    "2026-05": (
        PROFILE_A,
        [
            t("T05-1", "10", "10", (5, 22), (5, 21)),
            t("AD05-1", "2", "2", (5, 15), (5, 15), ad_hoc=True),
        ],
    ),
    "2026-06": (PROFILE_A, []),
    "2026-07": (
        PROFILE_A,
        [t("T07-1", "4", "0", (7, 17), None), t("T07-2", "6", "6", (7, 24), (7, 24))],
    ),
    "2026-08": (
        PROFILE_A,
        [
            t("T08-1", "3", "3", (8, 7), (8, 7)),
            t("T08-2", "3", "3", (8, 14), (8, 14), failed=2),
            t("T08-3", "3", "3", (8, 21), (8, 20)),
        ],
    ),
    "2026-09": (
        PROFILE_A,
        [t("T09-1", "5", "5", (9, 15), (9, 16), failed=1), t("T09-2", "5", "5", (9, 25), (9, 25))],
    ),
    "2026-10": (
        PROFILE_A,
        [t("T10-1", "12", "12", (10, 9), (10, 14)), t("T10-2", "3", "3", (10, 23), (10, 23))],
    ),
    "2026-11": (
        PROFILE_B,
        [
            t("T11-1", "7.5", "7.5", (11, 13), (11, 13)),
            t("T11-2", "2.5", "2.5", (11, 27), (11, 27)),
        ],
    ),
    "2026-12": (PROFILE_A, [t("T12-1", "10", "8", (12, 11), (12, 11))]),
}

# Table 3 of the document: a, b, c, uncapped ratio, score, level (None: not scorable).
THIRD = "0.3333333333333333333333333333"
EXPECTED: dict[str, tuple[str, str, str, str, str, Level] | None] = {
    "2026-01": ("1", "1", "1", "1", "97.00", Level.EXCELLENT),
    "2026-02": ("1", "1", "0.75", "0.9166666666666666666666666667", "89.17", Level.GOOD),
    "2026-03": ("1", "0.8", "1", "0.9333333333333333333333333333", "92.33", Level.EXCELLENT),
    "2026-04": ("1", "1", "1", "1", "95.00", Level.EXCELLENT),
    "2026-05": ("1.2", "1.2", "1.2", "1.2", "95.00", Level.EXCELLENT),
    "2026-06": None,
    "2026-07": ("0.6", "0.6", "0.6", "0.6", "67.00", Level.COMPLETE),
    "2026-08": ("1", "0.8333333333333333333333333333", "1", "0.9444444444444444444444444444",
                "91.11", Level.EXCELLENT),
    "2026-09": ("1", "0.875", "0.875", "0.9166666666666666666666666667", "89.17", Level.GOOD),
    "2026-10": ("1", "1", "0.2", "0.7333333333333333333333333333", "76.33", Level.GOOD),
    "2026-11": ("1", "1", "1", "1", "97.00", Level.EXCELLENT),
    "2026-12": ("0.8", "0.8", "0.8", "0.8", "81.00", Level.GOOD),
}  # fmt: skip
CRITERIA_TOTAL = {"A": D(25), "B": D(27)}


def test_criteria_profiles() -> None:
    assert sum(PROFILE_A.values()) == CRITERIA_TOTAL["A"]
    assert sum(PROFILE_B.values()) == CRITERIA_TOTAL["B"]


@pytest.mark.parametrize("month", list(MONTHS))
def test_each_month(month: str) -> None:
    criteria, tasks = MONTHS[month]
    result = period_result(P, tasks, criteria, None).value
    expected = EXPECTED[month]
    if expected is None:
        assert not result.scorable
        assert result.reason_not_scorable == "not scorable: no assigned task in the period"
        return
    a, b, c, uncapped, score, level = expected
    assert result.components is not None
    assert (str(result.components.a), str(result.components.b), str(result.components.c)) == (
        a,
        b,
        c,
    )
    steps = period_result(P, tasks, criteria, None).steps
    assert next(s.result for s in steps if s.key == "task_ratio_uncapped") == uncapped
    assert result.task_ratio == min(D(uncapped), D(1))
    assert str(result.score) == score
    assert result.level is level


def test_item_deductions_of_the_example() -> None:
    steps = {
        (s.key, s.refs): s.result
        for tasks in [MONTHS[m][1] for m in MONTHS]
        for s in period_result(P, tasks, PROFILE_A, None).steps
    }
    assert steps[("item_progress", ("T02-1",))] == "0.5"  # 2 days late
    assert steps[("item_quality", ("T03-1",))] == "0.75"  # 1 failed assessment
    assert steps[("item_progress", ("T04-1",))] == "1"  # 3 days late, exempt
    assert steps[("item_quality", ("T08-2",))] == "0.5"  # 2 failed assessments
    assert steps[("item_quality", ("T09-1",))] == "0.75"
    assert steps[("item_progress", ("T09-1",))] == "0.75"  # 1 day late
    assert steps[("item_progress", ("T10-1",))] == "0"  # 5 days late


def test_april_without_the_exemption_would_be_good() -> None:
    _, tasks = MONTHS["2026-04"]
    plain = [t("T04-1", "6", "6", (4, 10), (4, 13)), tasks[1]]
    result = period_result(P, plain, PROFILE_A, None).value
    assert result.components is not None
    assert result.components.c == D("0.55")
    assert result.score == D("84.50")
    assert result.level is Level.GOOD


def _scores() -> list[tuple[str, Decimal | None]]:
    return [
        (month, period_result(P, tasks, criteria, None).value.score)
        for month, (criteria, tasks) in MONTHS.items()
    ]


def test_six_of_the_eleven_scored_months_are_excellent() -> None:
    levels = [period_result(P, tasks, c, None).value.level for c, tasks in MONTHS.values()]
    assert levels.count(Level.EXCELLENT) == 6
    assert levels.count(None) == 1


def test_quarters_and_half_years() -> None:
    scores = _scores()
    quarters = [mean_score(P, scores[i : i + 3]).value for i in range(0, 12, 3)]
    assert quarters == [D("92.83"), D("95.00"), D("82.43"), D("84.78")]
    halves = [mean_score(P, scores[:6]).value, mean_score(P, scores[6:]).value]
    assert halves == [D("93.70"), D("83.60")]


def test_the_year() -> None:
    annual = mean_score(P, _scores())
    assert annual.value == D("88.19")
    unrounded = next(s for s in annual.steps if s.key == "mean_score_unrounded")
    assert unrounded.result == "88.19181818181818181818181818"  # 970.11 ÷ 11
    assert annual.steps[0].refs == ("2026-06",)

    worked = months_worked(P, YEAR, [DateSpan(date(YEAR, 1, 1), date(YEAR, 12, 31))])
    assert worked.value == 12
    classifiable = is_classifiable(P, worked.value)
    assert classifiable.value is True
    triggers = fail_triggers(P, YEAR, [], [], is_leader=False)
    assert triggers.value == ()
    proposal = propose_annual_level(P, annual.value, True, triggers.value, None, None).value
    assert (proposal.level, proposal.status, proposal.reason) == (Level.GOOD, "proposed", "score")
