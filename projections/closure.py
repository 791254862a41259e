"""Which records an annual classification rests on, beyond the servant's own.

A servant's level depends on more than their own events: the quota ranks
everyone in their quota pool (and counts the levels already decided in it),
the pool's authority grants ratios and decides ties, and a leader's d counts
the levels of the servants under their authority (whose own d may count
others). An evidence
bundle carries the events of every record found here, so that a verifier can
recompute the classification from the proven events alone.

The same function runs on the whole log (to choose the events) and on the
proven events (to check that nothing needed is missing): on a closed set of
records it finds the same set again.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from domain.classification import classification_id
from domain.servant import servant_id
from domain.values import Period
from projections.derive import Deriver
from projections.state import DomainState, PeriodKey


def year_records(state: DomainState, deriver: Deriver, servant: str, year: int) -> set[UUID]:
    """Every record whose events the classification of ``servant`` in ``year`` uses:
    the servant's own, the quota pool's members' (their results and decided levels)
    and its authority, and, for every leader among them, the subordinates' (for
    d) — each for that year only."""
    return years_records(state, deriver, (servant,), year)


def years_records(
    state: DomainState,
    deriver: Deriver,
    servants: Iterable[str],
    year: int,
    peers: bool = True,
    subordinates_work: bool = True,
) -> set[UUID]:
    """The union of ``year_records`` of every servant named, computed in one pass: a
    pool, a period or a leader's subordinates shared by several are read once (an
    agency's published table rests on all of its servants' years).

    ``peers=False`` leaves out the pool's other members (a caller that reads their
    results from the versioned rows): the servants' own records, their pools'
    authorities and, for a leader, the subordinates' remain. ``subordinates_work=False``
    also leaves out the subordinates' periods (their tasks and evaluations: a caller
    that reads their levels from the versioned rows); their servant records remain."""
    records: set[UUID] = set()
    members: set[str] = set()
    for servant in servants:
        records |= {servant_id(servant), classification_id(servant, year)}
        records |= {state.appeals[no].id for no in state.appeals_on.get((servant, year), ())}
        for decision in state.disciplines.get(servant, {}).values():
            records.add(decision.id)
        for conclusion in state.conclusions.get(servant, {}).values():
            records.add(conclusion.id)
        basis = deriver.bases.get((servant, year))
        if basis is not None:
            if peers:
                members |= deriver.group_members.get(basis["_pool"], set())
            if authority := state.agencies.get(basis["_pool"].authority):
                records.add(authority.id)
        members.add(servant)
    periods: list[PeriodKey] = []
    for member in sorted(members):
        records.add(servant_id(member))
        records.add(classification_id(member, year))
        records |= {
            d.id for d in state.disciplines.get(member, {}).values() if d.counted_year == year
        }
        records |= {c.id for c in state.conclusions.get(member, {}).values() if c.year == year}
        periods += [(member, p) for p in state.periods_of.get(member, ()) if _year(p) == year]
    seen: set[PeriodKey] = set()
    while periods:
        key = periods.pop()
        if key in seen:
            continue
        seen.add(key)
        records |= _period_records(state, deriver, key, periods if subordinates_work else None)
    for found in [found for found in state.servants.values() if found.id in records]:
        for placement in found.placements:
            agency = state.agencies.get(placement.agency_code)
            if agency is not None:
                records.add(agency.id)
    return {r for r in records if r in state.by_id}


def _period_records(
    state: DomainState, deriver: Deriver, key: PeriodKey, queue: list[PeriodKey] | None
) -> set[UUID]:
    """One period's records; queue the periods of the subordinates a leader's d counts
    (with no queue, the subordinates are not looked for)."""
    code, period = key
    found = state.servants.get(code)
    if found is None:
        return set()
    records = {found.id, *state.tasks_by_period.get(key, ())}
    evaluation = state.evaluation_ids.get(key)
    if evaluation is not None:
        records.add(evaluation)
    if queue is None:
        return records
    day = Period.parse(period).last_day
    placement = found.placement_on(day)
    agency = state.agencies.get(placement.agency_code)
    if placement.leadership.is_leader and agency is not None:
        policy = agency.policy_on(Period.parse(period).first_day)
        for subordinate in deriver.subordinates(found, agency, day, policy):
            records.add(servant_id(subordinate))
            queue.append((subordinate, period))
    return records


def _year(period: str) -> int:
    return Period.parse(period).year
