"""Task components a (quantity), b (quality), c (progress) of one servant in one period.

Art. 14(2) and 18(1)(d): everything divides by the *assigned* standard units;
work taken over from others and ad-hoc tasks add to the completed units only. Whose
assigned total a task is in (after a reassignment, by its cause) and that a cancelled
task is in nobody's is decided by the projections (``projections.inputs.task_outcome``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain import errors
from domain.policy.arithmetic import exact, require_non_negative, text, tidy
from domain.policy.parameters import Policy
from domain.policy.steps import Computed, Step

NOT_SCORABLE_NO_ASSIGNED_TASK = "not scorable: no assigned task in the period"


@dataclass(frozen=True)
class TaskOutcome:
    """What one task brought one servant in the period, in standard units."""

    ref: str  # task id
    units: Decimal  # quantity × factor of the task as assigned
    counts_in_assigned: bool  # False: ad-hoc, taken over (Art. 18(1)(d)), or cancelled
    completed_units: Decimal  # completed and accepted by this servant (0 if reassigned away)
    failed_assessments: int
    deadline: date
    completed_on: date | None
    recorded_delays: int = 0  # used only when delay_counting == "per_recorded_delay"
    quality_exempt: bool = False  # objective cause confirmed by a competent authority
    progress_exempt: bool = False

    def __post_init__(self) -> None:
        try:
            require_non_negative(self.units, f"units of task {self.ref}")
            require_non_negative(self.completed_units, f"completed units of task {self.ref}")
        except errors.InvalidValue as error:
            raise errors.InvalidQuantity(error.message, ref=self.ref) from None
        if self.failed_assessments < 0 or self.recorded_delays < 0:
            raise errors.InvalidValue(
                f"counts of task {self.ref} must not be negative", ref=self.ref
            )


@dataclass(frozen=True)
class TaskComponents:
    """a, b, c at full precision, with the sums they come from."""

    a: Decimal
    b: Decimal
    c: Decimal
    assigned_units: Decimal
    completed_units: Decimal
    quality_units: Decimal = Decimal(0)  # Σ quality_i × completed_i
    progress_units: Decimal = Decimal(0)  # Σ progress_i × completed_i


def days_late(policy: Policy, deadline: date, completed_on: date | None) -> int:
    """Days after the deadline up to the completion day; 0 if on time or not completed.

    The "working" basis counts Monday to Friday only (public holidays are not known here).
    """
    if completed_on is None or completed_on <= deadline:
        return 0
    if policy.late_day_basis == "calendar":
        return (completed_on - deadline).days
    return sum(
        1
        for offset in range(1, (completed_on - deadline).days + 1)
        if (deadline + timedelta(days=offset)).weekday() < 5
    )


_ONE, _ZERO = Decimal(1), Decimal(0)


def _deducted_value(deduction: Decimal, count: int) -> Decimal:
    if count == 0:  # 1 − d × 0 is exactly 1, already tidy
        return _ONE
    with exact():
        return tidy(max(_ZERO, _ONE - deduction * count))


def _deducted(deduction: Decimal, count: int) -> tuple[Decimal, str]:
    value = _deducted_value(deduction, count)
    return value, f"max(0, 1 − {text(deduction)} × {count})"


def item_quality(policy: Policy, outcome: TaskOutcome, explain: bool = True) -> Computed[Decimal]:
    """quality_i = max(0, 1 − 0.25 × failed_i), or 1 when the cause is objective.

    ``explain=False`` computes the same value without its explanation (a rebuild)."""
    if not explain:
        if outcome.quality_exempt:
            return Computed(_ONE, ())
        return Computed(_deducted_value(policy.failure_deduction, outcome.failed_assessments), ())
    if outcome.quality_exempt:
        step = Step(
            key="item_quality",
            label=f"quality of {outcome.ref} (exempt)",
            formula="1 (objective cause confirmed: no deduction)",
            substitution=f"1 ({outcome.failed_assessments} failed assessments waived)",
            result="1",
            refs=(outcome.ref,),
            rule="Art. 14(2)(b)",
        )
        return Computed(Decimal(1), (step,))
    value, substitution = _deducted(policy.failure_deduction, outcome.failed_assessments)
    step = Step(
        key="item_quality",
        label=f"quality of {outcome.ref}",
        formula="max(0, 1 − failure_deduction × failed assessments)",
        substitution=substitution,
        result=text(value),
        refs=(outcome.ref,),
        rule="Art. 14(2)(b); param failure_deduction",
    )
    return Computed(value, (step,))


def _delays(policy: Policy, outcome: TaskOutcome) -> tuple[int, str, str]:
    if policy.delay_counting == "per_recorded_delay":
        return outcome.recorded_delays, "recorded delays", "param delay_counting"
    late = days_late(policy, outcome.deadline, outcome.completed_on)
    done = outcome.completed_on.isoformat() if outcome.completed_on else "not completed"
    basis = f"{policy.late_day_basis} days late, deadline {outcome.deadline.isoformat()}, {done}"
    return late, basis, "param delay_counting, late_day_basis"


def item_progress(policy: Policy, outcome: TaskOutcome, explain: bool = True) -> Computed[Decimal]:
    """progress_i = max(0, 1 − 0.25 × delays_i), or 1 when the cause is objective."""
    if not explain:
        if outcome.progress_exempt:
            return Computed(_ONE, ())
        if policy.delay_counting == "per_recorded_delay":
            delays = outcome.recorded_delays
        else:
            delays = days_late(policy, outcome.deadline, outcome.completed_on)
        return Computed(_deducted_value(policy.delay_deduction, delays), ())
    delays, basis, param = _delays(policy, outcome)
    if outcome.progress_exempt:
        step = Step(
            key="item_progress",
            label=f"progress of {outcome.ref} (exempt)",
            formula="1 (objective cause confirmed: no deduction)",
            substitution=f"1 ({delays} {basis} waived)",
            result="1",
            refs=(outcome.ref,),
            rule="Art. 14(2)(c)",
        )
        return Computed(Decimal(1), (step,))
    value, substitution = _deducted(policy.delay_deduction, delays)
    step = Step(
        key="item_progress",
        label=f"progress of {outcome.ref}",
        formula=f"max(0, 1 − delay_deduction × delays) ({basis})",
        substitution=substitution,
        result=text(value),
        refs=(outcome.ref,),
        rule=f"Art. 14(2)(c); {param}",
    )
    return Computed(value, (step,))


def _sum_text(values: Sequence[str]) -> str:
    return " + ".join(values) if values else "0"


def task_components(
    policy: Policy, outcomes: Sequence[TaskOutcome], explain: bool = True
) -> Computed[TaskComponents | None]:
    """a, b, c for one servant and one period, unrounded; None when nothing was assigned.

    ``explain=False``: the same values, no steps (what a rebuild needs)."""
    if not explain:
        return Computed(_components(policy, outcomes), ())
    steps: list[Step] = []
    refs = tuple(o.ref for o in outcomes)
    assigned = [o for o in outcomes if o.counts_in_assigned]
    with exact():
        assigned_units = sum((o.units for o in assigned), Decimal(0))
        steps.append(
            Step(
                key="assigned_units",
                label="assigned units",
                formula="Σ units of assigned tasks (ad-hoc, taken-over, cancelled work excluded)",
                substitution=_sum_text([text(o.units) for o in assigned]),
                result=text(assigned_units),
                refs=tuple(o.ref for o in assigned),
                rule="Art. 14(1); Art. 18(1)(d)",
            )
        )
        if assigned_units == 0:
            steps.append(
                Step(
                    key="not_scorable",
                    label="no task score",
                    formula="Σ assigned units = 0",
                    substitution=_sum_text([text(o.units) for o in assigned]),
                    result=NOT_SCORABLE_NO_ASSIGNED_TASK,
                    refs=refs,
                    rule="Art. 14(1)",
                )
            )
            return Computed(None, tuple(steps))

        completed_units = sum((o.completed_units for o in outcomes), Decimal(0))
        steps.append(
            Step(
                key="completed_units",
                label="completed units",
                formula="Σ completed units (all tasks, extra work included)",
                substitution=_sum_text([text(o.completed_units) for o in outcomes]),
                result=text(completed_units),
                refs=refs,
                rule="Art. 14(2)(a); Art. 18(1)(d)",
            )
        )
        quality_terms: list[str] = []
        progress_terms: list[str] = []
        quality_units = Decimal(0)
        progress_units = Decimal(0)
        for outcome in outcomes:
            quality = item_quality(policy, outcome)
            progress = item_progress(policy, outcome)
            steps.extend(quality.steps + progress.steps)
            quality_units += quality.value * outcome.completed_units
            progress_units += progress.value * outcome.completed_units
            quality_terms.append(f"{text(quality.value)} × {text(outcome.completed_units)}")
            progress_terms.append(f"{text(progress.value)} × {text(outcome.completed_units)}")
        quality_units, progress_units = tidy(quality_units), tidy(progress_units)
        steps.append(
            Step(
                key="quality_units",
                label="quality-weighted units",
                formula="Σ quality_i × completed_i",
                substitution=_sum_text(quality_terms),
                result=text(quality_units),
                refs=refs,
                rule="Art. 14(2)(b)",
            )
        )
        steps.append(
            Step(
                key="progress_units",
                label="progress-weighted units",
                formula="Σ progress_i × completed_i",
                substitution=_sum_text(progress_terms),
                result=text(progress_units),
                refs=refs,
                rule="Art. 14(2)(c)",
            )
        )
        a = completed_units / assigned_units
        b = quality_units / assigned_units
        c = progress_units / assigned_units
    for key, label, numerator_name, numerator, value, rule in (
        ("a", "quantity a", "Σ completed units", completed_units, a, "Art. 14(2)(a)"),
        ("b", "quality b", "Σ quality_i × completed_i", quality_units, b, "Art. 14(2)(b)"),
        ("c", "progress c", "Σ progress_i × completed_i", progress_units, c, "Art. 14(2)(c)"),
    ):
        steps.append(
            Step(
                key=key,
                label=label,
                formula=f"{numerator_name} ÷ Σ assigned units",
                substitution=f"{text(numerator)} ÷ {text(assigned_units)}",
                result=text(value),
                refs=refs,
                rule=rule,
            )
        )
    components = TaskComponents(
        a=a,
        b=b,
        c=c,
        assigned_units=assigned_units,
        completed_units=completed_units,
        quality_units=quality_units,
        progress_units=progress_units,
    )
    return Computed(components, tuple(steps))


def _components(policy: Policy, outcomes: Sequence[TaskOutcome]) -> TaskComponents | None:
    """``task_components``' value alone: the same operations in the same order."""
    with exact():
        assigned_units = sum((o.units for o in outcomes if o.counts_in_assigned), _ZERO)
        if assigned_units == 0:
            return None
        completed_units = sum((o.completed_units for o in outcomes), _ZERO)
        quality_units = _ZERO
        progress_units = _ZERO
        for outcome in outcomes:
            quality = item_quality(policy, outcome, explain=False).value
            progress = item_progress(policy, outcome, explain=False).value
            quality_units += quality * outcome.completed_units
            progress_units += progress * outcome.completed_units
        quality_units, progress_units = tidy(quality_units), tidy(progress_units)
        return TaskComponents(
            a=completed_units / assigned_units,
            b=quality_units / assigned_units,
            c=progress_units / assigned_units,
            assigned_units=assigned_units,
            completed_units=completed_units,
            quality_units=quality_units,
            progress_units=progress_units,
        )
