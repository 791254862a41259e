"""The quality level of an organisation (Decree 335/2025, Chapter II, Art. 6–8).

Points: up to 30 for the general criteria (Art. 6) and up to 70 for the task
criteria (Art. 7). The level (Art. 8) needs both the points and the conditions
on the year's work plan; the FAIL triggers of Art. 8(4) apply whatever the
points. Readings of the decree that a reader could take otherwise:

- a level's upper bound ("đến dưới 90") is only the next level's threshold: an
  organisation with 95 points that misses EXCELLENT's conditions is rated by the
  next level whose conditions it meets;
- an organisation that meets no level's conditions without a trigger (e.g. 80
  points, 90% of its plan done) is FAIL: it has not "completed 100% of the tasks";
- a force-majeure decision (Art. 8(4)(b)) names the tasks the competent
  authority excuses; they leave the plan, and every ratio is counted without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from domain import errors
from domain.policy.arithmetic import exact, require_finite, text
from domain.policy.parameters import Policy
from domain.policy.quota import QuotaGrant, TieDecision, quota_limit
from domain.policy.steps import Computed, Step
from domain.values import Level


@dataclass(frozen=True)
class OrganisationRules:
    """The parameters of Chapter II, as the decree publishes them."""

    general_max: Decimal = Decimal(30)  # Art. 6
    task_max: Decimal = Decimal(70)  # Art. 7(1)
    threshold_excellent: Decimal = Decimal(90)  # Art. 8(1)
    threshold_good: Decimal = Decimal(70)  # Art. 8(2)
    threshold_complete: Decimal = Decimal(50)  # Art. 8(3)
    exceeded_min: Decimal = Decimal("0.30")  # Art. 8(1)(a): at least 30% exceeded
    behind_max: Decimal = Decimal("0.20")  # Art. 8(3): at most 20% behind schedule
    plan_min: Decimal = Decimal("0.70")  # Art. 8(4)(b): under 70% of the plan is FAIL


ND335_2025_ORGANISATIONS = OrganisationRules()


@dataclass(frozen=True)
class PlanTask:
    """One task of the year's work plan, as the recognising authority found it."""

    ref: str
    completed: bool
    on_time: bool  # completed by its deadline (False when not completed)
    exceeded: bool  # completed above what was required


@dataclass(frozen=True)
class ForceMajeure:
    """Art. 8(4)(b): the competent authority's decision that tasks were not done for
    reasons of force majeure, with its reasons and the tasks it excuses."""

    document_ref: str
    reasons: str
    excused: frozenset[str]


@dataclass(frozen=True)
class OrganisationFacts:
    ref: str
    general_points: Decimal
    task_points: Decimal
    tasks: tuple[PlanTask, ...]
    failed_subordinates: tuple[str, ...] = ()  # directly subordinate, rated FAIL
    open_shortcomings: tuple[str, ...] = ()  # earlier shortcomings not yet fixed
    violations: tuple[str, ...] = ()  # Art. 8(4)(a): competent conclusions
    force_majeure: ForceMajeure | None = None


@dataclass(frozen=True)
class PlanRatios:
    planned: int
    completed: int
    on_time: int
    exceeded: int
    behind: int  # completed, but not on time

    def share(self, count: int) -> Decimal:
        with exact():
            return Decimal(count) / Decimal(self.planned)


def _points(rules: OrganisationRules, facts: OrganisationFacts) -> Computed[Decimal]:
    general = require_finite(facts.general_points, "general points")
    tasks = require_finite(facts.task_points, "task points")
    if not Decimal(0) <= general <= rules.general_max:
        raise errors.InvalidValue(
            f"general criteria points must be 0 to {text(rules.general_max)} (Art. 6), "
            f"got {text(general)}"
        )
    if not Decimal(0) <= tasks <= rules.task_max:
        raise errors.InvalidValue(
            f"task criteria points must be 0 to {text(rules.task_max)} (Art. 7), got {text(tasks)}"
        )
    with exact():
        total = general + tasks
    step = Step(
        key="points",
        label="points",
        formula="general (≤ 30) + tasks (≤ 70)",
        substitution=f"{text(general)} + {text(tasks)}",
        result=text(total),
        rule="Art. 6, 7(1)",
    )
    return Computed(total, (step,))


def plan_ratios(facts: OrganisationFacts) -> Computed[PlanRatios]:
    """The work plan counted without the tasks excused for force majeure."""
    refs = [t.ref for t in facts.tasks]
    if len(set(refs)) != len(refs):
        raise errors.InvalidValue("a task appears twice in the work plan")
    excused = facts.force_majeure.excused if facts.force_majeure else frozenset()
    unknown = sorted(excused - set(refs))
    if unknown:
        raise errors.InvalidValue(f"excused tasks not in the plan: {', '.join(unknown)}")
    counted = [t for t in facts.tasks if t.ref not in excused]
    if not counted:
        raise errors.InvalidValue(f"the work plan of {facts.ref} has no task to count")
    ratios = PlanRatios(
        planned=len(counted),
        completed=sum(t.completed for t in counted),
        on_time=sum(t.completed and t.on_time for t in counted),
        exceeded=sum(t.completed and t.exceeded for t in counted),
        behind=sum(t.completed and not t.on_time for t in counted),
    )
    n = ratios.planned
    step = Step(
        key="plan",
        label="work plan",
        formula="completed / on time / exceeded / behind schedule, of N planned",
        substitution=(
            f"{ratios.completed}/{n}, {ratios.on_time}/{n}, {ratios.exceeded}/{n}, "
            f"{ratios.behind}/{n}" + (f" ({len(excused)} excused)" if excused else "")
        ),
        result=f"{text(ratios.share(ratios.completed) * 100)}% completed",
        refs=tuple(sorted(excused)),
        rule="Art. 7(1)(b), 8(1–4)" + (", 8(4)(b) force majeure" if excused else ""),
    )
    return Computed(ratios, (step,))


def _triggers(
    rules: OrganisationRules, facts: OrganisationFacts, points: Decimal, plan: PlanRatios
) -> list[Step]:
    found: list[Step] = []
    if facts.violations:
        found.append(
            Step(
                key="fail_violation",
                label="concluded violation",
                formula="violations in personnel work, disunity, factionalism, buying positions",
                substitution=", ".join(facts.violations),
                result="FAIL",
                refs=facts.violations,
                rule="Art. 8(4)(a)",
            )
        )
    done = plan.share(plan.completed)
    if done < rules.plan_min:
        found.append(
            Step(
                key="fail_plan",
                label="plan under 70%",
                formula=f"completed / planned < {text(rules.plan_min)}",
                substitution=f"{plan.completed}/{plan.planned} = {text(done)}",
                result="FAIL",
                rule="Art. 8(4)(b)",
            )
        )
    if points < rules.threshold_complete:
        found.append(
            Step(
                key="fail_points",
                label="under 50 points",
                formula=f"points < {text(rules.threshold_complete)}",
                substitution=text(points),
                result="FAIL",
                rule="Art. 8(4)",
            )
        )
    return found


def _conditions(
    rules: OrganisationRules, facts: OrganisationFacts, points: Decimal, plan: PlanRatios
) -> dict[Level, list[str]]:
    """For each level above FAIL, what it misses (empty: all its conditions met)."""
    all_done = plan.completed == plan.planned
    all_on_time = plan.on_time == plan.planned
    missing: dict[Level, list[str]] = {Level.EXCELLENT: [], Level.GOOD: [], Level.COMPLETE: []}
    for level, threshold in (
        (Level.EXCELLENT, rules.threshold_excellent),
        (Level.GOOD, rules.threshold_good),
        (Level.COMPLETE, rules.threshold_complete),
    ):
        if points < threshold:
            missing[level].append(f"{text(points)} < {text(threshold)} points")
    for level in (Level.EXCELLENT, Level.GOOD):
        if not all_on_time:
            missing[level].append(f"{plan.on_time}/{plan.planned} done on time, not 100%")
    if plan.share(plan.exceeded) < rules.exceeded_min:
        missing[Level.EXCELLENT].append(
            f"{plan.exceeded}/{plan.planned} exceeded, under {text(rules.exceeded_min * 100)}%"
        )
    if facts.failed_subordinates:
        missing[Level.EXCELLENT].append(
            "subordinate rated FAIL: " + ", ".join(facts.failed_subordinates)
        )
    if facts.open_shortcomings:
        missing[Level.EXCELLENT].append(
            "shortcomings not fixed: " + ", ".join(facts.open_shortcomings)
        )
    if not all_done:
        missing[Level.COMPLETE].append(f"{plan.completed}/{plan.planned} completed, not 100%")
    if plan.share(plan.behind) > rules.behind_max:
        missing[Level.COMPLETE].append(
            f"{plan.behind}/{plan.planned} behind schedule, over {text(rules.behind_max * 100)}%"
        )
    return missing


_RULE = {Level.EXCELLENT: "Art. 8(1)", Level.GOOD: "Art. 8(2)", Level.COMPLETE: "Art. 8(3)"}


def organisation_level(
    facts: OrganisationFacts, rules: OrganisationRules = ND335_2025_ORGANISATIONS
) -> Computed[Level]:
    """The level the facts give (Art. 8), with the points, the plan and each condition."""
    points = _points(rules, facts)
    plan = plan_ratios(facts)
    steps = [*points.steps, *plan.steps]
    if facts.force_majeure is not None:
        fm = facts.force_majeure
        steps.append(
            Step(
                key="force_majeure",
                label="force majeure",
                formula="tasks excused by the competent authority's decision",
                substitution=fm.reasons,
                result=", ".join(sorted(fm.excused)) or "no task excused",
                refs=(fm.document_ref, *sorted(fm.excused)),
                rule="Art. 8(4)(b)",
            )
        )
    triggers = _triggers(rules, facts, points.value, plan.value)
    if triggers:
        return Computed(Level.FAIL, (*steps, *triggers))
    missing = _conditions(rules, facts, points.value, plan.value)
    for level in (Level.EXCELLENT, Level.GOOD, Level.COMPLETE):
        steps.append(
            Step(
                key=f"conditions_{level.value.lower()}",
                label=f"{level.value} conditions",
                formula=_RULE[level],
                substitution="; ".join(missing[level]) or "all met",
                result="met" if not missing[level] else "not met",
                rule=_RULE[level],
            )
        )
        if not missing[level]:
            return Computed(level, tuple(steps))
    steps.append(
        Step(
            key="conditions_none",
            label="no level's conditions met",
            formula="FAIL when no higher level's conditions are met",
            substitution=text(points.value),
            result="FAIL",
            rule="Art. 8(4); reading of the decree",
        )
    )
    return Computed(Level.FAIL, tuple(steps))


@dataclass(frozen=True)
class OrganisationQuota:
    limit: int
    excellent: tuple[str, ...]
    good: tuple[str, ...]  # moved down beyond the limit
    pending: tuple[str, ...]  # tied across the limit, awaiting a decision


def organisation_quota(
    policy: Policy,
    candidates: Sequence[tuple[str, Decimal]],
    good_count: int,
    grant: QuotaGrant | None = None,
    tie_decision: TieDecision | None = None,
) -> Computed[OrganisationQuota]:
    """Art. 8(5): EXCELLENT organisations ≤ 20% of those rated GOOD in the recognising
    authority's scope, up to 25% by its recorded decision. ``candidates`` meet
    EXCELLENT's conditions; ranked by points, a tie across the limit stays pending."""
    refs = [ref for ref, _ in candidates]
    if len(set(refs)) != len(refs):
        raise errors.InvalidValue("an organisation appears twice among the candidates")
    ratio = policy.quota_ratio
    if grant is not None:
        if not policy.quota_ratio <= grant.ratio <= policy.quota_ratio_max:
            raise errors.InvalidValue(
                f"a granted ratio must be between {text(policy.quota_ratio)} and "
                f"{text(policy.quota_ratio_max)} (Art. 8(5)(b)), got {text(grant.ratio)}"
            )
        ratio = grant.ratio
    limit = quota_limit(policy, len(candidates), good_count, ratio)
    k = limit.value[0]
    ranked = sorted(candidates, key=lambda c: (-c[1], c[0]))
    excellent = [ref for ref, _ in ranked[:k]]
    good = [ref for ref, _ in ranked[k:]]
    pending: list[str] = []
    if 0 < k < len(ranked) and ranked[k - 1][1] == ranked[k][1]:
        tie = ranked[k][1]
        tied = [ref for ref, score in ranked if score == tie]
        above = [ref for ref, score in ranked if score > tie]
        free = k - len(above)
        chosen = tie_decision.excellent_refs if tie_decision else None
        if chosen is not None and (not chosen <= set(tied) or len(chosen) > free):
            raise errors.InvalidTieDecision(
                f"tie decision {tie_decision.document_ref if tie_decision else ''} must name "
                f"at most {free} of {', '.join(tied)}"
            )
        excellent = above + sorted(chosen or ())
        pending = [] if chosen is not None else tied
        good = [ref for ref, _ in ranked if ref not in excellent and ref not in pending]
    step = Step(
        key="organisation_quota",
        label="EXCELLENT organisations",
        formula="ranked by points; the first k are EXCELLENT, a tie at k stays pending",
        substitution=", ".join(f"{ref} {text(score)}" for ref, score in ranked) or "none",
        result=f"EXCELLENT {', '.join(excellent) or '—'}; GOOD {', '.join(good) or '—'}"
        + (f"; pending {', '.join(pending)}" if pending else ""),
        refs=tuple(refs) + ((grant.document_ref,) if grant else ()),
        rule="Art. 8(5)" + (" (b)" if grant else " (a)"),
    )
    outcome = OrganisationQuota(k, tuple(excellent), tuple(good), tuple(pending))
    # the count is Art. 20(5)'s; for organisations it is Art. 8(5)'s
    counted = tuple(replace(s, rule=s.rule.replace("Art. 20(5)", "Art. 8(5)")) for s in limit.steps)
    return Computed(outcome, (*counted, step))
