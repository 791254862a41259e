"""Derived results: pure functions of the folded state and the policy.

Period results (a, b, c, leaders' d/đ/e, criteria, score, indicative level)
and annual classifications (mean, time worked, FAIL triggers, quota, cap,
decision) are computed here with the policy's pure functions; the runner
only decides which keys to recompute and writes the rows. The annual bases
are grouped into quota pools (``projections.pools``) and each pool is
classified by ``domain.policy.classify_pool``, the function the decision
handlers check decisions with.

Why one module of some 600 lines: ``Deriver`` is one ordering — periods, their steps
and interim spans, then pools, annual rows and the decisions resting on them — over
caches every step shares; what does not need those caches lives beside it
(``projections.inputs``, ``projections.rows``, ``projections.pools``).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.agency import Agency
from domain.discipline import DisciplineDecision
from domain.personnel import PersonnelDecision
from domain.policy import (
    Computed,
    LeaderComponents,
    LeaveSpan,
    PeriodScore,
    Policy,
    PoolFacts,
    Step,
    combined_mean,
    fail_triggers,
    is_classifiable,
    leader_d,
    months_worked,
    period_result,
    took_protected_leave,
)
from domain.policy import PeriodResult as PolicyPeriodResult
from domain.policy.parameters import DeputyWithoutArea
from domain.quota_pool import PoolKey, pool_key
from domain.scope import counts_for_leader_d, leader_d_counter, leader_d_unit
from domain.servant import CivilServant, DeputyArea, Placement
from domain.values import (
    LeadershipRole,
    Level,
    Period,
    PeriodKind,
)
from projections.inputs import (
    conclusion_fact,
    counted_scores,
    discipline_fact,
    employment_spans,
    leader_rank,
    policy_at,
    task_outcome,
    was_leader,
)
from projections.interim import SpanKey, interim_row, spans_of
from projections.pools import classify, pool_facts
from projections.reconciliation import period_steps_row
from projections.row_table import RowTable
from projections.rows import (
    annual_row,
    appeal_row,
    decimal_text,
    decision_row,
    discipline_row,
    score_cents,
)
from projections.state import Dirty, DomainState, NumberKey, PeriodKey, YearKey

Row = dict[str, Any]


# --- period results ---------------------------------------------------------


@dataclass(frozen=True)
class PeriodComputation:
    key: PeriodKey
    placement: Placement
    policy: Policy
    result: Computed[PolicyPeriodResult]
    leader: LeaderComponents | None
    subordinates: tuple[str, ...]
    leader_steps: tuple[Step, ...] = ()
    area: DeputyArea | None = None  # a deputy's assigned area on the day (Art. 15(4))


@dataclass(frozen=True)
class Present:
    """Who is employed in one agency on one day, by code, and the same by unit."""

    everyone: list[tuple[str, CivilServant]]
    by_unit: dict[str, list[tuple[str, CivilServant]]]
    # A leader's subordinates that day, by the leader's code and how a deputy with
    # no area counts (the period's policy): a leader's periods are derived again.
    counted: dict[tuple[str, DeputyWithoutArea], list[str]] = field(default_factory=dict)


class Deriver:
    """Recomputes derived rows for dirty keys against one folded state."""

    def __init__(self, state: DomainState) -> None:
        self.state = state
        # A closed year's period, step and interim rows are kept packed (row_table).
        self.period_rows: RowTable[PeriodKey] = RowTable()
        self.step_rows: RowTable[PeriodKey] = RowTable()
        self.interim_rows: RowTable[SpanKey] = RowTable()
        self.annual_rows: dict[YearKey, Row] = {}
        self.discipline_rows: dict[tuple[str], Row] = {}
        self.decision_rows: dict[NumberKey, Row] = {}  # (agency, number)
        self.appeal_rows: dict[NumberKey, Row] = {}
        self.bases: dict[YearKey, Row] = {}
        self.group_members: dict[PoolKey, set[str]] = {}
        self._evaluators: dict[Any, tuple[list[str], list[str]]] = {}
        self._present_on: dict[tuple[str, date], Present] | None = None

    def views(self) -> dict[str, MutableMapping[Any, Row]]:
        """Every derived row, by table name and primary key (live, not copies)."""
        return {
            "pj_period_results": self.period_rows,
            "pj_period_steps": self.step_rows,
            "pj_interim_results": self.interim_rows,
            "pj_annual_classifications": self.annual_rows,
            "pj_discipline_register": self.discipline_rows,
            "pj_personnel_decisions": self.decision_rows,
            "pj_appeals": self.appeal_rows,
        }

    def packed_tables(self) -> tuple[RowTable[Any], ...]:
        """The tables whose closed years' rows are packed."""
        return (self.period_rows, self.step_rows, self.interim_rows)

    def close_years(self, through: int) -> int:
        """Pack the period, step and interim rows of the years up to ``through`` (the
        runner's closed years); return how many were packed."""
        return sum(table.close_years(through) for table in self.packed_tables())

    def written_closed(self) -> bool:
        """Whether rows of a closed year were written since the last close."""
        return any(table.resident for table in self.packed_tables())

    def derive(self, dirty: Dirty) -> dict[str, set[Any]]:
        """Recompute what ``dirty`` touches; return the changed keys per table."""
        with self.state_unchanged():
            return self._derive(dirty)

    @contextmanager
    def state_unchanged(self) -> Iterator[None]:
        """While the state cannot change: who is present in an agency on a day is
        remembered (the same for every leader there)."""
        if self._present_on is not None:  # within another: that one forgets
            yield
            return
        self._present_on = {}
        try:
            yield
        finally:
            self._present_on = None

    def settle(self) -> None:
        """The state will not change again (a finished fold's, read by one caller):
        who is present stays remembered for as long as this deriver is read, across
        the derivations and explanations made from it."""
        if self._present_on is None:
            self._present_on = {}

    def _derive(self, dirty: Dirty) -> dict[str, set[Any]]:
        self._evaluators = {}
        changed_periods, years = self.recompute_periods(dirty.periods)
        # A span follows its periods and its agency's policy: an adoption dirties the
        # periods without changing them, so the dirty ones count too.
        changed_interim = self.recompute_interim(changed_periods | dirty.periods)
        changed_steps = self.recompute_steps(dirty.periods)
        years |= dirty.years
        changed_annual = self._recompute_pools(years, dirty.agencies)
        changed_decisions = self._recompute_decisions(dirty.decisions, changed_annual)
        changed_appeals: set[NumberKey] = set()
        for number in dirty.appeals:
            appeal = self.state.appeals[number]
            self.appeal_rows[number] = appeal_row(appeal, self.state.sources(appeal.id))
            changed_appeals.add(number)
        changed_discipline: set[tuple[str]] = set()
        for decision_id in dirty.disciplines:
            decision = self.state.by_id[decision_id]
            assert isinstance(decision, DisciplineDecision)
            decision_key = (decision.decision_no,)
            self.discipline_rows[decision_key] = discipline_row(decision)
            changed_discipline.add(decision_key)
        return {
            "pj_period_results": changed_periods,
            "pj_period_steps": changed_steps,
            "pj_interim_results": changed_interim,
            "pj_annual_classifications": changed_annual,
            "pj_discipline_register": changed_discipline,
            "pj_personnel_decisions": changed_decisions,
            "pj_appeals": changed_appeals,
        }

    # -- annual classifications: quota pools --

    def _recompute_pools(self, years: set[YearKey], agencies: set[tuple[str, int]]) -> set[YearKey]:
        """Re-derive the bases of ``years``, then every pool they or ``agencies`` touch:
        the whole pool, since one amended score or decision can move another member."""
        pools: set[PoolKey] = set()
        for key in sorted(years):
            old = self.bases.get(key)
            new = self.annual_basis(key)
            if old is not None:
                pools.add(old["_pool"])
                self.group_members[old["_pool"]].discard(key[0])
            if new is not None:
                self.bases[key] = new
                pools.add(new["_pool"])
                self.group_members.setdefault(new["_pool"], set()).add(key[0])
        for agency, year in agencies:
            # The authority's grants and tie decisions; its heads' organisation levels,
            # whichever pool those heads are in (their managing agency's, say).
            pools |= {p for p in self.group_members if p.authority == agency and p.year == year}
            for leader in self.state.leaders_of.get(agency, ()):
                if (basis := self.bases.get((leader, year))) is not None:
                    pools.add(basis["_pool"])
        changed: set[YearKey] = set()
        for pool in sorted(pools):
            members = sorted(self.group_members.get(pool, ()))
            bases = [self.bases[(code, pool.year)] for code in members]
            standing = classify(pool, bases, self.state.agencies)
            for basis in bases:
                code = basis["servant_code"]
                record = self.record_of(code, pool.year)
                row = annual_row(basis, standing.members[code], record)
                if self.annual_rows.get((code, pool.year)) != row:
                    self.annual_rows[(code, pool.year)] = row
                    changed.add((code, pool.year))
        return changed

    def pool_facts(self, servant: str, year: int) -> PoolFacts | None:
        """The facts of the pool ``servant`` is classified in for ``year``."""
        # A year with nothing derived yet (HR's first proposal opens it) is what its
        # basis would be: the same function, its pool as it stands.
        basis = self.bases.get((servant, year)) or self.annual_basis((servant, year))
        if basis is None:
            return None
        key: PoolKey = basis["_pool"]
        members = sorted(self.group_members.get(key, set()) | {servant})
        bases = [basis if code == servant else self.bases[(code, year)] for code in members]
        return pool_facts(key, bases, self.state.agencies)

    def record_of(self, code: str, year: int) -> dict[str, Any]:
        """The decisions, notification and appeals of one servant's year."""
        classification = self.state.classifications.get((code, year))
        appeals = [
            self.state.appeals[no] for no in sorted(self.state.appeals_on.get((code, year), ()))
        ]
        return {
            "hr_proposed": classification.proposed if classification else False,
            "hr_proposed_level": classification.proposed_level if classification else None,
            "hr_departure_reason": classification.proposal_departure_reason
            if classification
            else None,
            "departure_reason": classification.departure_reason if classification else None,
            "decided_level": classification.decided_level if classification else None,
            "decision_no": classification.decisions[-1]
            if classification and classification.decisions
            else None,
            "decisions": [
                {"decision_no": no, "level": classification.levels[no]}
                for no in classification.decisions
            ]
            if classification
            else [],
            "notified_on": classification.notified[1]
            if classification and classification.notified
            else None,
            "appeals": [{"appeal_no": a.appeal_no, "status": a.outcome or "open"} for a in appeals],
        }

    def _recompute_decisions(
        self, dirty: set[NumberKey], changed_years: set[YearKey]
    ) -> set[NumberKey]:
        numbers = set(dirty)
        for key in changed_years:
            numbers |= self.state.decisions_on.get(key, set())
        changed: set[NumberKey] = set()
        for number in numbers:
            decision = self.state.decisions[number]
            row = decision_row(decision, self._current_basis(decision))
            if self.decision_rows.get(number) != row:
                self.decision_rows[number] = row
                changed.add(number)
        return changed

    def _current_basis(self, decision: PersonnelDecision) -> list[dict[str, Any]]:
        current = []
        for basis in decision.basis:
            classification = self.state.classifications.get((decision.servant_code, basis.year))
            annual = self.annual_rows.get((decision.servant_code, basis.year))
            current.append(
                {
                    "year": basis.year,
                    "decision_no": classification.decisions[-1]
                    if classification and classification.decisions
                    else None,
                    "decided_level": classification.decided_level if classification else None,
                    "computed_level": annual["proposed_level"] if annual else None,
                }
            )
        return current

    # -- periods --

    def subordinates(
        self, leader: CivilServant, agency: Agency, day: date, policy: Policy | None = None
    ) -> list[str]:
        """Those whose period levels make ``leader``'s d on ``day`` (Art. 15(3–4));
        ``policy`` is the one of the period (default: the agency's on ``day``)."""
        without_area = (policy or policy_at(agency, day)).deputy_without_area
        present = self._present(agency.code, day)
        if (found := present.counted.get((leader.code, without_area))) is not None:
            return list(found)
        # Only one unit's people can count for most leaders: look at those alone.
        unit = leader_d_unit(leader, agency, day)
        candidates = present.everyone if unit is None else present.by_unit.get(unit, [])
        counts = leader_d_counter(leader, agency, day, without_area)
        found = [code for code, other in candidates if counts(other)]
        present.counted[(leader.code, without_area)] = found
        return list(found)

    def _present(self, agency: str, day: date) -> Present:
        """Who is employed in ``agency`` on ``day``, by code: the same for every leader
        there, so remembered while one ``derive`` runs (the state cannot change then)."""
        cache = self._present_on
        found = cache.get((agency, day)) if cache is not None else None
        if found is None:
            servants = self.state.servants
            found = Present([], {})
            for code in sorted(self.state.servants_of.get(agency, ())):
                other = servants[code]
                if not other.employed_during(day, day):
                    continue
                placement = other.placement_on(day)
                if placement.agency_code == agency:
                    found.everyone.append((code, other))
                    found.by_unit.setdefault(placement.unit_code, []).append((code, other))
            if cache is not None:
                cache[(agency, day)] = found
        return found

    def evaluators_of(self, servant: CivilServant, day: date) -> list[str]:
        """Leaders whose d counts this servant (to re-derive them when it changes).

        All staff of one unit have the same evaluators (and are none of them):
        remembered for the length of one ``derive``."""
        placement = servant.placement_on(day)
        shared = (placement.agency_code, placement.unit_code, day)
        staff = placement.leadership is LeadershipRole.STAFF
        agency = self.state.agencies.get(placement.agency_code)
        if agency is None:
            return []
        servants = self.state.servants
        if staff and shared in self._evaluators:
            by_unit, naming = self._evaluators[shared]
        else:
            leaders = [
                other
                for code in sorted(self.state.leaders_of.get(agency.code, ()))
                if (other := servants[code]).placement_on(day).leadership.is_leader
                and other.placement_on(day).agency_code == agency.code
            ]
            # Deputies whose area names servants one by one (Art. 15(4)) are asked for
            # each servant; for everyone else the unit and role decide. A deputy with
            # no area is asked under the widest reading: one re-derived too many is
            # harmless, one missed is not.
            naming = [o.code for o in leaders if (a := o.deputy_area_on(day)) and a.servant_codes]
            by_unit = [
                o.code
                for o in leaders
                if o.code not in naming
                and counts_for_leader_d(o, servant, agency, day, "head_area")
            ]
            if staff:
                self._evaluators[shared] = (by_unit, naming)
        found = by_unit + [
            code
            for code in naming
            if counts_for_leader_d(servants[code], servant, agency, day, "head_area")
        ]
        return sorted(found)

    def compute_period(self, key: PeriodKey, explain: bool = True) -> PeriodComputation | None:
        """One period's result; with ``explain``, every step of it too (a rebuild
        derives without: the steps are rebuilt, the same, when someone asks)."""
        code, period_code = key
        servant = self.state.servants.get(code)
        if servant is None:
            return None
        period = Period.parse(period_code)
        placement, day = servant.period_placement(period, self.state.period_kind)
        agency = self.state.agencies.get(placement.agency_code)
        policy = policy_at(agency, period.first_day)
        outcomes = [task_outcome(t, code) for t in self.state.tasks(key)]
        evaluation = self.state.evaluations.get(key)
        scores = counted_scores(policy, evaluation)
        leader = None
        subordinates: tuple[str, ...] = ()
        leader_steps: tuple[Step, ...] = ()
        area = None
        if placement.leadership.is_leader and agency is not None:
            subordinates = tuple(self.subordinates(servant, agency, day, policy))
            if placement.leadership is LeadershipRole.DEPUTY:
                area = servant.deputy_area_on(day)
            levels = [
                (ref, Level(row["level"]))
                for ref in subordinates
                if (row := self.period_rows.get((ref, period_code))) and row["level"]
            ]
            components = evaluation.leader_components if evaluation else {}
            full = max(policy.leader_component_values)
            d = leader_d(policy, levels)
            leader = LeaderComponents(
                d=d.value, dd=components.get("dd", full), e=components.get("e", full)
            )
            leader_steps = d.steps + tuple(
                ()
                if not explain
                else (
                    Step(
                        key=name,
                        label=f"{label} (entered by the evaluator)",
                        formula="100% or 50%, with a reason; 100% when not entered",
                        substitution="entered" if name in components else "not entered",
                        result=format(value, "f"),
                        rule="Art. 15(3)",
                    )
                    for name, label, value in (("dd", "đ", leader.dd), ("e", "e", leader.e))
                )
            )
        result = period_result(policy, outcomes, scores, leader, explain)
        return PeriodComputation(
            key, placement, policy, result, leader, subordinates, leader_steps, area
        )

    def period_row(self, computation: PeriodComputation) -> Row:
        code, period_code = computation.key
        period = Period.parse(period_code)
        value = computation.result.value
        components = value.components
        leader = computation.leader
        return {
            "servant_code": code,
            "period": period_code,
            "year": period.year,
            "agency_code": computation.placement.agency_code,
            "unit_code": computation.placement.unit_code,
            "peer_group": computation.placement.peer_group,
            "leadership": computation.placement.leadership.value,
            "scorable": value.scorable,
            "reason_not_scorable": value.reason_not_scorable,
            "status": value.status,
            "assigned_units": decimal_text(components.assigned_units) if components else None,
            "completed_units": decimal_text(components.completed_units) if components else None,
            "a": decimal_text(components.a) if components else None,
            "b": decimal_text(components.b) if components else None,
            "c": decimal_text(components.c) if components else None,
            "d": decimal_text(leader.d) if leader else None,
            "dd": decimal_text(leader.dd) if leader else None,
            "e": decimal_text(leader.e) if leader else None,
            "criteria_total": decimal_text(value.criteria_total),
            "task_ratio": decimal_text(value.task_ratio),
            "score": decimal_text(value.score),
            "score_cents": score_cents(value.score),
            "level": value.level.value if value.level else None,
            "policy_id": computation.policy.policy_id,
            "policy_version": computation.policy.version,
            "policy_variant": computation.policy.variant,
        }

    def recompute_periods(self, keys: Iterable[PeriodKey]) -> tuple[set[PeriodKey], set[YearKey]]:
        """Recompute ``keys`` and every leader above them; return changed keys and years."""
        queue: list[tuple[int, str, str]] = []
        seen: set[PeriodKey] = set()

        def push(key: PeriodKey) -> None:
            if key in seen:
                return
            seen.add(key)
            servant = self.state.servants.get(key[0])
            if servant is None:
                return
            day = Period.parse(key[1]).last_day
            placement = servant.placement_on(day)
            rank = leader_rank(placement, self.state.agencies.get(placement.agency_code))
            heapq.heappush(queue, (rank, key[1], key[0]))

        for key in keys:
            push(key)
        changed: set[PeriodKey] = set()
        years: set[YearKey] = set()
        while queue:
            _, period_code, code = heapq.heappop(queue)
            key = (code, period_code)
            computation = self.compute_period(key, explain=False)
            if computation is None:
                continue
            row = self.period_row(computation)
            if self.period_rows.get(key) != row:
                old_level = (self.period_rows.get(key) or {}).get("level")
                self.period_rows[key] = row
                changed.add(key)
                years.add((code, row["year"]))
                if old_level != row["level"]:
                    # Leaders rank above everyone they evaluate, so a leader queued
                    # now is computed after all of them: once is enough.
                    servant = self.state.servants[code]
                    for leader in self.evaluators_of(servant, Period.parse(period_code).last_day):
                        above = (leader, period_code)
                        # Queued once: their tasks are looked up once, not per staff member.
                        if above not in seen and (
                            above in self.period_rows or self.state.tasks(above)
                        ):
                            push(above)
        return changed, years

    def recompute_steps(self, keys: Iterable[PeriodKey]) -> set[PeriodKey]:
        """What each dirty period still waits for (a result recorded or assessed
        changes no score, so this follows the dirty keys, not the changed results)."""
        changed: set[PeriodKey] = set()
        for key in keys:
            servant = self.state.servants.get(key[0])
            if servant is None:
                continue
            placement, _ = servant.period_placement(Period.parse(key[1]), self.state.period_kind)
            row = period_steps_row(self.state, key, placement)
            if self.step_rows.get(key) != row:
                self.step_rows[key] = row
                changed.add(key)
        return changed

    # -- quarters and half-years --

    def recompute_interim(self, periods: Iterable[PeriodKey]) -> set[SpanKey]:
        """Re-derive the quarters and half-years the changed periods fall in."""
        spans = {(code, span) for code, p in periods for span in spans_of(Period.parse(p))}
        changed: set[SpanKey] = set()
        for code, span in sorted(spans):
            # The span's year's periods only (interim_row reads no other).
            rows = [
                row
                for p in self.state.periods_of.get(code, ())
                if p.startswith(span[:4]) and (row := self.period_rows.get((code, p))) is not None
            ]
            row = interim_row(code, span, rows, self.state.agencies)
            if row is None:
                if self.interim_rows.pop((code, span), None) is not None:
                    changed.add((code, span))
            elif self.interim_rows.get((code, span)) != row:
                self.interim_rows[(code, span)] = row
                changed.add((code, span))
        return changed

    # -- annual classifications --

    def pool_of(self, servant: CivilServant, year: int) -> PoolKey:
        """The quota pool a servant's year is classified in, by where they work at
        classification time (Art. 10(2), 19(1), 20(5)), whatever records they have."""
        placement = self.classification_placement(servant, year)
        agency = self.state.agencies.get(placement.agency_code)
        return pool_key(policy_at(agency, date(year, 1, 1)), placement, agency, year)

    def classification_placement(self, servant: CivilServant, year: int) -> Placement:
        """Art. 19(1): the agency where the servant works at classification time."""
        day = date(year, 12, 31)
        if servant.left_on is not None and servant.left_on < day:
            day = servant.left_on
        return servant.placement_on(day)

    def results_in(self, servant_code: str, year: int) -> list[PeriodScore]:
        """The servant's period results of ``year``, in whatever agency and kind (Art. 19(1))."""
        found = []
        prefix = f"{year}-"  # a period's row is of its code's year
        for code in sorted(self.state.periods_of.get(servant_code, ())):
            if not code.startswith(prefix):
                continue
            row = self.period_rows.get((servant_code, code))
            if row is not None:
                score = Decimal(row["score"]) if row["score"] else None
                found.append(PeriodScore(Period.parse(code), score))
        return found

    def annual_basis(self, key: YearKey) -> Row | None:
        """Everything about a servant's year except the quota outcome."""
        code, year = key
        servant = self.state.servants.get(code)
        if servant is None:
            return None
        placement = self.classification_placement(servant, year)
        agency = self.state.agencies.get(placement.agency_code)
        kind = PeriodKind(agency.period_kind) if agency else PeriodKind.MONTH
        policy = policy_at(agency, date(year, 1, 1))
        # Months and quarters alike, from the old agencies too (Art. 17(3), 19(1)).
        mean = combined_mean(policy, year, range(1, 13), kind, self.results_in(code, year))
        employment = employment_spans(servant, year)
        leaves = [
            LeaveSpan(
                max(leave.start, date(year, 1, 1)), min(leave.end, date(year, 12, 31)), leave.kind
            )
            for leave in servant.leaves
            if leave.start.year <= year <= leave.end.year
        ]
        months = months_worked(policy, year, employment, leaves) if employment else None
        classifiable = is_classifiable(
            policy, months.value if months else Decimal(0), took_protected_leave(leaves)
        )
        triggers = fail_triggers(
            policy,
            year,
            [discipline_fact(d) for d in self.state.disciplines.get(code, {}).values()],
            [conclusion_fact(c) for c in self.state.conclusions.get(code, {}).values()],
            was_leader(servant, year),
            lambda earlier: was_leader(servant, earlier),
        )
        pool = self.pool_of(servant, year)
        classification = self.state.classifications.get(key)
        return {
            "servant_code": code,
            "year": year,
            "agency_code": placement.agency_code,
            "unit_code": placement.unit_code,
            "peer_group": placement.peer_group,
            "pool_authority": pool.authority,
            "pool_group": pool.group,
            "leadership": placement.leadership.value,
            "is_head": placement.leadership is LeadershipRole.HEAD,
            "months_worked": decimal_text(months.value) if months else "0",
            "classifiable": classifiable.value,
            "scorable_periods": len(mean.value.used),
            "annual_score": decimal_text(mean.value.mean),
            "score_cents": score_cents(mean.value.mean),
            "fail_triggers": [list(t.refs) for t in triggers.value],
            "policy_id": policy.policy_id,
            "policy_version": policy.version,
            "policy_variant": policy.variant,
            "_triggers": triggers.value,
            "_policy": policy,
            "_pool": pool,
            "_decided": classification.decided_level if classification else None,
            # The arithmetic behind this basis, for explanations.
            "_steps": mean.steps
            + (months.steps if months else ())
            + classifiable.steps
            + triggers.steps,
        }
