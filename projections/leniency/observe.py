"""What the indicators count, read from the log: each scoring, assessment, late
result, leader's đ and e and annual candidate of one agency's year, with who
recorded it and the log positions behind it.

The facts (periods, placements, tasks) come from a replay of the log (or of the
agency's component of it); who recorded a score is not kept by the aggregates, so
the events that carry it are read once more, up to the same position: those of
the year's own evaluations and tasks, by record, where the store can read them so
(``projections.lean``), or else the log's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification

from domain.evaluation import PeriodEvaluation, evaluation_id
from domain.policy import Policy
from domain.task import Task
from domain.values import AssessmentOutcome, Period
from projections.inputs import policy_at
from projections.replay import Replayed

# The events that say who scored, assessed or excused what.
WATCHED = frozenset(
    {
        PeriodEvaluation.CriteriaSelfScored.TOPIC,
        PeriodEvaluation.CriteriaScored.TOPIC,
        PeriodEvaluation.LeaderComponentScored.TOPIC,
        Task.Assessed.TOPIC,
        Task.ObjectiveCauseConfirmed.TOPIC,
    }
)

NEAR_BAND = Decimal("0.50")  # "just above the threshold": [90.00, 90.50]


@dataclass(frozen=True)
class Observation:
    """One thing an indicator counts. ``success`` is the lenient outcome (full
    marks, unchanged, accepted, excused…); ``value`` is what a mean averages."""

    indicator: str
    evaluator: str | None
    unit: str
    servant: str
    success: bool
    positions: tuple[int, ...]
    value: Decimal | None = None


@dataclass
class _Recorded:
    actor: str
    position: int
    event: Any


@dataclass
class EventsSeen:
    """The latest of each watched event per record (and the first assessment)."""

    scored: dict[UUID, _Recorded]
    self_scored: dict[UUID, _Recorded]
    leader: dict[tuple[UUID, str], _Recorded]
    first_assessment: dict[UUID, _Recorded]
    accepted: dict[UUID, _Recorded]
    excused: dict[UUID, list[int]]


def read_events(notifications: Iterable[Notification], mapper: Mapper[UUID]) -> EventsSeen:
    seen = EventsSeen({}, {}, {}, {}, {}, {})
    for notification in notifications:
        if notification.topic not in WATCHED:
            continue
        event: Any = mapper.to_domain_event(notification)
        recorded = _Recorded(event.actor, notification.id, event)
        origin = event.originator_id
        if isinstance(event, PeriodEvaluation.CriteriaScored):
            seen.scored[origin] = recorded
        elif isinstance(event, PeriodEvaluation.CriteriaSelfScored):
            seen.self_scored[origin] = recorded
        elif isinstance(event, PeriodEvaluation.LeaderComponentScored):
            seen.leader[(origin, event.component)] = recorded
        elif isinstance(event, Task.Assessed):
            if event.assessment == 1:
                seen.first_assessment[origin] = recorded
            if event.outcome == AssessmentOutcome.ACCEPTED.value:
                seen.accepted[origin] = recorded
        elif isinstance(event, Task.ObjectiveCauseConfirmed) and event.scope in (
            "progress",
            "both",
        ):
            seen.excused.setdefault(origin, []).append(notification.id)
    return seen


@dataclass(frozen=True)
class Placed:
    """The records of an agency's year the indicators walk: each period evaluation
    and each task with the unit its servant held that period."""

    evaluations: list[tuple[PeriodEvaluation, str]]
    tasks: list[tuple[Task, str]]

    def ids(self) -> set[UUID]:
        """The records whose events say who scored, assessed or excused what."""
        return {e.id for e, _ in self.evaluations} | {t.id for t, _ in self.tasks}


def placed_records(replayed: Replayed, agency: str, year: int) -> Placed:
    """The evaluations and tasks of ``agency``'s ``year`` in the replay."""
    state, rows = replayed.state, replayed.deriver.period_rows
    state.load_year(year)  # a closed year's records, back for the walk below

    def placed(servant: str, period: str) -> str | None:
        """The servant's unit in the period, if the period is the agency's and the year's."""
        row = rows.get((servant, period))
        if row is None or row["agency_code"] != agency or row["year"] != year:
            return None
        unit: str = row["unit_code"]
        return unit

    evaluations = [
        (evaluation, unit)
        for (servant, period), evaluation in state.evaluations.items()
        if (unit := placed(servant, period)) is not None
    ]
    tasks = [
        (aggregate, unit)
        for aggregate in state.by_id.values()
        if isinstance(aggregate, Task) and (unit := placed(aggregate.holder, aggregate.period))
    ]
    return Placed(evaluations, tasks)


def observe(
    replayed: Replayed, seen: EventsSeen, agency: str, year: int, placed: Placed | None = None
) -> list[Observation]:
    """Every observation of ``agency``'s ``year`` (``placed``: its records, if found)."""
    policy = policy_at(replayed.state.agencies.get(agency), date(year, 1, 1))
    records = placed_records(replayed, agency, year) if placed is None else placed
    found: list[Observation] = []
    for evaluation, unit in records.evaluations:
        found += _evaluation_observations(policy, seen, evaluation, unit)
    for task, unit in records.tasks:
        found += _task_observations(seen, task, unit)
    found += _annual_observations(replayed, policy, agency, year)
    return found


def _evaluation_observations(
    policy: Policy, seen: EventsSeen, evaluation: PeriodEvaluation, unit: str
) -> list[Observation]:
    found = []
    servant = evaluation.servant_code
    scored = seen.scored.get(evaluation.id)
    if scored is not None:
        total = sum(evaluation.scores.values(), Decimal(0))
        full = total >= policy.criteria_total_maximum
        positions = (scored.position,)
        found.append(
            Observation("criteria_mean", scored.actor, unit, servant, full, positions, total)
        )
        found.append(
            Observation("criteria_full_marks", scored.actor, unit, servant, full, positions)
        )
        own = seen.self_scored.get(evaluation.id)
        if own is not None:
            gap = sum(evaluation.self_scores.values(), Decimal(0)) - total
            unchanged = evaluation.self_scores == evaluation.scores
            found.append(
                Observation(
                    "self_score_unchanged",
                    scored.actor,
                    unit,
                    servant,
                    unchanged,
                    (own.position, scored.position),
                    gap,
                )
            )
    entered = [
        seen.leader[k] for k in ((evaluation.id, "dd"), (evaluation.id, "e")) if k in seen.leader
    ]
    if entered:
        full_value = max(policy.leader_component_values)
        components = evaluation.leader_components
        full = all(components.get(c, full_value) == full_value for c in ("dd", "e"))
        found.append(
            Observation(
                "leader_components_full",
                entered[-1].actor,
                unit,
                servant,
                full,
                tuple(r.position for r in entered),
            )
        )
    return found


def _task_observations(seen: EventsSeen, task: Task, unit: str) -> list[Observation]:
    found = []
    first = seen.first_assessment.get(task.id)
    if first is not None:
        accepted = first.event.outcome == AssessmentOutcome.ACCEPTED.value
        found.append(
            Observation(
                "first_assessment_accepted",
                first.actor,
                unit,
                task.holder,
                accepted,
                (first.position,),
            )
        )
    accepted_by = seen.accepted.get(task.id)
    submission = _accepted_submission(task)
    if accepted_by is not None and submission is not None and submission > task.deadline:
        excused = tuple(seen.excused.get(task.id, ()))
        found.append(
            Observation(
                "late_excused",
                accepted_by.actor,
                unit,
                task.holder,
                task.progress_exempt,
                excused or (accepted_by.position,),
            )
        )
    return found


def _accepted_submission(task: Task) -> date | None:
    accepted = [a for a in task.assessments.values() if a.outcome is AssessmentOutcome.ACCEPTED]
    if not accepted:
        return None
    number = max(accepted, key=lambda a: a.number).submission
    return next((s.completed_on for s in task.submissions if s.number == number), None)


def _annual_observations(
    replayed: Replayed, policy: Policy, agency: str, year: int
) -> list[Observation]:
    """Candidates for EXCELLENT by score, and those just above the threshold."""
    state = replayed.state
    found = []
    for (servant, row_year), row in replayed.deriver.annual_rows.items():
        if row_year != year or row["agency_code"] != agency or row["annual_score"] is None:
            continue
        positions = tuple(
            p
            for period in sorted(state.periods_of.get(servant, ()))
            if Period.parse(period).year == year
            for p in state.sources(evaluation_id(servant, period))
        )
        candidate = row["level_by_score"] == "EXCELLENT"
        unit = row["unit_code"]
        found.append(Observation("excellent_candidates", None, unit, servant, candidate, positions))
        if candidate:
            score = Decimal(row["annual_score"])
            near = score <= policy.threshold_excellent + NEAR_BAND
            found.append(Observation("near_threshold", None, unit, servant, near, positions, score))
    return found
