from datetime import date
from decimal import Decimal

import pytest

from domain import errors
from domain.policy import (
    ND335_2025_V1,
    TaskOutcome,
    days_late,
    item_progress,
    item_quality,
    task_components,
)

P = ND335_2025_V1
D = Decimal
DEADLINE = date(2026, 3, 10)  # a Tuesday


def task(
    ref: str = "T1",
    units: str = "10",
    completed: str | None = None,
    *,
    assigned: bool = True,
    failed: int = 0,
    late: int = 0,
    done: bool = True,
    delays: int = 0,
    quality_exempt: bool = False,
    progress_exempt: bool = False,
) -> TaskOutcome:
    return TaskOutcome(
        ref=ref,
        units=D(units),
        counts_in_assigned=assigned,
        completed_units=D(units if completed is None else completed),
        failed_assessments=failed,
        deadline=DEADLINE,
        completed_on=date.fromordinal(DEADLINE.toordinal() + late) if done else None,
        recorded_delays=delays,
        quality_exempt=quality_exempt,
        progress_exempt=progress_exempt,
    )


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [
        (None, 0),
        (date(2026, 3, 1), 0),
        (date(2026, 3, 10), 0),
        (date(2026, 3, 11), 1),
        (date(2026, 3, 12), 2),
        (date(2026, 3, 20), 10),
    ],
)
def test_days_late_calendar(completed_on: date | None, expected: int) -> None:
    assert days_late(P, DEADLINE, completed_on) == expected


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [
        (date(2026, 3, 13), 3),  # Wed, Thu, Fri
        (date(2026, 3, 14), 3),  # + Saturday
        (date(2026, 3, 15), 3),  # + Sunday
        (date(2026, 3, 16), 4),  # + Monday
    ],
)
def test_days_late_working_days(completed_on: date, expected: int) -> None:
    working = P.with_changes(version=2, late_day_basis="working")
    assert days_late(working, DEADLINE, completed_on) == expected


@pytest.mark.parametrize(
    ("failed", "expected"),
    [(0, "1"), (1, "0.75"), (2, "0.5"), (3, "0.25"), (4, "0"), (5, "0")],
)
def test_item_quality_deducts_a_quarter_per_failed_assessment(failed: int, expected: str) -> None:
    result = item_quality(P, task(failed=failed))
    assert result.value == D(expected)
    assert result.steps[0].result == expected
    assert result.steps[0].refs == ("T1",)


@pytest.mark.parametrize(
    ("late", "expected"),
    [(0, "1"), (1, "0.75"), (2, "0.5"), (3, "0.25"), (4, "0"), (5, "0")],
)
def test_item_progress_deducts_a_quarter_per_day_late(late: int, expected: str) -> None:
    assert item_progress(P, task(late=late)).value == D(expected)


def test_item_progress_per_recorded_delay_ignores_dates() -> None:
    recorded = P.with_changes(version=2, delay_counting="per_recorded_delay")
    assert item_progress(recorded, task(late=3, delays=1)).value == D("0.75")
    assert item_progress(P, task(late=3, delays=1)).value == D("0.25")


def test_exemptions_waive_the_deductions_and_say_so() -> None:
    quality = item_quality(P, task(failed=3, quality_exempt=True))
    progress = item_progress(P, task(late=4, progress_exempt=True))
    assert quality.value == progress.value == 1
    assert "exempt" in quality.steps[0].label
    assert "waived" in progress.steps[0].substitution
    # Each exemption covers only its own deduction.
    assert item_progress(P, task(late=2, quality_exempt=True)).value == D("0.5")


def test_components_worked_by_hand() -> None:
    outcomes = [
        task("T1", "10", failed=1, late=2),  # quality .75, progress .5
        task("T2", "5", "2.5"),  # half done, on time
    ]
    result = task_components(P, outcomes)
    c = result.value
    assert c is not None
    assert c.assigned_units == 15
    assert c.completed_units == D("12.5")
    assert c.a == D("12.5") / D(15)
    assert str(c.a) == "0.8333333333333333333333333333"
    assert c.quality_units == D("10")  # .75 × 10 + 1 × 2.5
    assert c.b == D(10) / D(15)
    assert c.progress_units == D("7.5")  # .5 × 10 + 1 × 2.5
    assert c.c == D("0.5")
    keys = [s.key for s in result.steps]
    assert keys[:2] == ["assigned_units", "completed_units"]
    assert keys[-3:] == ["a", "b", "c"]
    a_step = result.steps[-3]
    assert (a_step.substitution, a_step.result) == ("12.5 ÷ 15", "0.8333333333333333333333333333")
    assert a_step.refs == ("T1", "T2")


def test_extra_work_adds_to_completed_but_not_to_assigned() -> None:
    result = task_components(
        P,
        [task("T1", "10"), task("ADHOC", "4", assigned=False), task("TAKEN", "2", assigned=False)],
    )
    c = result.value
    assert c is not None
    assert (c.assigned_units, c.completed_units) == (D(10), D(16))
    assert c.a == D("1.6")
    assert result.steps[0].refs == ("T1",)


def test_reassigned_task_stays_assigned_with_nothing_completed() -> None:
    c = task_components(P, [task("T1", "10"), task("GONE", "10", "0", done=False)]).value
    assert c is not None
    assert (c.a, c.b, c.c) == (D("0.5"), D("0.5"), D("0.5"))


def test_no_assigned_task_is_not_scorable() -> None:
    empty = task_components(P, [])
    assert empty.value is None
    assert empty.steps[-1].result == "not scorable: no assigned task in the period"
    only_adhoc = task_components(P, [task("ADHOC", "3", assigned=False)])
    assert only_adhoc.value is None
    zero_units = task_components(P, [task("T0", "0")])
    assert zero_units.value is None


def test_invalid_task_outcomes_are_refused() -> None:
    with pytest.raises(errors.InvalidQuantity):
        task(units="-1")
    with pytest.raises(errors.InvalidQuantity):
        task(completed="NaN")
    with pytest.raises(errors.InvalidValue):
        task(failed=-1)
