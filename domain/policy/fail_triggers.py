"""Facts that make a servant FAIL regardless of score (Art. 11(3), 20(4)(b–d))."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    # The other decision it names as punishing the same act (Art. 11(3)(a)).
    related_ref: str | None = None
    # A violation at a former organisation: that organisation (Art. 11(3)(c–d)).
    former_organisation: str | None = None


@dataclass(frozen=True)
class ConclusionFact:
    ref: str
    kind: ConclusionKind
    year: int
    withdrawn: bool
    violation_ref: str | None = None  # the violation concluded on (Art. 11(3)(b))


@dataclass(frozen=True)
class FailTrigger:
    # "recorded": as a stored annual row keeps it, its references only
    # (``projections.pools.row_member``).
    source: Literal["discipline", "conclusion", "recorded"]
    refs: tuple[str, ...]  # the decisions or conclusions behind the trigger
    reason: str
    rule: str


@dataclass(frozen=True)
class _Violation:
    """One act: the decisions punishing it (same ``violation_ref``, or linked by
    ``related_ref``) and the violation references they carry."""

    label: str
    decisions: frozenset[str]
    refs: frozenset[str]


def _violations(disciplines: Sequence[DisciplineFact]) -> dict[str, _Violation]:
    """Each decision's violation: decisions sharing a reference or linked to each
    other, transitively, are one act."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for fact in disciplines:
        find(f"d:{fact.ref}")
        if fact.violation_ref is not None:
            union(f"d:{fact.ref}", f"v:{fact.violation_ref}")
        if fact.related_ref is not None:
            union(f"d:{fact.ref}", f"d:{fact.related_ref}")
    members: dict[str, set[str]] = {}
    for node in list(parent):
        members.setdefault(find(node), set()).add(node)
    found: dict[str, _Violation] = {}
    for nodes in members.values():
        decisions = frozenset(n[2:] for n in nodes if n.startswith("d:"))
        refs = frozenset(n[2:] for n in nodes if n.startswith("v:"))
        label = min(refs) if refs else f"decision {min(decisions)}"
        for decision in decisions:
            found[decision] = _Violation(label, decisions, refs)
    return found


def _used_for_fail(
    violation: _Violation,
    year: int,
    conclusions: Sequence[ConclusionFact],
    was_leader: Callable[[int], bool],
) -> ConclusionFact | None:
    """Art. 11(3)(b): a conclusion on this violation that made an earlier year FAIL."""
    used = [
        c
        for c in conclusions
        if c.violation_ref is not None
        and c.violation_ref in violation.refs
        and not c.withdrawn
        and c.year < year
        and (c.kind is not ConclusionKind.LEADER_CORRUPTION or was_leader(c.year))
    ]
    return min(used, key=lambda c: (c.year, c.ref)) if used else None


def _discipline_verdict(
    fact: DisciplineFact,
    year: int,
    counting: Sequence[DisciplineFact],
    violation: _Violation,
    conclusions: Sequence[ConclusionFact],
    was_leader: Callable[[int], bool],
) -> str | None:
    """Why a discipline does not count for ``year``, or None when it does."""
    if fact.annulled:
        return "annulled"
    if not fact.public_service_related:
        return "not related to public service"
    if fact.counted_year != year:
        if fact.former_organisation is not None:
            return (
                f"counts for {fact.counted_year}: violation at the former organisation "
                f"{fact.former_organisation} (Art. 11(3)(c))"
            )
        return f"counts for {fact.counted_year}"
    earlier = sorted(
        (other.counted_year, other.ref)
        for other in counting
        if other.ref in violation.decisions and other.ref != fact.ref and other.counted_year < year
    )
    if earlier:
        linked = "" if fact.violation_ref else f" ({earlier[0][1]})"
        return f"same violation{linked} already counted for {earlier[0][0]}"
    used = _used_for_fail(violation, year, conclusions, was_leader)
    if used is not None:
        return (
            f"violation already used for a FAIL in {used.year} (conclusion {used.ref}) "
            "before any decision (Art. 11(3)(b))"
        )
    return None


def fail_triggers(
    policy: Policy,
    year: int,
    disciplines: Sequence[DisciplineFact],
    conclusions: Sequence[ConclusionFact],
    is_leader: bool,
    was_leader: Callable[[int], bool] | None = None,
) -> Computed[tuple[FailTrigger, ...]]:
    """The FAIL triggers of ``year``; one per violation however many decisions punish it.

    ``was_leader`` says whether the servant was a leader in an earlier year (for a
    conclusion on embezzlement used then); by default ``is_leader``."""
    del policy  # the rule is fixed by the decree; the argument keeps call sites uniform
    leader_then = was_leader or (lambda _year: is_leader)
    steps: list[Step] = []
    triggers: list[FailTrigger] = []
    counting = [d for d in disciplines if not d.annulled and d.public_service_related]
    violations = _violations(disciplines)
    by_violation: dict[str, list[DisciplineFact]] = {}
    for fact in disciplines:
        act = violations[fact.ref]
        why_not = _discipline_verdict(fact, year, counting, act, conclusions, leader_then)
        if why_not is None:
            by_violation.setdefault(act.label, []).append(fact)
        where = (
            f", violation at the former organisation {fact.former_organisation}"
            if fact.former_organisation
            else ""
        )
        linked = f", same act as {fact.related_ref}" if fact.related_ref else ""
        steps.append(
            Step(
                key="discipline",
                label=f"discipline {fact.ref}",
                formula="reprimand or higher, related to public service, in the year, not annulled",
                substitution=f"{fact.form.value}, counted for {fact.counted_year}{where}{linked}",
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
