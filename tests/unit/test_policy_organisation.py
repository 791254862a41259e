"""Chapter II: an organisation's level (Art. 6–8) and the EXCELLENT quota (Art. 8(5))."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain import errors
from domain.policy import ND335_2025_V1
from domain.policy.organisation import (
    ForceMajeure,
    OrganisationFacts,
    PlanTask,
    organisation_level,
    organisation_quota,
)
from domain.policy.quota import QuotaGrant, TieDecision
from domain.values import Level


def plan(n: int = 10, late: int = 0, exceeded: int = 3, undone: int = 0) -> tuple[PlanTask, ...]:
    tasks = []
    for i in range(n):
        done = i >= undone
        tasks.append(
            PlanTask(
                f"T{i}",
                completed=done,
                on_time=done and i >= undone + late,
                exceeded=done and i >= n - exceeded,
            )
        )
    return tuple(tasks)


def facts(
    points: str, tasks: tuple[PlanTask, ...] | None = None, **extra: object
) -> OrganisationFacts:
    total = Decimal(points)
    general = min(total, Decimal(30))
    return OrganisationFacts(
        "ORG",
        general_points=general,
        task_points=total - general,
        tasks=plan() if tasks is None else tasks,
        **extra,  # type: ignore[arg-type]
    )


def level(points: str, tasks: tuple[PlanTask, ...] | None = None, **extra: object) -> Level:
    return organisation_level(facts(points, tasks, **extra)).value


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ("100", Level.EXCELLENT),
        ("90", Level.EXCELLENT),
        ("89.99", Level.GOOD),
        ("70", Level.GOOD),
        ("69.99", Level.COMPLETE),
        ("50", Level.COMPLETE),
        ("49.99", Level.FAIL),
        ("0", Level.FAIL),
    ],
)
def test_points_thresholds(points: str, expected: Level) -> None:
    assert level(points) is expected


def test_thirty_percent_exceeded_is_the_edge_of_excellent() -> None:
    assert level("95", plan(10, exceeded=3)) is Level.EXCELLENT
    assert level("95", plan(10, exceeded=2)) is Level.GOOD
    assert level("95", plan(3, exceeded=1)) is Level.EXCELLENT  # 33.3%
    assert level("95", plan(7, exceeded=2)) is Level.GOOD  # 28.6% < 30%


def test_one_late_task_bars_good_and_excellent() -> None:
    assert level("95", plan(10, late=1)) is Level.COMPLETE
    assert level("75", plan(10, late=1)) is Level.COMPLETE


def test_twenty_percent_behind_schedule_is_the_edge_of_complete() -> None:
    assert level("60", plan(10, late=2)) is Level.COMPLETE
    assert level("60", plan(10, late=3)) is Level.FAIL
    assert level("60", plan(5, late=1)) is Level.COMPLETE


def test_under_seventy_percent_of_the_plan_is_fail_whatever_the_points() -> None:
    result = organisation_level(facts("95", plan(10, undone=4)))
    assert result.value is Level.FAIL
    assert any(s.key == "fail_plan" and s.rule == "Art. 8(4)(b)" for s in result.steps)
    # 70% done: no trigger, but not 100% done either: no level's conditions met
    at_seventy = organisation_level(facts("95", plan(10, undone=3)))
    assert at_seventy.value is Level.FAIL
    assert not any(s.key == "fail_plan" for s in at_seventy.steps)
    assert at_seventy.steps[-1].key == "conditions_none"


def test_concluded_violation_is_fail() -> None:
    result = organisation_level(facts("100", violations=("KL-01",)))
    assert result.value is Level.FAIL
    assert result.steps[-1].refs == ("KL-01",)


def test_failed_subordinate_and_open_shortcomings_bar_excellent_only() -> None:
    assert level("95", failed_subordinates=("UNIT-A",)) is Level.GOOD
    assert level("95", open_shortcomings=("TT-2025-3",)) is Level.GOOD
    assert level("80", failed_subordinates=("UNIT-A",)) is Level.GOOD


def test_force_majeure_excuses_tasks_from_the_plan() -> None:
    tasks = plan(10, undone=4, exceeded=3)
    assert level("80", tasks) is Level.FAIL
    fm = ForceMajeure("QD-BKK-1", "bão lũ", frozenset({"T0", "T1", "T2", "T3"}))
    result = organisation_level(facts("80", tasks, force_majeure=fm))
    assert result.value is Level.GOOD
    assert any(s.key == "force_majeure" and "QD-BKK-1" in s.refs for s in result.steps)


def test_bad_points_and_plans_are_refused() -> None:
    with pytest.raises(errors.InvalidValue):
        organisation_level(OrganisationFacts("O", Decimal(31), Decimal(0), plan()))
    with pytest.raises(errors.InvalidValue):
        organisation_level(OrganisationFacts("O", Decimal(0), Decimal(71), plan()))
    with pytest.raises(errors.InvalidValue):
        organisation_level(OrganisationFacts("O", Decimal(30), Decimal(60), ()))
    fm = ForceMajeure("QD", "r", frozenset({"NOPE"}))
    with pytest.raises(errors.InvalidValue):
        organisation_level(facts("80", force_majeure=fm))


def test_the_points_step_explains_the_sum() -> None:
    result = organisation_level(OrganisationFacts("O", Decimal("28.5"), Decimal("61.5"), plan()))
    assert result.steps[0].substitution == "28.5 + 61.5"
    assert result.value is Level.EXCELLENT


def candidates(*scores: str) -> list[tuple[str, Decimal]]:
    return [(f"O{i}", Decimal(s)) for i, s in enumerate(scores)]


def test_quota_is_twenty_percent_of_good() -> None:
    # 2 candidates, 8 GOOD: k with k ≤ ⌊0.2 × (8 + 2 − k)⌋ → k = 1
    out = organisation_quota(ND335_2025_V1, candidates("95", "92"), 8).value
    assert out.limit == 1
    assert out.excellent == ("O0",)
    assert out.good == ("O1",)
    # 10 GOOD: k = 2 fits (2 ≤ ⌊0.2 × 10⌋)
    assert organisation_quota(ND335_2025_V1, candidates("95", "92"), 10).value.limit == 2
    # nobody GOOD: nobody EXCELLENT
    assert organisation_quota(ND335_2025_V1, candidates("95"), 0).value.excellent == ()


def test_quota_grant_up_to_twenty_five_percent() -> None:
    grant = QuotaGrant(Decimal("0.25"), "QD-TL-1")
    out = organisation_quota(ND335_2025_V1, candidates("95", "92"), 6, grant).value
    assert out.limit == 1  # 0.25 × 7 = 1.75
    out = organisation_quota(ND335_2025_V1, candidates("95", "92"), 8, grant).value
    assert out.limit == 2  # 0.25 × 8 = 2
    with pytest.raises(errors.InvalidValue):
        organisation_quota(ND335_2025_V1, candidates("95"), 8, QuotaGrant(Decimal("0.3"), "X"))


def test_quota_tie_across_the_limit_is_pending_until_decided() -> None:
    out = organisation_quota(ND335_2025_V1, candidates("95", "93", "93"), 9).value
    assert out.limit == 2  # 2 ≤ ⌊0.2 × 10⌋
    assert out.excellent == ("O0",)
    assert out.pending == ("O1", "O2")
    decided = organisation_quota(
        ND335_2025_V1,
        candidates("95", "93", "93"),
        9,
        tie_decision=TieDecision(frozenset({"O2"}), "QD-TIE"),
    ).value
    assert decided.excellent == ("O0", "O2")
    assert decided.good == ("O1",)
    assert decided.pending == ()
    with pytest.raises(errors.InvalidTieDecision):
        organisation_quota(
            ND335_2025_V1,
            candidates("95", "93", "93"),
            9,
            tie_decision=TieDecision(frozenset({"O1", "O2"}), "QD-TIE"),
        )
