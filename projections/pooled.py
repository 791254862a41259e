"""One servant's year as of a position where the versioned rows are exact (a mark
of ``projections.history``): the servant's own records folded, the quota pool's
other members read from the versioned annual rows instead of folded.

A year's classification rests on its pool: every member's score, triggers and
decided level (Art. 20(5)). A fold of the pool's records (``projections.focused``)
reads thousands of events for a pool that spans a province; the versioned rows
hold each member's result at every mark, row for row the replay's. So only the
servant's own records (and, for a leader, those whose levels make d) are folded
and derived, the pool's standing is computed from the others' rows and the
servant's own derivation, and the servant's annual row derived so must equal the
versioned row at the mark — else this answers nothing and the caller folds the
pool. The explanation is then the whole replay's, step for step.

This serves explanations only: an evidence bundle must carry the peers' events for
its verifier, so it folds the pool."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    """The versioned annual rows at one mark."""

    def pool(self, key: PoolKey) -> Sequence[Row]: ...

    def annual(self, servant: str, year: int) -> Row | None: ...


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
    own = own_year_replay(app, head, deriver, servant, year, upto, live)
    if own is None or (basis := own.deriver.bases.get((servant, year))) is None:
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
