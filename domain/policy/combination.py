"""Means over a quarter, a half-year or a year of month and quarter results (Art. 17(3), 19(1)).

Art. 17(3) takes the quarter as the mean of its 3 months, the half-year of its 6 and
the year of its 12; an agency that evaluates by quarter has one result per quarter.
A servant who moves between a monthly and a quarterly agency brings the old
agency's results (Art. 19(1)), so one span may hold both. Parameter
``period_combination``:

- ``by_month`` (default): every month of the span takes the result that covers it —
  its own monthly result if there is one, else the result of its quarter — and the
  mean is over the months scored. A quarter thus weighs as many months as it
  stands for, which is the decree's "mean of the months" whatever the mix.
- ``per_result``: every month or quarter result counts once.

In a span of one kind only both readings give the mean of its periods, exactly as
``mean_score`` computes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.policy.annual import left_out_steps, mean_score, rounded_mean_step
from domain.policy.arithmetic import exact, require_finite, round_to, text
from domain.policy.parameters import Policy
from domain.policy.steps import Computed, Step
from domain.values import Period, PeriodKind


@dataclass(frozen=True)
class PeriodScore:
    """A period result in the span: its period and its rounded score (None: not scorable)."""

    period: Period
    score: Decimal | None


@dataclass(frozen=True)
class SpanMean:
    mean: Decimal | None
    used: tuple[str, ...]  # periods averaged, in order
    left_out: tuple[str, ...]  # periods with no score (missing or not scorable)


def _covering(
    months: Sequence[int], year: int, kind: PeriodKind, results: Sequence[PeriodScore]
) -> list[tuple[Period, int]]:
    """Each period that stands for months of the span, with how many (by_month)."""
    by_code = {r.period.code: r for r in results}
    weights: dict[Period, int] = {}
    for month in months:
        monthly = Period(year, PeriodKind.MONTH, month)
        quarterly = Period(year, PeriodKind.QUARTER, (month - 1) // 3 + 1)
        if monthly.code in by_code:
            chosen = monthly
        elif quarterly.code in by_code:
            chosen = quarterly
        else:  # nothing recorded: the period the agency would have had
            chosen = monthly if kind is PeriodKind.MONTH else quarterly
        weights[chosen] = weights.get(chosen, 0) + 1
    return sorted(weights.items(), key=lambda item: (item[0].first_day, item[0].kind))


def combined_mean(
    policy: Policy,
    year: int,
    months: Sequence[int],
    kind: PeriodKind,
    results: Sequence[PeriodScore],
) -> Computed[SpanMean]:
    """Mean of the results of ``months`` of ``year``; ``kind`` is how the classifying
    agency evaluates (it names the periods missing from the span)."""
    scores = {r.period.code: r.score for r in results}
    covering = _covering(months, year, kind, results)
    if policy.period_combination == "per_result":
        # Every result in the span once; a month covered by none shows as missing.
        in_span = {r.period for r in results if set(r.period.months) & set(months)}
        missing = {p for p, _ in covering if p.code not in scores}
        weighted = [(p, 1) for p in sorted(in_span | missing, key=lambda p: (p.first_day, p.kind))]
    else:
        weighted = covering
    entries = [(p.code, weight, scores.get(p.code)) for p, weight in weighted]
    used = tuple(ref for ref, _, score in entries if score is not None)
    left_out = tuple(ref for ref, _, score in entries if score is None)
    if len({weight for _, weight, _ in entries}) <= 1:
        plain = mean_score(policy, [(ref, score) for ref, _, score in entries])
        return Computed(SpanMean(plain.value, used, left_out), plain.steps)
    return _weighted(policy, entries, used, left_out)


def _weighted(
    policy: Policy,
    entries: Sequence[tuple[str, int, Decimal | None]],
    used: tuple[str, ...],
    left_out: tuple[str, ...],
) -> Computed[SpanMean]:
    kept = [
        (ref, weight, require_finite(score, f"score of {ref}"))
        for ref, weight, score in entries
        if score is not None
    ]
    steps = [
        Step(
            key="periods_combined",
            label="months and quarters combined",
            formula="each month takes its own monthly result, else its quarter's",
            substitution=", ".join(f"{ref} × {weight}" for ref, weight, _ in entries),
            result=f"{sum(w for _, w, _ in entries)} months",
            refs=tuple(ref for ref, _, _ in entries),
            rule="Art. 17(3); Art. 19(1); param period_combination",
        )
    ]
    steps += left_out_steps(left_out, len(kept), "mean of the scorable months")
    if not kept:
        return Computed(SpanMean(None, used, left_out), tuple(steps))
    months = sum(weight for _, weight, _ in kept)
    with exact():
        raw = sum((score * weight for _, weight, score in kept), Decimal(0)) / months
    mean = round_to(raw, policy.score_places, policy.score_rounding)
    terms = " + ".join(text(s) if w == 1 else f"{text(s)} × {w}" for _, w, s in kept)
    steps += [
        Step(
            key="mean_score_unrounded",
            label="mean score, unrounded",
            formula="Σ (score × months it stands for) ÷ months scored",
            substitution=f"({terms}) ÷ {months}",
            result=text(raw),
            refs=tuple(ref for ref, _, _ in kept),
            rule="Art. 17(3); param period_combination",
        ),
        rounded_mean_step(policy, raw, mean),
    ]
    return Computed(SpanMean(mean, used, left_out), tuple(steps))
