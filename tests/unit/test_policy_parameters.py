from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal

import pytest

from domain import errors
from domain.policy import ND335_2025_V1, POLICIES, Policy, get_policy, policy_in_force


def test_version_1_defaults_follow_the_decree_and_the_brief() -> None:
    p = ND335_2025_V1
    assert (p.policy_id, p.version, p.in_force_from) == ("ND335-2025", 1, date(2026, 1, 1))
    assert p.failure_deduction == p.delay_deduction == Decimal("0.25")
    assert p.delay_counting == "per_day_late"
    assert p.late_day_basis == "calendar"
    assert p.cap_task_ratio is True
    assert p.task_weight == 70
    assert p.criteria_total_maximum == 30
    assert [c.code for c in p.criteria_maxima] == [
        "I.1", "I.2", "II.1", "II.2", "II.3", "II.4", "III.1", "III.2", "III.3", "III.4",
    ]  # fmt: skip
    assert p.criterion("I.1").maximum == 5
    assert p.criterion("III.4").maximum == Decimal("2.5")
    assert all(c.label for c in p.criteria_maxima)
    assert (p.threshold_excellent, p.threshold_good, p.threshold_complete) == (
        Decimal(90),
        Decimal(70),
        Decimal(50),
    )
    assert p.leader_component_values == (Decimal(1), Decimal("0.5"))
    assert (p.quota_ratio, p.quota_ratio_max) == (Decimal("0.20"), Decimal("0.25"))
    assert (p.quota_base, p.quota_rounding) == ("good_only", "floor")
    assert (p.score_places, p.score_rounding) == (2, "ROUND_HALF_UP")
    assert p.annual_averaging == "period_mean"
    assert p.min_months_worked == 6
    assert p.protected_leave == "counts_as_worked"
    assert p.appeal_window_days is None
    assert p.appeal_resolution_working_days == 7
    assert p.classification_deadline == (12, 15)


def test_parameters_lists_every_field_as_text() -> None:
    params = ND335_2025_V1.parameters()
    assert params["policy_id"] == "ND335-2025"
    assert params["version"] == "1"
    assert params["quota_ratio"] == "0.20"
    assert params["appeal_window_days"] == "none"
    assert params["cap_task_ratio"] == "true"
    assert params["criteria_maxima"].startswith("I.1=5;I.2=5;II.1=2.5")
    assert params["classification_deadline"] == "12;15"
    assert all(isinstance(v, str) for v in params.values())
    assert len(params) == len(Policy.__dataclass_fields__)


def test_policy_is_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        ND335_2025_V1.quota_ratio = Decimal("0.25")  # type: ignore[misc]


def test_registry_and_lookup() -> None:
    assert POLICIES[("ND335-2025", 1)] is ND335_2025_V1
    assert get_policy("ND335-2025", 1) is ND335_2025_V1
    with pytest.raises(errors.UnknownPolicy) as raised:
        get_policy("ND335-2025", 99)
    assert raised.value.code == "unknown_policy"


def test_policy_in_force() -> None:
    assert policy_in_force(date(2026, 1, 1)) is ND335_2025_V1
    assert policy_in_force(date(2030, 6, 1)) is ND335_2025_V1
    with pytest.raises(errors.UnknownPolicy):
        policy_in_force(date(2025, 12, 31))


def test_with_changes_needs_a_distinct_version() -> None:
    variant = ND335_2025_V1.with_changes(version=2, quota_base="good_or_better")
    assert variant.quota_base == "good_or_better"
    assert ND335_2025_V1.quota_base == "good_only"
    assert ND335_2025_V1.with_changes() == ND335_2025_V1
    with pytest.raises(ValueError, match="distinct version"):
        ND335_2025_V1.with_changes(quota_base="good_or_better")


@pytest.mark.parametrize(
    "changes",
    [
        {"delay_counting": "per_week"},
        {"late_day_basis": "lunar"},
        {"quota_base": "all"},
        {"quota_rounding": "nearest"},
        {"score_rounding": "ROUND_SOMETIMES"},
        {"annual_averaging": "median"},
        {"protected_leave": "ignored"},
        {"quota_ratio": Decimal("0.30")},  # above quota_ratio_max
        {"threshold_good": Decimal(95)},
        {"task_weight": Decimal(60)},  # criteria 30 + 60 ≠ 100
        {"failure_deduction": Decimal("1.5")},
        {"classification_deadline": (2, 30)},
    ],
)
def test_invalid_parameters_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ND335_2025_V1.with_changes(version=2, **changes)


def test_unknown_criterion_code() -> None:
    with pytest.raises(errors.UnknownCriterion):
        ND335_2025_V1.criterion("IV.1")
