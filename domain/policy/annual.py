"""Means of period scores (Art. 17(3)) and the head's cap by organisation (Art. 20(6))."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain.policy.arithmetic import exact, require_finite, round_to, text
from domain.policy.parameters import Policy
from domain.policy.steps import Computed, Step
from domain.values import Level


def mean_score(
    policy: Policy, scores: Sequence[tuple[str, Decimal | None]]
) -> Computed[Decimal | None]:
    """Mean of the scorable period scores, rounded per policy; for quarter, half-year and year.

    ``scores`` are (period ref, rounded period score or None when not scorable).
    """
    kept = [
        (ref, require_finite(score, f"score of {ref}"))
        for ref, score in scores
        if score is not None
    ]
    left_out = [ref for ref, score in scores if score is None]
    steps: list[Step] = left_out_steps(left_out, len(kept), "mean of the scorable period scores")
    if not kept:
        return Computed(None, tuple(steps))
    with exact():
        total = sum((score for _, score in kept), Decimal(0))
        raw = total / len(kept)
    mean = round_to(raw, policy.score_places, policy.score_rounding)
    steps.append(
        Step(
            key="mean_score_unrounded",
            label="mean score, unrounded",
            formula="Σ period scores ÷ number of scorable periods",
            substitution=f"({' + '.join(text(s) for _, s in kept)}) ÷ {len(kept)}",
            result=text(raw),
            refs=tuple(ref for ref, _ in kept),
            rule="Art. 17(3); param annual_averaging",
        )
    )
    steps.append(rounded_mean_step(policy, raw, mean))
    return Computed(mean, tuple(steps))


def left_out_steps(left_out: Sequence[str], kept: int, mean_formula: str) -> list[Step]:
    """The periods a mean leaves out, and, when none is kept, the mean that is none."""
    steps: list[Step] = []
    if left_out:
        steps.append(
            Step(
                key="periods_left_out",
                label="periods left out",
                formula="periods without a score are not averaged",
                substitution=", ".join(left_out),
                result=f"{len(left_out)} left out, {kept} averaged",
                refs=tuple(left_out),
                rule="Art. 11(2); Art. 17(3)",
            )
        )
    if not kept:
        steps.append(
            Step(
                key="mean_score",
                label="mean score",
                formula=mean_formula,
                substitution="no scorable period",
                result="none",
                rule="Art. 17(3)",
            )
        )
    return steps


def rounded_mean_step(policy: Policy, raw: Decimal, mean: Decimal) -> Step:
    return Step(
        key="mean_score",
        label="mean score",
        formula=f"round({policy.score_places} places, {policy.score_rounding})",
        substitution=f"round({text(raw)})",
        result=text(mean),
        rule="param score_places, score_rounding",
    )


def cap_by_organisation(level: Level, organisation_level: Level | None) -> Computed[Level]:
    """A head's level may not be higher than their organisation's (Art. 20(6))."""
    if organisation_level is None:
        step = Step(
            key="organisation_cap",
            label="cap by organisation",
            formula="level unchanged: not a head, or no organisation level applies",
            substitution=level.value,
            result=level.value,
            rule="Art. 20(6)",
        )
        return Computed(level, (step,))
    # A lower rank is a better level: keep the worse of the two.
    capped = level if level.rank >= organisation_level.rank else organisation_level
    step = Step(
        key="organisation_cap",
        label="cap by organisation",
        formula="min(level, organisation's level)",
        substitution=f"min({level.value}, {organisation_level.value})",
        result=capped.value,
        rule="Art. 20(6)",
    )
    return Computed(capped, (step,))
