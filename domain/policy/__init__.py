"""Scoring policy ND335-2025: versioned parameters and pure, explained scoring functions."""

from domain.policy.annual import cap_by_organisation, mean_score
from domain.policy.classification import (
    Proposal,
    ProposalStatus,
    departs_from_proposal,
    propose_annual_level,
)
from domain.policy.fail_triggers import ConclusionFact, DisciplineFact, FailTrigger, fail_triggers
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
    criteria_groups,
    criteria_total,
    leader_d,
    level_for_score,
    period_result,
    period_score,
    task_ratio,
    validate_leader_component,
)
from domain.policy.quota import (
    QuotaEntry,
    QuotaGrant,
    QuotaOutcome,
    QuotaVerdict,
    TieDecision,
    apply_quota,
    quota_limit,
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
from domain.policy.working_time import (
    DateSpan,
    LeaveSpan,
    is_classifiable,
    months_worked,
    took_protected_leave,
)

__all__ = [
    "ND335_2025_V1",
    "POLICIES",
    "Computed",
    "ConclusionFact",
    "Criterion",
    "DateSpan",
    "DisciplineFact",
    "FailTrigger",
    "LeaderComponents",
    "LeaveSpan",
    "PeriodResult",
    "Policy",
    "Proposal",
    "ProposalStatus",
    "QuotaEntry",
    "QuotaGrant",
    "QuotaOutcome",
    "QuotaVerdict",
    "Step",
    "TaskComponents",
    "TaskOutcome",
    "TieDecision",
    "apply_quota",
    "cap_by_organisation",
    "criteria_groups",
    "criteria_total",
    "days_late",
    "departs_from_proposal",
    "fail_triggers",
    "get_policy",
    "is_classifiable",
    "item_progress",
    "item_quality",
    "leader_d",
    "level_for_score",
    "mean_score",
    "months_worked",
    "period_result",
    "period_score",
    "policy_in_force",
    "propose_annual_level",
    "quota_limit",
    "task_components",
    "task_ratio",
    "took_protected_leave",
    "validate_leader_component",
]
