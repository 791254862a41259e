"""The folded records, with closed years' tasks and evaluations out of memory.

A task or a period evaluation belongs to one period; once its year is closed
(``projections.runner``: older than the open years) the runner evicts it from
memory and keeps only its id, in the indexes that name it (a servant's tasks of a
period, the period's evaluation) and in the set of evicted ids. Whoever asks for
it again — a late event of the record, a derivation of its period, an
explanation — gets it folded back from its own events in the log up to the
state's position (one indexed statement for a set of records, never the whole
log), exactly the aggregate that had been evicted: an aggregate is a pure
function of its events.

Everything that spans years (servants, agencies, decisions, classifications,
appeals) stays in memory; so do the log positions and the indexes, compacted
(``DomainState.close_years``), and the derived rows, a closed year's packed
(``projections.row_table``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from uuid import UUID

from domain.base import Audited
from domain.evaluation import PeriodEvaluation

# Folds the given records from their events in the log up to the state's position.
Loader = Callable[[set[UUID]], Mapping[UUID, Audited]]


class Records(dict[UUID, Audited]):
    """Aggregates by id; ``evicted`` ones count as present and are loaded back
    (by ``loader``) when read through ``get``, ``[]`` or ``load``."""

    def __init__(self) -> None:
        super().__init__()
        self.evicted: set[UUID] = set()
        # Closed years' records in memory since the last eviction: loaded back, or
        # begun by a late event.
        self.resident: set[UUID] = set()
        self.loader: Loader | None = None

    def get(self, key: UUID, default: Any = None) -> Any:
        found = dict.get(self, key)
        if found is None and key in self.evicted:
            self.load((key,))
            found = dict.get(self, key)
        return default if found is None else found

    def __missing__(self, key: UUID) -> Audited:
        if key not in self.evicted:
            raise KeyError(key)
        self.load((key,))
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.evicted

    def load(self, keys: Iterable[UUID]) -> None:
        """Fold back whichever of ``keys`` are evicted, in one read."""
        wanted = {key for key in keys if key in self.evicted}
        if not wanted:
            return
        if self.loader is None:
            raise LookupError(f"{len(wanted)} evicted records and nothing to load them from")
        found = self.loader(wanted)
        missing = wanted - found.keys()
        if missing:  # an evicted record has events: the log cannot have lost them
            raise LookupError(f"records {sorted(map(str, missing))[:3]} have no events")
        self.update(found)
        self.evicted -= wanted
        self.resident |= wanted

    def evict(self, keys: Iterable[UUID]) -> int:
        """Drop these records from memory (they stay known); return how many went."""
        gone = 0
        for key in keys:
            if dict.pop(self, key, None) is not None:
                self.evicted.add(key)
                gone += 1
        self.resident -= self.evicted
        return gone

    def compact(self) -> None:
        """Give back the table space of evicted records (a dict never shrinks)."""
        kept = dict(dict.items(self))
        dict.clear(self)
        dict.update(self, kept)


class Evaluations(Mapping[tuple[str, str], PeriodEvaluation]):
    """The period evaluations by (servant, period): the ids, with the aggregates in
    ``records`` (so an evicted one is loaded back when read)."""

    def __init__(self, ids: dict[tuple[str, str], UUID], records: Records) -> None:
        self.ids = ids
        self._records = records

    def __getitem__(self, key: tuple[str, str]) -> PeriodEvaluation:
        found = self._records[self.ids[key]]
        assert isinstance(found, PeriodEvaluation)
        return found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, key: object) -> bool:
        return key in self.ids
