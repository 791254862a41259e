"""One servant's year as of a position where the versioned rows are exact (a mark
of ``projections.history``): the servant's own records folded, the quota pool's
other members read from the versioned annual rows instead of folded.

A year's classification rests on its pool: every member's score, triggers and
decided level (Art. 20(5)). A fold of the pool's records (``projections.focused``)
reads thousands of events for a pool that spans a province; the versioned rows
hold each member's result at every mark, row for row the replay's. So only the
servant's own records are folded and derived (for a leader, d counts the
subordinates' levels: those come from the versioned period rows, and the leader's
period rows derived with them must be the versioned ones), the pool's standing is
computed from the others' rows and the servant's own derivation, and the servant's
annual row derived so must equal the versioned row at the mark — else this answers
nothing and the caller folds the pool. The explanation is then the whole replay's,
step for step.

This serves explanations only: an evidence bundle must carry the peers' events for
its verifier, so it folds the pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

from domain.application import MinhBach
from domain.quota_pool import PoolKey
from projections.derive import Deriver
from projections.focused import own_year_replay
from projections.pools import row_member
from projections.replay import Replayed
from projections.rows import Row, annual_row
from projections.runner import collector_paused
from projections.state import DomainState


class VersionedRows(Protocol):
    """The versioned annual and period rows at one mark."""

    def pool(self, key: PoolKey) -> Sequence[Row]: ...

    def annual(self, servant: str, year: int) -> Row | None: ...

    def periods(self, servants: Iterable[str], year: int) -> Sequence[Row]: ...


# A few thousand young objects are made here; the live state is old: no collection.
@collector_paused()
def pooled_replay(
    app: MinhBach,
    head: DomainState,
    deriver: Deriver,
    servant: str,
    year: int,
    upto: int,
    rows: VersionedRows,
    live: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> Replayed | None:
    """``servant``'s ``year`` at position ``upto``, whose versioned rows are ``rows``
    (read at the mark that holds at ``upto``), given a later state ``head`` as
    :func:`projections.focused.focused_replay` is; None when the store cannot be read
    by record, the year rests on most of the log, the versioned rows hold no row of
    the year, or the row derived here is not theirs."""
    expected = rows.annual(servant, year)
    if expected is None:
        return None
    own = own_year_replay(app, head, deriver, servant, year, upto, live, subordinates_work=False)
    if own is None:
        return None
    with own.deriver.state_unchanged():
        if not _leader_periods_from_rows(own.deriver, servant, year, rows):
            return None
    if (basis := own.deriver.bases.get((servant, year))) is None:
        return None
    pool: PoolKey = basis["_pool"]
    agencies = own.state.agencies
    peers = tuple(
        row_member(row, agencies.get(row["agency_code"]))
        for row in rows.pool(pool)
        if row["servant_code"] != servant
    )
    replayed = Replayed(own.state, own.deriver, own.position, {pool: peers})
    row = annual_row(basis, replayed.standing(servant, year), own.deriver.record_of(servant, year))
    if row != expected:
        return None  # the fold or the rows hold something the other does not
    own.deriver.annual_rows[(servant, year)] = row
    return replayed


def _leader_periods_from_rows(
    folded: Deriver, servant: str, year: int, rows: VersionedRows
) -> bool:
    """For a leader, whose subordinates' work was not folded: give their period rows
    of ``year`` from the versioned rows, derive the leader's periods (d), interim
    results and basis again from them; False when the leader's period rows derived
    so are not the versioned ones. Nothing to do for one who led in no period."""
    own = sorted(key for key in folded.period_rows if key[0] == servant and key[1][:4] == str(year))
    counted: set[str] = set()
    for key in own:
        computation = folded.compute_period(key, explain=False)
        if computation is not None and computation.leader is not None:
            counted |= set(computation.subordinates)
    if not counted:
        return True
    # A period of a subordinate the fold met (a task moved between them) is partial.
    for key in [k for k in folded.period_rows if k[0] in counted and k[1][:4] == str(year)]:
        del folded.period_rows[key]
    for row in rows.periods(counted, year):
        folded.period_rows[(row["servant_code"], row["period"])] = row
    for key in own:
        computation = folded.compute_period(key, explain=False)
        if computation is not None:
            folded.period_rows[key] = folded.period_row(computation)
    derived = {key[1]: folded.period_rows.get(key) for key in own}
    if derived != {row["period"]: row for row in rows.periods([servant], year)}:
        return False
    folded.recompute_interim(own)
    if (basis := folded.annual_basis((servant, year))) is not None:
        folded.bases[(servant, year)] = basis
    return True
