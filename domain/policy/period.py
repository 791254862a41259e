"""The period score (Art. 15–17, 20(1–4)): general criteria + task ratio × 70, and its level."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain import errors
from domain.policy.arithmetic import exact, exact_sum, require_finite, round_to, text
from domain.policy.parameters import Policy
from domain.policy.steps import Computed, Step
from domain.policy.tasks import (
    NOT_SCORABLE_NO_ASSIGNED_TASK,
    TaskComponents,
    TaskOutcome,
    task_components,
)
from domain.values import Level

SCORED = "scored"
NOT_SCORABLE = "not_scorable"
PENDING_CONFIRMATION = "pending_confirmation"
_SOURCE_TEXT = {"evaluator": "the evaluator's scores", "self": "the servant's self-scores"}


@dataclass(frozen=True)
class LeaderComponents:
    """A leader's d, đ (``dd``) and e, each 100% or 50% (Art. 15(3))."""

    d: Decimal
    dd: Decimal
    e: Decimal


@dataclass(frozen=True)
class PeriodResult:
    scorable: bool
    components: TaskComponents | None
    criteria_total: Decimal
    task_ratio: Decimal | None
    score: Decimal | None  # rounded per policy
    level: Level | None  # indicative level of the period
    reason_not_scorable: str | None = None
    # ``scored``, ``not_scorable`` (no assigned task) or ``pending_confirmation`` (the
    # counting source has not scored the general criteria: no score, not 0 points).
    status: str = SCORED


PENDING_PREFIX = "pending confirmation:"


def pending_reason(policy: Policy) -> str:
    """Why a period waits: whose general-criteria scores are missing (Art. 17(2))."""
    return (
        f"{PENDING_PREFIX} {_SOURCE_TEXT[policy.criteria_source]} of the general "
        "criteria are not recorded"
    )


def is_pending_confirmation(reason_not_scorable: str | None) -> bool:
    """Whether a stored reason is ``pending_reason``'s (for readers of older row shapes)."""
    return bool(reason_not_scorable and reason_not_scorable.startswith(PENDING_PREFIX))


def criteria_source_step(policy: Policy, scores: Mapping[str, Decimal] | None) -> Step:
    """Which scores counted for the general criteria, or that none is recorded yet."""
    source = _SOURCE_TEXT[policy.criteria_source]
    return Step(
        key="criteria_source",
        label="general criteria counted",
        formula=f"{source} (param criteria_source = {policy.criteria_source})",
        substitution="none recorded" if scores is None else f"{len(scores)} sub-criteria scored",
        result=PENDING_CONFIRMATION if scores is None else policy.criteria_source,
        rule="Art. 17(2); param criteria_source",
    )


def validate_leader_component(policy: Policy, value: Decimal) -> Decimal:
    """d, đ, e may only be one of ``policy.leader_component_values`` (1 or 0.5)."""
    if isinstance(value, Decimal) and value.is_finite():
        for allowed in policy.leader_component_values:
            if value == allowed:
                return allowed
    allowed_text = " or ".join(text(v) for v in policy.leader_component_values)
    raise errors.InvalidLeaderComponent(
        f"a leader component must be {allowed_text}, got {value!r}", value=str(value)
    )


def leader_d(policy: Policy, subordinate_levels: Sequence[tuple[str, Level]]) -> Computed[Decimal]:
    """d: 100% if every servant under the leader is at COMPLETE or above, 50% if any FAILs."""
    full, half = max(policy.leader_component_values), min(policy.leader_component_values)
    refs = tuple(ref for ref, _ in subordinate_levels)
    if not subordinate_levels:
        step = Step(
            key="d",
            label="organisation results d",
            formula="100% if every subordinate ≥ COMPLETE, 50% if any FAIL",
            substitution="no subordinate scored in the period: nobody failed",
            result=text(full),
            rule="Art. 15(3)(a)",
        )
        return Computed(full, (step,))
    failed = tuple(ref for ref, level in subordinate_levels if level is Level.FAIL)
    value = half if failed else full
    substitution = (
        f"FAIL: {', '.join(failed)}"
        if failed
        else f"all {len(subordinate_levels)} subordinates at COMPLETE or above"
    )
    step = Step(
        key="d",
        label="organisation results d",
        formula="100% if every subordinate ≥ COMPLETE, 50% if any FAIL",
        substitution=substitution,
        result=text(value),
        refs=failed or refs,
        rule="Art. 15(3)(a)",
    )
    return Computed(value, (step,))


def criteria_total(
    policy: Policy, scores: Mapping[str, Decimal], explain: bool = True
) -> Computed[Decimal]:
    """Σ of the evaluator's sub-criterion scores, each within [0, its maximum]."""
    for code, score in scores.items():
        criterion = policy.criterion(code)  # raises UnknownCriterion
        require_finite(score, f"criterion {code}")
        if score < 0:
            raise errors.InvalidValue(
                f"criterion {code} score must not be negative, got {score}", code=code
            )
        if score > criterion.maximum:
            raise errors.CriteriaScoreAboveMaximum(
                f"criterion {code} score {score} is above its maximum {criterion.maximum}",
                code=code,
                maximum=str(criterion.maximum),
            )
    with exact():
        total = sum((scores.get(c.code, Decimal(0)) for c in policy.criteria_maxima), Decimal(0))
    if not explain:
        return Computed(total, ())
    terms = [text(scores.get(c.code, Decimal(0))) for c in policy.criteria_maxima]
    missing = [c.code for c in policy.criteria_maxima if c.code not in scores]
    substitution = " + ".join(terms)
    if missing:
        substitution += f" (not scored, counted 0: {', '.join(missing)})"
    step = Step(
        key="criteria_total",
        label="general criteria",
        formula=" + ".join(c.code for c in policy.criteria_maxima),
        substitution=substitution,
        result=text(total),
        rule="Art. 12(2); Appendix I",
    )
    return Computed(total, (step,))


def criteria_groups(
    policy: Policy, scores: Mapping[str, Decimal]
) -> tuple[tuple[str, Decimal, Decimal | None], ...]:
    """Form 01's group rows (I, II, III): each group's maximum and the sum of its scored
    sub-criteria (None when none of them is scored)."""
    groups: dict[str, tuple[Decimal, Decimal | None]] = {}
    with exact():
        for criterion in policy.criteria_maxima:
            group = criterion.code.partition(".")[0]
            maximum, total = groups.get(group, (Decimal(0), None))
            score = scores.get(criterion.code)
            if score is not None:
                total = (total or Decimal(0)) + score
            groups[group] = (maximum + criterion.maximum, total)
    return tuple((group, maximum, total) for group, (maximum, total) in groups.items())


def task_ratio(
    policy: Policy,
    components: TaskComponents,
    leader: LeaderComponents | None,
    explain: bool = True,
) -> Computed[Decimal]:
    """Staff (a + b + c) / 3; leaders (a + b + c + d + đ + e) / 6; capped at 1 by policy."""
    a, b, c = components.a, components.b, components.c
    if leader is None:
        terms = [a, b, c]
        formula, rule = "(a + b + c) ÷ 3", "Art. 16(1)"
    else:
        d = validate_leader_component(policy, leader.d)
        dd = validate_leader_component(policy, leader.dd)
        e = validate_leader_component(policy, leader.e)
        terms = [a, b, c, d, dd, e]
        formula, rule = "(a + b + c + d + đ + e) ÷ 6", "Art. 16(2)"
    total = exact_sum(terms)  # one rounding only, in the division, as by hand
    with exact():
        uncapped = total / len(terms)
    if not explain:
        return Computed(min(uncapped, Decimal(1)) if policy.cap_task_ratio else uncapped, ())
    substitution = f"({' + '.join(text(t) for t in terms)}) ÷ {len(terms)}"
    steps = [
        Step(
            key="task_ratio_uncapped" if policy.cap_task_ratio else "task_ratio",
            label="task ratio",
            formula=formula,
            substitution=substitution,
            result=text(uncapped),
            rule=rule,
        )
    ]
    value = uncapped
    if policy.cap_task_ratio:
        value = min(uncapped, Decimal(1))
        steps.append(
            Step(
                key="task_ratio",
                label="task ratio, capped",
                formula="min(task ratio, 1)",
                substitution=f"min({text(uncapped)}, 1)",
                result=text(value),
                rule="param cap_task_ratio",
            )
        )
    return Computed(value, tuple(steps))


def period_score(
    policy: Policy, criteria_total: Decimal, task_ratio: Decimal, explain: bool = True
) -> Computed[Decimal]:
    """criteria + task ratio × 70, rounded per policy (the only rounding of a period)."""
    with exact():
        raw = criteria_total + task_ratio * policy.task_weight
    score = round_to(raw, policy.score_places, policy.score_rounding)
    if not explain:
        return Computed(score, ())
    steps = (
        Step(
            key="period_score_unrounded",
            label="period score, unrounded",
            formula=f"general criteria + task ratio × {text(policy.task_weight)}",
            substitution=(
                f"{text(criteria_total)} + {text(task_ratio)} × {text(policy.task_weight)}"
            ),
            result=text(raw),
            rule="Art. 17(1)",
        ),
        Step(
            key="period_score",
            label="period score",
            formula=f"round({policy.score_places} places, {policy.score_rounding})",
            substitution=f"round({text(raw)})",
            result=text(score),
            rule="param score_places, score_rounding",
        ),
    )
    return Computed(score, steps)


def level_for_score(policy: Policy, score: Decimal) -> Level:
    """Art. 20(1–4)(a) thresholds, applied to the score rounded per policy."""
    rounded = round_to(require_finite(score, "score"), policy.score_places, policy.score_rounding)
    if rounded >= policy.threshold_excellent:
        return Level.EXCELLENT
    if rounded >= policy.threshold_good:
        return Level.GOOD
    if rounded >= policy.threshold_complete:
        return Level.COMPLETE
    return Level.FAIL


def level_step(policy: Policy, score: Decimal, key: str = "level") -> Step:
    """The explanation line of ``level_for_score``."""
    level = level_for_score(policy, score)
    return Step(
        key=key,
        label="level by score",
        formula=(
            f"≥ {text(policy.threshold_excellent)} EXCELLENT, "
            f"≥ {text(policy.threshold_good)} GOOD, "
            f"≥ {text(policy.threshold_complete)} COMPLETE, else FAIL"
        ),
        substitution=text(score),
        result=level.value,
        rule="Art. 20(1–4)",
    )


def period_result(
    policy: Policy,
    outcomes: Sequence[TaskOutcome],
    criteria_scores: Mapping[str, Decimal] | None,
    leader: LeaderComponents | None,
    explain: bool = True,
) -> Computed[PeriodResult]:
    """The whole period: components, criteria, ratio, score and indicative level.

    ``criteria_scores`` are the counting source's (``policy.criteria_source``); None when
    that source has recorded nothing: the period is pending confirmation, with no score.
    ``explain=False`` gives the same result with no steps: a rebuild derives every
    period and shows none; an explanation computes its period again with them."""
    components = task_components(policy, outcomes, explain)
    criteria = criteria_total(policy, criteria_scores or {}, explain)
    steps: tuple[Step, ...] = ()
    if explain:
        steps = (*components.steps, criteria_source_step(policy, criteria_scores), *criteria.steps)
    if components.value is None:
        result = PeriodResult(
            scorable=False,
            components=None,
            criteria_total=criteria.value,
            task_ratio=None,
            score=None,
            level=None,
            reason_not_scorable=NOT_SCORABLE_NO_ASSIGNED_TASK,
            status=NOT_SCORABLE,
        )
        return Computed(result, steps)
    ratio = task_ratio(policy, components.value, leader, explain)
    if criteria_scores is None:
        pending = PeriodResult(
            scorable=False,
            components=components.value,
            criteria_total=criteria.value,
            task_ratio=ratio.value,
            score=None,
            level=None,
            reason_not_scorable=pending_reason(policy),
            status=PENDING_CONFIRMATION,
        )
        if not explain:
            return Computed(pending, ())
        step = Step(
            key="pending_confirmation",
            label="period score",
            formula="general criteria + task ratio × 70, once the criteria are confirmed",
            substitution="general criteria not recorded (not counted as 0)",
            result=pending_reason(policy),
            rule="Art. 17(1–2); param criteria_source",
        )
        return Computed(pending, steps + ratio.steps + (step,))
    score = period_score(policy, criteria.value, ratio.value, explain)
    level = level_for_score(policy, score.value)
    result = PeriodResult(
        scorable=True,
        components=components.value,
        criteria_total=criteria.value,
        task_ratio=ratio.value,
        score=score.value,
        level=level,
    )
    if not explain:
        return Computed(result, ())
    return Computed(result, steps + ratio.steps + score.steps + (level_step(policy, score.value),))
