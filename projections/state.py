"""The projections' in-memory model of the domain: a fold of the event log.

Each event is applied to an aggregate instance with the domain's own
``mutate`` (the same code the write side uses), and the fold keeps the
indexes the derivations need and the log positions behind every record.
``apply`` returns the keys whose derived results may have changed.

The state is a pure function of the events up to a position: replaying the
first k events gives the state "as of" k.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, MutableSequence
from dataclasses import dataclass, field
from datetime import date
from sys import intern
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate

from domain.agency import Agency
from domain.appeal import Appeal
from domain.base import Audited
from domain.classification import Classification
from domain.discipline import AuthorityConclusion, DisciplineDecision
from domain.evaluation import PeriodEvaluation
from domain.personnel import PersonnelDecision
from domain.servant import CivilServant
from domain.task import Task
from projections.agency_reach import period_facts
from projections.records import Evaluations, Records
from projections.servant_reach import facts_of, first_year_changed

# Receipts carry no fact: the projections skip them without decoding.
IGNORED_TOPIC_PREFIXES = ("minhbach.receipt:",)

PeriodKey = tuple[str, str]  # (servant code, period code)
# A closed year's sets of ids or codes are kept as tuples: the same contents in a
# fraction of the memory (``close_years``); its records' positions leave with them.
Ids = set[UUID] | tuple[UUID, ...]
Codes = set[str] | tuple[str, ...]
YearKey = tuple[str, int]  # (servant code, year)
NumberKey = tuple[str, str]  # (agency code, number): appeals and personnel decisions


@dataclass
class Dirty:
    """Keys whose derived rows must be recomputed after a batch."""

    periods: set[PeriodKey] = field(default_factory=set)
    years: set[YearKey] = field(default_factory=set)
    agencies: set[tuple[str, int]] = field(default_factory=set)  # (agency, year): quota groups
    disciplines: set[UUID] = field(default_factory=set)
    decisions: set[NumberKey] = field(default_factory=set)  # personnel decisions
    appeals: set[NumberKey] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(
            self.periods
            or self.years
            or self.agencies
            or self.disciplines
            or self.decisions
            or self.appeals
        )

    def update(self, other: Dirty) -> None:
        self.periods |= other.periods
        self.years |= other.years
        self.agencies |= other.agencies
        self.disciplines |= other.disciplines
        self.decisions |= other.decisions
        self.appeals |= other.appeals


@dataclass
class DomainState:
    position: int = 0
    by_id: Records = field(default_factory=Records)
    positions: dict[UUID, MutableSequence[int]] = field(default_factory=lambda: defaultdict(list))
    agencies: dict[str, Agency] = field(default_factory=dict)
    servants: dict[str, CivilServant] = field(default_factory=dict)
    tasks_by_period: dict[PeriodKey, Ids] = field(default_factory=lambda: defaultdict(set))
    evaluation_ids: dict[PeriodKey, UUID] = field(default_factory=dict)
    evaluations: Evaluations = field(init=False, repr=False, compare=False)
    task_servants: dict[UUID, Codes] = field(default_factory=lambda: defaultdict(set))
    disciplines: dict[str, dict[UUID, DisciplineDecision]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    conclusions: dict[str, dict[UUID, AuthorityConclusion]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    classifications: dict[YearKey, Classification] = field(default_factory=dict)
    decisions: dict[NumberKey, PersonnelDecision] = field(default_factory=dict)
    decisions_on: dict[YearKey, set[NumberKey]] = field(default_factory=lambda: defaultdict(set))
    appeals: dict[NumberKey, Appeal] = field(default_factory=dict)
    appeals_on: dict[YearKey, set[NumberKey]] = field(default_factory=lambda: defaultdict(set))
    # Which periods each servant has (for re-deriving after a placement change).
    periods_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Years a servant has anything derived in (periods, discipline, conclusions, decisions).
    years_of: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # Everyone who has ever been placed in an agency.
    servants_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Everyone who has been a head or deputy in an agency (their d counts others).
    leaders_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # How many policy adoptions each agency had when last folded.
    adoptions_seen: dict[str, int] = field(default_factory=dict)
    # The day each result was recorded (task id, submission number): the wait for
    # assessment counts from it, not from the completion day the servant states.
    submitted_on: dict[tuple[UUID, int], date] = field(default_factory=dict)
    # The latest year any period record falls in (which years are closed follows it).
    newest_year: int = 0
    # Years up to this one are closed: their tasks and evaluations out of memory.
    closed_through: int = 0
    # Closed periods whose tuple of task ids became a set again (a late task).
    _thawed: set[PeriodKey] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A view of the ids over the records (a copy of the state shares both).
        self.evaluations = Evaluations(self.evaluation_ids, self.by_id)

    def apply(
        self, event: CanMutateAggregate[UUID], position: int, dirty: Dirty | None = None
    ) -> Dirty:
        """Fold one event in; add what it may have changed to ``dirty`` (one set of
        keys serves a whole page of events)."""
        previous = self.by_id.get(event.originator_id)
        # What a servant's or an agency's event changes decides what it re-derives.
        before = _facts_before(previous)
        aggregate = self._mutate(event, previous)
        self.by_id[event.originator_id] = aggregate
        self.positions[event.originator_id].append(position)
        # The furthest event folded: a partition folds a joining aggregate's earlier
        # events after later ones (projections.routes), and records folded back from
        # the log are read up to here.
        if position > self.position:
            self.position = position
        dirty = Dirty() if dirty is None else dirty
        self._index(aggregate, dirty, before)
        return dirty

    def _mutate(self, event: CanMutateAggregate[UUID], aggregate: Audited | None) -> Audited:
        found = event.mutate(aggregate)
        assert isinstance(found, Audited)
        if isinstance(event, Task.ResultSubmitted):
            self.submitted_on[(event.originator_id, event.submission)] = event.timestamp.date()
        return found

    def refold(self, events: Iterable[tuple[CanMutateAggregate[UUID], int]]) -> dict[UUID, Audited]:
        """Records folded back from their own events (in log order, with their
        positions), which were folded here before (their indexes are kept): the
        aggregates, and what the fold notes beside them; their positions again."""
        found: dict[UUID, Audited] = {}
        positions: dict[UUID, list[int]] = {}
        servants: dict[UUID, set[str]] = {}
        for event, position in events:
            aggregate = found[event.originator_id] = self._mutate(
                event, found.get(event.originator_id)
            )
            positions.setdefault(event.originator_id, []).append(position)
            if isinstance(aggregate, Task):  # everyone it was ever with, as ``_index`` noted
                servants.setdefault(aggregate.id, set()).update(_with(aggregate))
        self.positions.update(positions)
        self.task_servants.update(servants)
        return found

    def _index(self, aggregate: Audited, dirty: Dirty, before: Any = None) -> None:
        if isinstance(aggregate, Task):
            # Everyone it was ever with: a move or a cancel changes the earlier ones too.
            involved = _thaw(self.task_servants, aggregate.id)
            involved.update(_with(aggregate))
            self._note_year(aggregate)
            period = intern(aggregate.period)  # the indexes outlive the records
            for servant in involved:
                key = (servant, period)
                if isinstance(self.tasks_by_period.get(key), tuple):
                    self._thawed.add(key)
                _thaw(self.tasks_by_period, key).add(aggregate.id)
                self.periods_of[servant].add(period)
                self.years_of[servant].add(_year(period))
                dirty.periods.add(key)
        elif isinstance(aggregate, PeriodEvaluation):
            servant, period = intern(aggregate.servant_code), intern(aggregate.period)
            key = (servant, period)
            self.evaluation_ids[key] = aggregate.id
            self._note_year(aggregate)
            self.periods_of[servant].add(period)
            self.years_of[servant].add(_year(period))
            dirty.periods.add(key)
        elif isinstance(aggregate, CivilServant):
            self.servants[aggregate.code] = aggregate
            # Only the years the change reaches (projections.servant_reach).
            since = 0 if before is None else first_year_changed(before, aggregate)
            periods = self.periods_of[aggregate.code]
            dirty.periods |= {(aggregate.code, p) for p in periods if _year(p) >= since}
            years = self.years_of[aggregate.code]
            dirty.years |= {(aggregate.code, year) for year in years if year >= since}
            agencies = {p.agency_code for p in aggregate.placements}
            for agency in agencies:
                self.servants_of[agency].add(aggregate.code)
            if any(p.leadership.is_leader for p in aggregate.placements):
                for agency in agencies:
                    self.leaders_of[agency].add(aggregate.code)
            # A move changes whose d this servant counts in: re-derive the leaders.
            dirty.periods |= self.leader_periods(agencies, since)
        elif isinstance(aggregate, DisciplineDecision):
            self.disciplines[aggregate.servant_code][aggregate.id] = aggregate
            self.years_of[aggregate.servant_code].add(aggregate.counted_year)
            dirty.years |= self.discipline_years(aggregate.servant_code)
            dirty.disciplines.add(aggregate.id)
        elif isinstance(aggregate, AuthorityConclusion):
            self.conclusions[aggregate.servant_code][aggregate.id] = aggregate
            self.years_of[aggregate.servant_code].add(aggregate.year)
            dirty.years |= self.discipline_years(aggregate.servant_code)
        elif isinstance(aggregate, Classification):
            self.classifications[(aggregate.servant_code, aggregate.year)] = aggregate
            self.years_of[aggregate.servant_code].add(aggregate.year)
            dirty.years.add((aggregate.servant_code, aggregate.year))
        elif isinstance(aggregate, PersonnelDecision):
            number = (aggregate.agency_code, aggregate.decision_no)
            self.decisions[number] = aggregate
            for basis in aggregate.basis:
                self.decisions_on[(aggregate.servant_code, basis.year)].add(number)
            dirty.decisions.add(number)
        elif isinstance(aggregate, Appeal):
            number = (aggregate.agency_code, aggregate.appeal_no)
            self.appeals[number] = aggregate
            self.appeals_on[(aggregate.servant_code, aggregate.year)].add(number)
            self.years_of[aggregate.servant_code].add(aggregate.year)
            dirty.appeals.add(number)
            dirty.years.add((aggregate.servant_code, aggregate.year))
        elif isinstance(aggregate, Agency):
            self.agencies[aggregate.code] = aggregate
            # Its leaders' periods only when what a period reads of it changed
            # (projections.agency_reach).
            if before is None or before != period_facts(aggregate):
                dirty.periods |= self.leader_periods({aggregate.code})
            years = {year for year, _ in aggregate.organisation_levels}
            years |= set(aggregate.quota_grants) | {year for year, _ in aggregate.tie_decisions}
            dirty.agencies |= {(aggregate.code, year) for year in years}
            if len(aggregate.policy_adoptions) != self.adoptions_seen.get(aggregate.code, 0):
                # Another policy from a date: everything of everyone ever placed there.
                self.adoptions_seen[aggregate.code] = len(aggregate.policy_adoptions)
                for code in self.servants_of.get(aggregate.code, ()):
                    dirty.periods |= {(code, p) for p in self.periods_of[code]}
                    dirty.years |= {(code, year) for year in self.years_of[code]}

    def discipline_years(self, servant: str) -> set[YearKey]:
        """Every year a servant's disciplines or conclusions count in: one of them can
        use up a violation for the others, across years (Art. 11(3)(a–b))."""
        years = {d.counted_year for d in self.disciplines.get(servant, {}).values()}
        years |= {c.year for c in self.conclusions.get(servant, {}).values()}
        return {(servant, year) for year in years}

    def leader_periods(self, agencies: set[str], since: int = 0) -> set[PeriodKey]:
        """The periods of every leader of ``agencies``, from the year ``since``."""
        return {
            (leader, period)
            for agency in agencies
            for leader in self.leaders_of.get(agency, ())
            for period in self.periods_of.get(leader, ())
            if _year(period) >= since
        }

    def period_kind(self, agency_code: str) -> str | None:
        """How an agency evaluates: ``month`` or ``quarter`` (None: unknown agency)."""
        agency = self.agencies.get(agency_code)
        return agency.period_kind if agency is not None else None

    def tasks(self, key: PeriodKey) -> list[Task]:
        ids = self.tasks_by_period.get(key, ())
        self.by_id.load(ids)  # a closed year's, back in one read
        found = [self.by_id[task_id] for task_id in ids]
        return sorted((t for t in found if isinstance(t, Task)), key=lambda t: t.code)

    def sources(self, aggregate_id: UUID) -> list[int]:
        """Log positions of every event of one record (for explanations); a closed
        year's record is folded back for them."""
        if aggregate_id not in self.positions and aggregate_id in self.by_id.evicted:
            self.by_id.load((aggregate_id,))
        return list(self.positions.get(aggregate_id, ()))

    # --- closed years (projections.records) ------------------------------------

    def _note_year(self, aggregate: Task | PeriodEvaluation) -> None:
        year = _year(aggregate.period)
        self.newest_year = max(self.newest_year, year)
        if year <= self.closed_through:
            self.by_id.resident.add(aggregate.id)  # a late one: evicted at the next close

    def close_years(self, through: int) -> int:
        """Close the years up to ``through``: evict their tasks and evaluations — all of
        them when the bound moves, otherwise those back in memory since the last time.
        Return how many left memory."""
        records = self.by_id
        moved = through > self.closed_through
        if moved:
            candidates = list(dict.items(records))
            self.closed_through = through
        else:
            candidates = [(k, found) for k in records.resident if (found := dict.get(records, k))]
        closed = [
            key
            for key, aggregate in candidates
            if isinstance(aggregate, Task | PeriodEvaluation) and _year(aggregate.period) <= through
        ]
        for key in closed:
            task = dict.get(records, key)
            if isinstance(task, Task):  # noted again when the task is folded back
                for submission in task.submissions:
                    self.submitted_on.pop((key, submission.number), None)
                self.task_servants.pop(key, None)
            # Read back with the record when it is folded back (``refold``).
            self.positions.pop(key, None)
        periods = (
            [k for k in self.tasks_by_period if _year(k[1]) <= through]
            if moved
            else [k for k in self._thawed if _year(k[1]) <= through]
        )
        for period in periods:
            self.tasks_by_period[period] = tuple(self.tasks_by_period[period])
        self._thawed.clear()
        gone = records.evict(closed)
        records.resident.clear()
        if gone > COMPACT_AFTER:  # dict tables never shrink by themselves
            records.compact()
            self.submitted_on = dict(self.submitted_on)
            self.positions = defaultdict(list, self.positions)
            self.task_servants = defaultdict(set, self.task_servants)
        return gone

    def load_year(self, year: int) -> None:
        """Bring every task and evaluation of ``year`` back into memory (for an
        analysis that goes through all of them), in one read."""
        wanted: set[UUID] = set()
        for key, ids in self.tasks_by_period.items():
            if _year(key[1]) == year:
                wanted.update(ids)
        wanted |= {i for key, i in self.evaluation_ids.items() if _year(key[1]) == year}
        self.by_id.load(wanted)


# Evictions of at least this many records leave behind the dict tables they filled.
COMPACT_AFTER = 1_000
K = TypeVar("K")
V = TypeVar("V")


def _year(period: str) -> int:
    return int(period[:4])


def _facts_before(previous: Audited | None) -> Any:
    """What the derivations read of a servant or an agency before an event (None:
    neither, or new)."""
    if isinstance(previous, CivilServant):
        return facts_of(previous)
    if isinstance(previous, Agency):
        return period_facts(previous)
    return None


def _with(task: Task) -> Iterator[str]:
    """The servants a task is with in this state (one string per code, not one per
    event)."""
    return map(intern, (task.assignee, task.holder, task.counted_for))


def _thaw(index: dict[K, set[V] | tuple[V, ...]], key: K) -> set[V]:
    """The set at ``key`` (a closed year's tuple made a set again, or a new one)."""
    found = index.get(key)
    if isinstance(found, set):
        return found
    thawed = index[key] = set(found or ())
    return thawed
