"""What each event behind a result did to the score: the events an explanation
rests on, folded one at a time in log order with the projections' own code, the
servant's period and annual scores read after each.

Only the explanation's own inputs are folded — the servant's records, their
agency and its policy, which is all a servant's own scores depend on (the quota
and a leader's d rest on others' records and are not scores of this servant's
periods). So the trail is "the change this event made, given the events before
it that this result rests on": exact for the servant's own arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import Mapper

from projections.derive import Deriver
from projections.explain import EventSource
from projections.replay import fold_into
from projections.state import DomainState


@dataclass(frozen=True)
class ScoreChange:
    position: int
    period: str | None  # the period whose score the event changed, if one did
    period_before: str | None
    period_after: str | None
    annual_before: str | None
    annual_after: str | None

    @property
    def changed(self) -> bool:
        return self.period_before != self.period_after or self.annual_before != self.annual_after


def score_trail(
    source: EventSource, mapper: Mapper[UUID], positions: Iterable[int], servant: str, year: int
) -> dict[int, ScoreChange]:
    """For each of ``positions`` that changed a score: the scores before and after it."""
    state = DomainState()
    deriver = Deriver(state)
    periods: dict[str, str | None] = {}
    annual: str | None = None
    trail: dict[int, ScoreChange] = {}
    for position in sorted(set(positions)):
        notification = source.notification(position)
        if notification is None:
            continue
        deriver.derive(fold_into(state, [notification], mapper))
        now = {
            period: row["score"]
            for (code, period), row in deriver.period_rows.items()
            if code == servant and row["year"] == year
        }
        basis = deriver.bases.get((servant, year))
        annual_now = basis["annual_score"] if basis else None
        moved = sorted(p for p in now.keys() | periods.keys() if now.get(p) != periods.get(p))
        period = moved[0] if moved else None
        change = ScoreChange(
            position,
            period,
            periods.get(period) if period else None,
            now.get(period) if period else None,
            annual,
            annual_now,
        )
        if change.changed:
            trail[position] = change
        periods, annual = now, annual_now
    return trail
