"""Facts that make a servant FAIL regardless of score (Art. 11(3), 20(4)(b–d))."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from domain.policy.parameters import Policy
from domain.policy.steps import Computed, Step
from domain.values import ConclusionKind, DisciplineForm


@dataclass(frozen=True)
class DisciplineFact:
    ref: str  # the discipline decision
    form: DisciplineForm  # every form, from reprimand up, is "reprimand or higher"
    public_service_related: bool  # related to public service, or for degradation (Art. 11(3)(a))
    counted_year: int  # evaluation year it counts for; Art. 11(3)(b–d) may move it
    annulled: bool
    violation_ref: str | None  # the same act under Party and administrative discipline


@dataclass(frozen=True)
class ConclusionFact:
    ref: str
    kind: ConclusionKind
    year: int
    withdrawn: bool


@dataclass(frozen=True)
class FailTrigger:
    source: Literal["discipline", "conclusion"]
    refs: tuple[str, ...]  # the decisions or conclusions behind the trigger
    reason: str
    rule: str


def _violation(fact: DisciplineFact) -> str:
    return fact.violation_ref or f"decision {fact.ref}"


def _discipline_verdict(
    fact: DisciplineFact, year: int, counting: Sequence[DisciplineFact]
) -> str | None:
    """Why a discipline does not count for ``year``, or None when it does."""
    if fact.annulled:
        return "annulled"
    if not fact.public_service_related:
        return "not related to public service"
    if fact.counted_year != year:
        return f"counts for {fact.counted_year}"
    earlier = sorted(
        other.counted_year
        for other in counting
        if fact.violation_ref is not None
        and other.violation_ref == fact.violation_ref
        and other.counted_year < year
    )
    if earlier:
        return f"same violation already counted for {earlier[0]}"
    return None


def fail_triggers(
    policy: Policy,
    year: int,
    disciplines: Sequence[DisciplineFact],
    conclusions: Sequence[ConclusionFact],
    is_leader: bool,
) -> Computed[tuple[FailTrigger, ...]]:
    """The FAIL triggers of ``year``; one per violation however many decisions punish it."""
    del policy  # the rule is fixed by the decree; the argument keeps call sites uniform
    steps: list[Step] = []
    triggers: list[FailTrigger] = []
    counting = [d for d in disciplines if not d.annulled and d.public_service_related]
    by_violation: dict[str, list[DisciplineFact]] = {}
    for fact in disciplines:
        why_not = _discipline_verdict(fact, year, counting)
        if why_not is None:
            by_violation.setdefault(_violation(fact), []).append(fact)
        steps.append(
            Step(
                key="discipline",
                label=f"discipline {fact.ref}",
                formula="reprimand or higher, related to public service, in the year, not annulled",
                substitution=f"{fact.form.value}, counted for {fact.counted_year}",
                result="counts" if why_not is None else f"does not count: {why_not}",
                refs=(fact.ref,),
                rule="Art. 20(4)(c); Art. 11(3)",
            )
        )
    for violation, facts in by_violation.items():
        refs = tuple(f.ref for f in facts)
        triggers.append(
            FailTrigger(
                source="discipline",
                refs=refs,
                reason=f"disciplined ({', '.join(f.form.value for f in facts)}) for {violation}",
                rule="Art. 20(4)(c); Art. 11(3)(a)",
            )
        )
        if len(facts) > 1:
            steps.append(
                Step(
                    key="same_violation",
                    label="same violation counted once",
                    formula="Party and administrative discipline for one act: one trigger",
                    substitution=f"{violation}: {', '.join(refs)}",
                    result="1 trigger",
                    refs=refs,
                    rule="Art. 11(3)(a)",
                )
            )
    for conclusion in conclusions:
        if conclusion.withdrawn:
            excluded: str | None = "withdrawn"
        elif conclusion.year != year:
            excluded = f"concerns {conclusion.year}"
        elif conclusion.kind is ConclusionKind.LEADER_CORRUPTION and not is_leader:
            excluded = "applies to leaders only"
        else:
            excluded = None
        rule = (
            "Art. 20(4)(d)"
            if conclusion.kind is ConclusionKind.LEADER_CORRUPTION
            else "Art. 20(4)(b)"
        )
        if excluded is None:
            triggers.append(
                FailTrigger(
                    source="conclusion",
                    refs=(conclusion.ref,),
                    reason=f"competent conclusion: {conclusion.kind.value}",
                    rule=rule,
                )
            )
        steps.append(
            Step(
                key="conclusion",
                label=f"conclusion {conclusion.ref}",
                formula="competent conclusion in the year, not withdrawn",
                substitution=f"{conclusion.kind.value}, {conclusion.year}",
                result="counts" if excluded is None else f"does not count: {excluded}",
                refs=(conclusion.ref,),
                rule=rule,
            )
        )
    steps.append(
        Step(
            key="fail_triggers",
            label="FAIL triggers",
            formula="any trigger makes the year FAIL regardless of score",
            substitution=", ".join(r for t in triggers for r in t.refs) or "none",
            result=str(len(triggers)),
            refs=tuple(r for t in triggers for r in t.refs),
            rule="Art. 20(4)",
        )
    )
    return Computed(tuple(triggers), tuple(steps))
