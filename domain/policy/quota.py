"""The EXCELLENT quota of a pool (Art. 20(5)).

EXCELLENT may not exceed ``ratio`` × the number rated GOOD. Candidates are
ranked by annual score; a tie across the limit is never broken here: the tied
servants stay PENDING until the head records a tie decision. Those already
decided EXCELLENT take their places first (``fixed_excellent``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from domain import errors
from domain.policy.arithmetic import exact, require_finite, text
from domain.policy.parameters import Policy, QuotaBase
from domain.policy.period import level_for_score
from domain.policy.steps import Computed, Step
from domain.values import Level


class QuotaVerdict(StrEnum):
    EXCELLENT = "EXCELLENT"
    GOOD = "GOOD"  # beyond the limit, or tied and not chosen
    PENDING = "PENDING"  # tied across the limit, awaiting the head's decision


@dataclass(frozen=True)
class QuotaGrant:
    """A competent authority's higher ratio for an outstanding organisation (Art. 20(5)(b))."""

    ratio: Decimal
    document_ref: str


@dataclass(frozen=True)
class TieDecision:
    """The head's choice, among the tied candidates, of those rated EXCELLENT."""

    excellent_refs: frozenset[str]
    document_ref: str


@dataclass(frozen=True)
class QuotaEntry:
    ref: str
    score: Decimal
    rank: int  # competition rank: equal scores share a rank (1, 2, 2, 4)
    outcome: QuotaVerdict
    reason: str


@dataclass(frozen=True)
class QuotaOutcome:
    entries: tuple[QuotaEntry, ...]  # best score first
    limit: int  # most EXCELLENT allowed
    base: QuotaBase
    base_count: int  # the number the ratio was applied to
    ratio: Decimal
    good_count: int  # rated GOOD (decided, or by score after the cap), candidates not included
    tied_refs: tuple[str, ...] = ()  # tied across the limit
    tie_decision_ref: str | None = None
    grant_ref: str | None = None
    fixed_excellent: int = 0  # already decided EXCELLENT: they take their places first
    excess: int = 0  # decided EXCELLENT above what the pool allows (0: within the quota)

    def entry(self, ref: str) -> QuotaEntry:
        for entry in self.entries:
            if entry.ref == ref:
                return entry
        raise errors.NotFound(f"{ref} is not a quota candidate", ref=ref)

    @property
    def pending(self) -> bool:
        return any(e.outcome is QuotaVerdict.PENDING for e in self.entries)


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def quota_limit(
    policy: Policy, candidates: int, good_count: int, ratio: Decimal, fixed_excellent: int = 0
) -> Computed[tuple[int, int]]:
    """(k, base count): how many of ``candidates`` may be EXCELLENT.

    ``fixed_excellent`` are those already decided EXCELLENT in the pool: they take
    their places first. When even k = 0 does not fit, k is 0 (see ``quota_excess``).
    """
    if candidates < 0 or good_count < 0 or fixed_excellent < 0:
        raise errors.InvalidValue("counts must not be negative")
    r = text(ratio)
    e = fixed_excellent
    with exact():
        if policy.quota_base == "good_or_better":
            base_count = good_count + candidates + e
            allowed = _floor(ratio * base_count)
            k = max(0, min(candidates, allowed - e))
            formula = (
                "k = min(C, ⌊ratio × (G + C + E)⌋ − E)" if e else "k = min(C, ⌊ratio × (G + C)⌋)"
            )
            total = f"{good_count} + {candidates}" + (f" + {e}" if e else "")
            substitution = (
                f"min({candidates}, ⌊{r} × ({total})⌋{f' − {e}' if e else ''} = {allowed - e})"
            )
        else:
            # Those moved down count as GOOD: the largest k with E + k ≤ ⌊ratio × (G + C − k)⌋.
            tried: list[str] = []
            k = candidates
            while True:
                allowed = _floor(ratio * (good_count + candidates - k))
                ok = e + k <= allowed
                seats = f"{e} + {k} ≤ " if e else ""
                tried.append(f"k={k}: {seats}⌊{r} × {good_count + candidates - k}⌋ = {allowed}")
                tried[-1] += " ✓" if ok else " ✗"
                if ok or k == 0:
                    break
                k -= 1
            base_count = good_count + candidates - k
            formula = (
                "largest k ≤ C with E + k ≤ ⌊ratio × (G + C − k)⌋"
                if e
                else "largest k ≤ C with k ≤ ⌊ratio × (G + C − k)⌋"
            )
            substitution = f"G={good_count}, C={candidates}{f', E={e}' if e else ''}: " + "; ".join(
                tried
            )
    step = Step(
        key="quota_limit",
        label="EXCELLENT limit",
        formula=formula,
        substitution=substitution,
        result=str(k),
        rule="Art. 20(5); param quota_base, quota_rounding",
    )
    return Computed((k, base_count), (step,))


def quota_excess(
    policy: Policy, candidates: int, good_count: int, ratio: Decimal, fixed_excellent: int
) -> int:
    """How many of those decided EXCELLENT are above what the pool allows, even with every
    open candidate rated GOOD (0 when the pool is within its quota)."""
    with exact():
        if policy.quota_base == "good_or_better":
            allowed = _floor(ratio * (good_count + candidates + fixed_excellent))
        else:
            allowed = _floor(ratio * (good_count + candidates))
    return max(0, fixed_excellent - allowed)


def _ratio(policy: Policy, grant: QuotaGrant | None) -> tuple[Decimal, Step]:
    if grant is None:
        return policy.quota_ratio, Step(
            key="quota_ratio",
            label="EXCELLENT ratio",
            formula="policy ratio",
            substitution=text(policy.quota_ratio),
            result=text(policy.quota_ratio),
            rule="Art. 20(5)(a); param quota_ratio",
        )
    require_finite(grant.ratio, "granted ratio")
    if grant.ratio > policy.quota_ratio_max:
        raise errors.QuotaRatioAboveMaximum(
            f"granted ratio {grant.ratio} is above the maximum {policy.quota_ratio_max}",
            ratio=str(grant.ratio),
        )
    if grant.ratio < policy.quota_ratio:
        raise errors.InvalidValue(
            f"a granted ratio {grant.ratio} below the ordinary {policy.quota_ratio} is no grant",
            ratio=str(grant.ratio),
        )
    return grant.ratio, Step(
        key="quota_ratio",
        label="EXCELLENT ratio, granted",
        formula=f"granted ratio ≤ {text(policy.quota_ratio_max)}",
        substitution=text(grant.ratio),
        result=text(grant.ratio),
        refs=(grant.document_ref,),
        rule="Art. 20(5)(b); param quota_ratio_max",
    )


def _check_candidates(policy: Policy, candidates: Sequence[tuple[str, Decimal]]) -> None:
    refs = [ref for ref, _ in candidates]
    if len(set(refs)) != len(refs):
        raise errors.InvalidValue("a candidate appears twice", refs=refs)
    for ref, score in candidates:
        if level_for_score(policy, require_finite(score, f"score of {ref}")) is not Level.EXCELLENT:
            raise errors.InvalidValue(f"{ref} is not EXCELLENT by score ({score})", ref=ref)


def _check_tie_decision(decision: TieDecision, tied: Sequence[str], free: int) -> None:
    outside = sorted(decision.excellent_refs - set(tied))
    if outside:
        raise errors.InvalidTieDecision(
            f"tie decision {decision.document_ref} names servants outside the tie: "
            f"{', '.join(outside)}",
            outside=outside,
        )
    if len(decision.excellent_refs) > free:
        raise errors.InvalidTieDecision(
            f"tie decision {decision.document_ref} names {len(decision.excellent_refs)} "
            f"servants for {free} free places",
            free=free,
        )


def apply_quota(
    policy: Policy,
    candidates: Sequence[tuple[str, Decimal]],
    good_count: int,
    grant: QuotaGrant | None = None,
    tie_decision: TieDecision | None = None,
    fixed_excellent: int = 0,
) -> Computed[QuotaOutcome]:
    """Rank the EXCELLENT-by-score candidates of one pool and apply the limit.

    ``candidates`` are (servant ref, annual score) of those EXCELLENT by score after
    FAIL triggers; ``good_count`` is the number rated GOOD without the quota;
    ``fixed_excellent`` the number already decided EXCELLENT.
    """
    _check_candidates(policy, candidates)
    ratio, ratio_step = _ratio(policy, grant)
    limit = quota_limit(policy, len(candidates), good_count, ratio, fixed_excellent)
    k, base_count = limit.value
    ranked = sorted(candidates, key=lambda c: (-c[1], c[0]))
    scores = [score for _, score in ranked]

    def rank_of(score: Decimal) -> int:
        return 1 + sum(1 for s in scores if s > score)

    tied: tuple[str, ...] = ()
    tie_score: Decimal | None = None
    if 0 < k < len(ranked) and scores[k - 1] == scores[k]:
        tie_score = scores[k - 1]
        tied = tuple(ref for ref, score in ranked if score == tie_score)
    free = k - sum(1 for s in scores if tie_score is not None and s > tie_score)
    decision = tie_decision if tied else None
    if decision is not None:
        _check_tie_decision(decision, tied, free)

    entries: list[QuotaEntry] = []
    for position, (ref, score) in enumerate(ranked):
        rank = rank_of(score)
        if tie_score is not None and score == tie_score:
            if decision is None:
                outcome = QuotaVerdict.PENDING
                reason = (
                    f"tied at {text(score)} with {len(tied)} candidates for {free} free "
                    f"place(s) within the limit {k}: awaiting the head's decision"
                )
            elif ref in decision.excellent_refs:
                outcome = QuotaVerdict.EXCELLENT
                reason = f"tied at {text(score)}, chosen by decision {decision.document_ref}"
            else:
                outcome = QuotaVerdict.GOOD
                reason = f"tied at {text(score)}, not chosen by decision {decision.document_ref}"
        elif (tie_score is not None and score > tie_score) or (tie_score is None and position < k):
            outcome = QuotaVerdict.EXCELLENT
            reason = f"rank {rank} within the limit {k}"
        else:
            outcome = QuotaVerdict.GOOD
            reason = f"rank {rank} beyond the limit {k}: rated GOOD"
        entries.append(QuotaEntry(ref, score, rank, outcome, reason))

    steps = [ratio_step, *limit.steps]
    excess = quota_excess(policy, len(candidates), good_count, ratio, fixed_excellent)
    if fixed_excellent:
        steps.append(
            Step(
                key="quota_decided",
                label="already decided EXCELLENT",
                formula="decided EXCELLENT take their places before the open candidates",
                substitution=f"{fixed_excellent} decided EXCELLENT, {k} place(s) left",
                result="over the quota by " + str(excess) if excess else "within the quota",
                rule="Art. 20(5); Art. 21",
            )
        )
    steps.append(
        Step(
            key="quota_ranking",
            label="ranking by annual score",
            formula="score descending; equal scores share a rank",
            substitution=", ".join(f"{e.rank}. {e.ref} {text(e.score)}" for e in entries),
            result=", ".join(f"{e.ref} {e.outcome.value}" for e in entries) or "no candidate",
            refs=tuple(e.ref for e in entries),
            rule="Art. 20(5)",
        )
    )
    if tied:
        steps.append(
            Step(
                key="quota_tie",
                label="tie across the limit",
                formula="equal scores at rank k and k + 1: the software does not choose",
                substitution=f"{', '.join(tied)} at {text(scores[k - 1])}, {free} free place(s)",
                result=(
                    f"decided by {decision.document_ref}"
                    if decision is not None
                    else "pending: awaiting the head's decision"
                ),
                refs=tied + ((decision.document_ref,) if decision is not None else ()),
                rule="Art. 20(5)",
            )
        )
    elif tie_decision is not None:
        steps.append(
            Step(
                key="quota_tie",
                label="tie decision not applied",
                formula="a tie decision applies only to a tie across the limit",
                substitution=tie_decision.document_ref,
                result="no tie across the limit: decision not applied",
                refs=(tie_decision.document_ref,),
                rule="Art. 20(5)",
            )
        )
    result = QuotaOutcome(
        entries=tuple(entries),
        limit=k,
        base=policy.quota_base,
        base_count=base_count,
        ratio=ratio,
        good_count=good_count,
        tied_refs=tied,
        tie_decision_ref=decision.document_ref if decision is not None else None,
        grant_ref=grant.document_ref if grant is not None else None,
        fixed_excellent=fixed_excellent,
        excess=excess,
    )
    return Computed(result, tuple(steps))
