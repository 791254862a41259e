"""What the policy's pure functions take, read from the folded state: a task's
outcome for a servant, the criteria that count, a leader's rank, the policy in
force, the time employed, and the discipline and conclusion facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.agency import Agency
from domain.discipline import AuthorityConclusion, DisciplineDecision
from domain.evaluation import PeriodEvaluation
from domain.policy import (
    ConclusionFact,
    DateSpan,
    DisciplineFact,
    Policy,
    TaskOutcome,
    policy_in_force,
)
from domain.scope import authority_rank
from domain.servant import CivilServant, Placement
from domain.task import Task
from domain.values import (
    AssessmentOutcome,
    ConclusionKind,
    DisciplineForm,
)

Row = dict[str, Any]


def task_outcome(task: Task, servant: str) -> TaskOutcome:
    """What ``task`` brings ``servant``: it counts in the assigned total of whom it was
    assigned to (the first holder, unless a reassignment for coordination or a mistake
    moved it); whoever completes it (the last holder) gets the completed units. A
    cancelled task brings nobody anything (Art. 18(1)(d))."""
    accepted = [a for a in task.assessments.values() if a.outcome is AssessmentOutcome.ACCEPTED]
    failed = sum(1 for a in task.assessments.values() if a.outcome is AssessmentOutcome.FAILED)
    submission = None
    if accepted:
        number = max(accepted, key=lambda a: a.number).submission
        submission = next(s for s in task.submissions if s.number == number)
    completes = servant == task.holder and submission is not None and not task.cancelled
    return TaskOutcome(
        ref=task.code,
        units=task.units,
        counts_in_assigned=servant == task.counted_for and not task.ad_hoc and not task.cancelled,
        completed_units=submission.completed_quantity * task.factor
        if completes and submission
        else Decimal(0),
        failed_assessments=failed if servant == task.holder else 0,
        deadline=task.deadline,
        completed_on=submission.completed_on if completes and submission else None,
        recorded_delays=task.recorded_delays if servant == task.holder else 0,
        quality_exempt=task.quality_exempt,
        progress_exempt=task.progress_exempt,
    )


def counted_scores(
    policy: Policy, evaluation: PeriodEvaluation | None
) -> dict[str, Decimal] | None:
    """The general-criteria scores that count under ``policy.criteria_source`` (Art.
    17(2)); None while that source has recorded none (pending confirmation)."""
    if evaluation is None:
        return None
    if policy.criteria_source == "self":
        return dict(evaluation.self_scores) if evaluation.self_scored else None
    return dict(evaluation.scores) if evaluation.confirmed else None


def leader_rank(placement: Placement, agency: Agency | None) -> int:
    """Order of computation: a leader's d needs their subordinates' levels first."""
    return authority_rank(placement, agency)


def policy_at(agency: Agency | None, day: date) -> Policy:
    """The policy (and variant) an agency applies to a span starting on ``day``."""
    return agency.policy_on(day) if agency is not None else policy_in_force(day)


def employment_spans(servant: CivilServant, year: int) -> list[DateSpan]:
    start = max(servant.employed_from, date(year, 1, 1))
    end = date(year, 12, 31)
    if servant.left_on is not None:
        end = min(end, servant.left_on)
    return [DateSpan(start, end)] if start <= end else []


def was_leader(servant: CivilServant, year: int) -> bool:
    return any(p.leadership.is_leader for p in servant.placements if p.effective.year <= year)


def discipline_fact(decision: DisciplineDecision) -> DisciplineFact:
    return DisciplineFact(
        ref=decision.decision_no,
        form=DisciplineForm(decision.form),
        public_service_related=decision.public_service_related,
        counted_year=decision.counted_year,
        annulled=decision.annulled,
        violation_ref=decision.violation_ref,
        related_ref=decision.related_decision,
        former_organisation=decision.at_former_organisation,
    )


def conclusion_fact(conclusion: AuthorityConclusion) -> ConclusionFact:
    return ConclusionFact(
        ref=conclusion.conclusion_no,
        kind=ConclusionKind(conclusion.kind),
        year=conclusion.year,
        withdrawn=conclusion.withdrawn,
        violation_ref=conclusion.violation_ref,
    )
