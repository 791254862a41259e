"""One servant's year as the log stood at a position, folded from only the records
it rests on instead of the whole log.

The records come from :func:`projections.closure.year_records`, which only sees
records already in the state it is given; so the fold starts from every servant
and agency (pools and leaders' subordinates are decided by them) plus the year's
records at ``head`` (a later state: records are never removed, and their ids do
not change), and grows until the closure of the folded state is inside what was
folded; a pool's peers are also found by their placement at the position, so
that one who left the pool later is not missed. A closed set derives the year
exactly as the whole log does — the same property an evidence bundle's verifier
relies on. The same serves an agency's published table: every servant ever
placed there."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from uuid import UUID

from domain.application import MinhBach
from domain.classification import classification_id
from projections.closure import years_records
from projections.derive import Deriver
from projections.lean import LeanReader, StoredRow
from projections.replay import Replayed, fold_into
from projections.runner import collector_paused
from projections.state import DomainState

ROUNDS = 8  # the closure settles in two or three; past this, replay the whole log
READ_PAGE = 2_000
# A year resting on more of the log than this (an agency head's: the heads' pool
# under the province, each counting a whole agency in d) replays the whole log
# instead: one pass, and kept for the next question at that position.
MOST_OF_THE_LOG = 0.5
FEW_EVENTS = 20_000  # below this a fold costs well under a second either way


def focused_replay(
    app: MinhBach,
    head: DomainState,
    deriver: Deriver,
    servant: str,
    year: int,
    upto: int,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> Replayed | None:
    """The state at position ``upto`` of the records ``servant``'s ``year`` rests on,
    given the state at a later position ``head`` (and its derivation); None when the
    store cannot be read by record, or the year rests on most of the log (then
    replay the whole log).

    ``live()`` guards ``head`` when a follower moves it: held only while ids are read
    from it, never while the events are read and folded, so writers waiting for
    their own writes are not held back by an inspector's question."""
    return _focused(app, head, deriver, lambda: {servant}, year, upto, live)


def focused_agency_year(
    app: MinhBach,
    head: DomainState,
    deriver: Deriver,
    agency: str,
    year: int,
    upto: int,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> Replayed | None:
    """As :func:`focused_replay`, for the year of every servant ever placed in
    ``agency`` (at ``head``: placements are never removed, so everyone with a row in
    the agency at ``upto`` is among them): what its published table rests on."""
    return _focused(
        app, head, deriver, lambda: set(head.servants_of.get(agency, ())), year, upto, live
    )


def own_year_replay(
    app: MinhBach,
    head: DomainState,
    deriver: Deriver,
    servant: str,
    year: int,
    upto: int,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
    subordinates_work: bool = True,
) -> Replayed | None:
    """As :func:`focused_replay`, without the quota pool's other members: the
    servant's own records of ``year``, every agency's and, for a leader, those of the
    servants whose levels make d. The servant's derivation up to the pool holds in it;
    the pool is the caller's (``projections.pooled``: the versioned rows').

    ``subordinates_work=False`` leaves out those servants' work too (their servant
    records stay: who they are decides who counts): a leader's d then holds only once
    the caller gives their levels (``projections.pooled``, from the versioned rows)."""
    return _focused(
        app, head, deriver, lambda: {servant}, year, upto, live, False, subordinates_work
    )


def _focused(
    app: MinhBach,
    head: DomainState,
    deriver: Deriver,
    subjects: Callable[[], set[str]],
    year: int,
    upto: int,
    live: Callable[[], AbstractContextManager[None]],
    peers: bool = True,
    subordinates_work: bool = True,
) -> Replayed | None:
    reader = LeanReader(app, READ_PAGE)
    if not reader.can_select_at:
        return None
    with live():
        servants = subjects()
        # Who may be in a pool, or under a leader, at ``upto``: decided by servants'
        # records, so theirs are read first (without the pool: a leader's colleagues).
        present = head.servants.keys() if peers else _colleagues(head, servants)
        wanted = {head.servants[code].id for code in present if code in head.servants}
        wanted |= {record.id for record in head.agencies.values()}
        wanted |= years_records(head, deriver, servants, year, peers, subordinates_work)
    state = DomainState()
    folded = Deriver(state)
    adding = wanted
    with collector_paused():
        for _ in range(ROUNDS):
            with live():
                if _most_of_the_log(_events_up_to(head, wanted, upto), upto):
                    return None  # the whole log is cheaper to replay, and is kept
            # The records found in a later round are folded into the same state: the
            # indexes only grow and each record's own events stay in order, so the
            # state is the one a fold of every record in log order gives, and the
            # derivation follows what they dirty as the runner's does batch by batch.
            rows = _events(reader, adding, upto)
            folded.derive(fold_into(state, rows, app.mapper, decode=reader.event))
            needed = years_records(state, folded, servants, year, peers, subordinates_work)
            # Whose own records a later state may hold that the fold has not met: the
            # servants', and those of everyone whose work the year was found to rest on.
            met = servants & state.servants.keys()
            if subordinates_work:
                met |= {c for c in state.servants if state.servants[c].id in needed}
            if peers:
                met |= _pool_peers(state, folded, servants, year)
            with live():
                for code in met:
                    needed |= _own_records(head, code, year, upto)
            if needed <= wanted:
                state.position = upto
                folded.settle()  # nothing is folded into it again
                return Replayed(state, folded, upto)
            adding = needed - wanted
            wanted |= needed
    return None


def _colleagues(head: DomainState, servants: set[str]) -> set[str]:
    """``servants`` and, for those who ever led, everyone ever placed in an agency they
    led in: a leader's d counts only people of their own agency (their unit's, or a
    deputy's area: ``domain.scope``), and placements are never removed, so those
    there at ``upto`` are among them."""
    found = set(servants)
    for code in servants:
        servant = head.servants.get(code)
        for placement in servant.placements if servant else ():
            if placement.leadership.is_leader:
                found |= head.servants_of.get(placement.agency_code, set())
    return found


def _pool_peers(state: DomainState, folded: Deriver, servants: set[str], year: int) -> set[str]:
    """Everyone whose year falls in a pool of ``servants`` by their placement — also
    those whose records the fold has not read yet (a peer who left the pool after
    the position is not in the later state's pool), so that their records are read."""
    pools = {basis["_pool"] for s in servants if (basis := folded.bases.get((s, year)))}
    if not pools:
        return set()
    return {
        code
        for code, servant in state.servants.items()
        if servant.placements and folded.pool_of(servant, year) in pools
    }


def _most_of_the_log(events: int, upto: int) -> bool:
    return events > FEW_EVENTS and events > upto * MOST_OF_THE_LOG


def _events_up_to(head: DomainState, records: set[UUID], upto: int) -> int:
    """How many events of ``records`` lie at or before ``upto`` (from the later state;
    a closed year's records, out of its memory, count none: an estimate)."""
    positions = head.positions
    return sum(bisect_right(positions.get(record, ()), upto) for record in records)


def _own_records(state: DomainState, code: str, year: int, upto: int) -> set[UUID]:
    """A servant's records for ``year`` in a later state (for those the folded state
    has not met yet), begun at or before ``upto``."""
    records = {classification_id(code, year)}
    for period in state.periods_of.get(code, ()):
        if period.startswith(str(year)):
            if (evaluation := state.evaluation_ids.get((code, period))) is not None:
                records.add(evaluation)
            records |= set(state.tasks_by_period.get((code, period), ()))
    records |= {d.id for d in state.disciplines.get(code, {}).values()}
    records |= {c.id for c in state.conclusions.get(code, {}).values()}
    records |= {state.appeals[no].id for no in state.appeals_on.get((code, year), ())}
    # Only records begun by ``upto``: one recorded later has nothing to fold. A closed
    # year's record, out of the later state's memory, is kept: read up to ``upto``,
    # one begun later gives no event.
    evicted = state.by_id.evicted
    return {r for r in records if r in evicted or ((p := state.positions.get(r)) and p[0] <= upto)}


def _events(reader: LeanReader, records: set[UUID], upto: int) -> Iterator[StoredRow]:
    """The stored events of ``records`` up to position ``upto``, in log order."""
    return iter(reader.rows_of(records, upto))
