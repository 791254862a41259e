from datetime import date
from decimal import Decimal

import pytest

from domain import errors
from domain.policy import (
    ND335_2025_V1,
    LeaderComponents,
    TaskComponents,
    TaskOutcome,
    criteria_total,
    leader_d,
    level_for_score,
    period_result,
    period_score,
    task_ratio,
    validate_leader_component,
)
from domain.values import Level

P = ND335_2025_V1
D = Decimal
FULL_CRITERIA = {c.code: c.maximum for c in P.criteria_maxima}


def components(a: str, b: str, c: str) -> TaskComponents:
    return TaskComponents(D(a), D(b), D(c), assigned_units=D(10), completed_units=D(10))


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("100", Level.EXCELLENT),
        ("90", Level.EXCELLENT),
        ("90.00", Level.EXCELLENT),
        ("89.995", Level.EXCELLENT),  # half-up to 90.00
        ("89.994", Level.GOOD),
        ("89.99", Level.GOOD),
        ("70", Level.GOOD),
        ("69.995", Level.GOOD),
        ("69.99", Level.COMPLETE),
        ("50", Level.COMPLETE),
        ("49.995", Level.COMPLETE),
        ("49.99", Level.FAIL),
        ("0", Level.FAIL),
    ],
)
def test_level_thresholds_on_the_rounded_score(score: str, level: Level) -> None:
    assert level_for_score(P, D(score)) is level


def test_half_even_rounding_variant_changes_the_boundary() -> None:
    even = P.with_changes(version=2, score_rounding="ROUND_HALF_EVEN")
    assert level_for_score(even, D("89.995")) is Level.EXCELLENT  # 89.995 → 90.00 (even)
    assert level_for_score(even, D("89.985")) is Level.GOOD  # → 89.98


@pytest.mark.parametrize(
    ("criteria", "ratio", "expected"),
    [
        ("30", "1", "100.00"),
        ("0", "0", "0.00"),
        ("20", "0.5", "55.00"),
        ("25", "0.9285714285714285714285714286", "90.00"),  # 25 + 65.000…002
        ("27", "0.8999285714285714285714285714", "90.00"),  # 89.995 on paper: half-up
        ("27", "0.8999285714285714285714285713", "90.00"),
        ("27", "0.8999", "89.99"),  # 89.993
    ],
)
def test_period_score(criteria: str, ratio: str, expected: str) -> None:
    result = period_score(P, D(criteria), D(ratio))
    assert str(result.value) == expected
    assert [s.key for s in result.steps] == ["period_score_unrounded", "period_score"]


def test_period_score_boundary_from_an_inexact_ratio() -> None:
    # 27 + 70 × r = 89.995 exactly on paper: r = 62.995 / 70 has no finite decimal form.
    with_error = D("62.995") / D(70)
    assert period_score(P, D(27), with_error).value == D("90.00")


def test_criteria_total_sums_and_names_missing_codes() -> None:
    full = criteria_total(P, FULL_CRITERIA)
    assert full.value == 30
    partial = criteria_total(P, {"I.1": D("4.5"), "II.2": D("2.25")})
    assert partial.value == D("6.75")
    assert "not scored, counted 0: I.2, II.1" in partial.steps[0].substitution


def test_criteria_total_validation() -> None:
    with pytest.raises(errors.UnknownCriterion):
        criteria_total(P, {"IV.1": D(1)})
    with pytest.raises(errors.CriteriaScoreAboveMaximum):
        criteria_total(P, {"II.1": D("2.51")})
    with pytest.raises(errors.CriteriaScoreAboveMaximum):
        criteria_total(P, {"I.1": D("5.01")})
    with pytest.raises(errors.InvalidValue):
        criteria_total(P, {"I.1": D("-0.01")})
    assert criteria_total(P, {"I.1": D(5), "II.1": D("2.5")}).value == D("7.5")
    assert criteria_total(P, {"I.1": D(0)}).value == 0


def test_staff_task_ratio() -> None:
    result = task_ratio(P, components("1", "0.75", "0.5"), None)
    assert result.value == D("0.75")
    assert result.steps[0].formula == "(a + b + c) ÷ 3"


def test_task_ratio_cap_shows_the_uncapped_value() -> None:
    result = task_ratio(P, components("1.6", "1.6", "1.3"), None)
    assert result.value == 1
    uncapped, capped = result.steps
    assert (uncapped.key, uncapped.result) == ("task_ratio_uncapped", "1.5")
    assert (capped.key, capped.substitution) == ("task_ratio", "min(1.5, 1)")
    no_cap = P.with_changes(version=2, cap_task_ratio=False)
    assert task_ratio(no_cap, components("1.6", "1.6", "1.3"), None).value == D("1.5")


def test_leader_task_ratio_with_d_dd_e() -> None:
    leader = LeaderComponents(d=D("0.5"), dd=D(1), e=D("0.5"))
    result = task_ratio(P, components("1", "1", "1"), leader)
    assert result.value == D(5) / D(6)
    assert result.steps[0].formula == "(a + b + c + d + đ + e) ÷ 6"


@pytest.mark.parametrize("bad", ["0.75", "0", "1.5", "-1", "NaN", "0.25"])
def test_leader_components_are_100_or_50_percent_only(bad: str) -> None:
    with pytest.raises(errors.InvalidLeaderComponent) as raised:
        validate_leader_component(P, D(bad))
    assert raised.value.code == "invalid_leader_component"
    leader = LeaderComponents(d=D(1), dd=D(bad), e=D(1))
    with pytest.raises(errors.InvalidLeaderComponent):
        task_ratio(P, components("1", "1", "1"), leader)


@pytest.mark.parametrize(("value", "expected"), [("1", "1"), ("1.0", "1"), ("0.50", "0.5")])
def test_leader_component_accepts_equal_decimals(value: str, expected: str) -> None:
    assert str(validate_leader_component(P, D(value))) == expected


def test_leader_d() -> None:
    all_fine = leader_d(P, [("S1", Level.COMPLETE), ("S2", Level.EXCELLENT)])
    assert all_fine.value == 1
    one_fails = leader_d(P, [("S1", Level.GOOD), ("S2", Level.FAIL), ("S3", Level.FAIL)])
    assert one_fails.value == D("0.5")
    assert one_fails.steps[0].refs == ("S2", "S3")
    nobody = leader_d(P, [])
    assert nobody.value == 1
    assert "no subordinate" in nobody.steps[0].substitution


def outcome(ref: str, units: str, completed: str, failed: int = 0, late: int = 0) -> TaskOutcome:
    deadline = date(2026, 2, 10)
    return TaskOutcome(
        ref=ref,
        units=D(units),
        counts_in_assigned=True,
        completed_units=D(completed),
        failed_assessments=failed,
        deadline=deadline,
        completed_on=date(2026, 2, 10 + late),
    )


def test_period_result_for_staff() -> None:
    outcomes = [outcome("T1", "10", "10", failed=1, late=2), outcome("T2", "5", "2.5")]
    result = period_result(P, outcomes, FULL_CRITERIA, None)
    r = result.value
    assert r.scorable and r.reason_not_scorable is None
    # a = 12.5/15, b = 10/15, c = 7.5/15 → ratio = 30/45 = 2/3 → 30 + 46.666… = 76.67
    assert r.task_ratio == D("0.6666666666666666666666666667")
    assert r.score == D("76.67")
    assert r.level is Level.GOOD
    assert r.criteria_total == 30
    keys = [s.key for s in result.steps]
    assert keys.index("c") < keys.index("criteria_total") < keys.index("task_ratio")
    assert keys[-3:] == ["period_score_unrounded", "period_score", "level"]


def test_period_result_for_a_leader() -> None:
    outcomes = [outcome("T1", "10", "10")]
    leader = LeaderComponents(d=D("0.5"), dd=D(1), e=D(1))
    r = period_result(P, outcomes, FULL_CRITERIA, leader).value
    # (1 + 1 + 1 + .5 + 1 + 1) / 6 = 5.5/6 → 30 + 64.1666… = 94.17
    assert r.score == D("94.17")
    assert r.level is Level.EXCELLENT


def test_period_without_assigned_task_is_not_scorable() -> None:
    result = period_result(P, [], FULL_CRITERIA, None)
    r = result.value
    assert not r.scorable
    assert (r.score, r.level, r.task_ratio, r.components) == (None, None, None, None)
    assert r.reason_not_scorable == "not scorable: no assigned task in the period"
    assert r.criteria_total == 30
