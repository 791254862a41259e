"""Scoring policy ND335-2025: versioned parameters and pure, explained scoring functions."""

from domain.policy.parameters import (
    ND335_2025_V1,
    POLICIES,
    Criterion,
    Policy,
    get_policy,
    policy_in_force,
)
from domain.policy.period import (
    LeaderComponents,
    PeriodResult,
    criteria_total,
    leader_d,
    level_for_score,
    period_result,
    period_score,
    task_ratio,
    validate_leader_component,
)
from domain.policy.steps import Computed, Step
from domain.policy.tasks import (
    TaskComponents,
    TaskOutcome,
    days_late,
    item_progress,
    item_quality,
    task_components,
)

__all__ = [
    "ND335_2025_V1",
    "POLICIES",
    "Computed",
    "Criterion",
    "LeaderComponents",
    "PeriodResult",
    "Policy",
    "Step",
    "TaskComponents",
    "TaskOutcome",
    "criteria_total",
    "days_late",
    "get_policy",
    "item_progress",
    "item_quality",
    "leader_d",
    "level_for_score",
    "period_result",
    "period_score",
    "policy_in_force",
    "task_components",
    "task_ratio",
    "validate_leader_component",
]
