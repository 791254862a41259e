"""The demo agency loads, is idempotent, and tells the quota story it promises.

Annual scores are recomputed here from the stored events with the pure policy
functions, so the test checks the demo's facts, not the generator's intentions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from demo import AGENCY, DemoSummary, demo_commands, load_demo
from demo.organisations import DEPARTMENTS
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.discipline import DisciplineDecision
from domain.evaluation import PeriodEvaluation
from domain.policy import (
    DisciplineFact,
    LeaderComponents,
    Policy,
    QuotaOutcome,
    QuotaVerdict,
    TaskOutcome,
    apply_quota,
    fail_triggers,
    leader_d,
    level_for_score,
    mean_score,
    period_result,
    policy_in_force,
)
from domain.servant import CivilServant
from domain.storage import storage_from_url
from domain.task import Task
from domain.values import AssessmentOutcome, DisciplineForm, LeadershipRole, Level

YEAR = 2026


def clock() -> datetime:
    return datetime(YEAR + 1, 1, 10, tzinfo=UTC)


@dataclass
class TaskFact:
    code: str
    product: str
    assigned_on: date
    assignee: str
    holder: str
    factor: Decimal
    quantity: Decimal
    period: str
    deadline: date
    ad_hoc: bool
    submissions: dict[int, tuple[str, Decimal, date]] = field(default_factory=dict)
    assessments: dict[int, tuple[int, AssessmentOutcome]] = field(default_factory=dict)
    recorded_delays: int = 0
    quality_exempt: bool = False
    progress_exempt: bool = False


@dataclass
class Facts:
    """What the stored events say, in the shape the policy functions need."""

    servants: dict[str, tuple[str, str, LeadershipRole]] = field(default_factory=dict)
    board_unit: str | None = None
    units: list[str] = field(default_factory=list)
    tasks: dict[Any, TaskFact] = field(default_factory=dict)
    evaluations: dict[Any, tuple[str, str]] = field(default_factory=dict)
    criteria: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)
    leader: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)
    disciplines: list[DisciplineDecision.Recorded] = field(default_factory=list)
    managing_agency: str | None = None
    organisation_levels: dict[str | None, Level] = field(default_factory=dict)  # unit or agency

    def unit(self, code: str) -> str:
        return self.servants[code][0]

    def peer_group(self, code: str) -> str:
        return self.servants[code][1]

    def leadership(self, code: str) -> LeadershipRole:
        return self.servants[code][2]


def _events(app: MinhBach) -> Iterator[Any]:
    start = 1
    while True:
        page = app.recorder.select_notifications(start, 1000)
        if not page:
            return
        for notification in page:
            yield app.mapper.to_domain_event(notification)
        start = page[-1].id + 1


def read_facts(app: MinhBach) -> Facts:
    facts = Facts()
    for event in _events(app):
        _apply(facts, event)
    return facts


def _apply(facts: Facts, event: Any) -> None:
    key = event.originator_id
    if type(event).TOPIC.startswith("minhbach.agency:") and key != agency_id(AGENCY):
        return  # the city's other departments: organisations rated, nobody classified
    if isinstance(event, Agency.Registered):
        facts.managing_agency = event.managing_agency
    elif isinstance(event, Agency.OrganisationLevelDecided):
        facts.organisation_levels[event.unit_code] = Level(event.level)
    elif isinstance(event, Agency.UnitOpened):
        facts.units.append(event.unit_code)
        if event.is_leadership:
            facts.board_unit = event.unit_code
    elif isinstance(event, CivilServant.Registered):
        role = LeadershipRole(event.leadership)
        facts.servants[event.code] = (event.unit_code, event.peer_group, role)
    elif isinstance(event, Task.Assigned):
        facts.tasks[key] = TaskFact(
            event.code,
            event.product_code,
            event.assigned_on,
            event.servant_code,
            event.servant_code,
            event.factor,
            event.quantity,
            event.period,
            event.deadline,
            event.ad_hoc,
        )
    elif isinstance(event, Task.Reassigned):
        facts.tasks[key].holder = event.to_servant
    elif isinstance(event, Task.ResultSubmitted):
        facts.tasks[key].submissions[event.submission] = (
            event.servant_code,
            event.completed_quantity,
            event.completed_on,
        )
    elif isinstance(event, Task.Assessed):
        outcome = AssessmentOutcome(event.outcome)
        facts.tasks[key].assessments[event.assessment] = (event.submission, outcome)
    elif isinstance(event, Task.DelayRecorded):
        facts.tasks[key].recorded_delays += 1
    elif isinstance(event, Task.ObjectiveCauseConfirmed):
        facts.tasks[key].quality_exempt |= event.scope in ("quality", "both")
        facts.tasks[key].progress_exempt |= event.scope in ("progress", "both")
    elif isinstance(event, PeriodEvaluation.Opened):
        facts.evaluations[key] = (event.servant_code, event.period)
    elif isinstance(event, PeriodEvaluation.CriteriaScored):
        facts.criteria[facts.evaluations[key]] = dict(event.scores)
    elif isinstance(event, PeriodEvaluation.LeaderComponentScored):
        facts.leader.setdefault(facts.evaluations[key], {})[event.component] = event.value
    elif isinstance(event, DisciplineDecision.Recorded):
        facts.disciplines.append(event)


def task_outcomes(task: TaskFact) -> list[tuple[str, TaskOutcome]]:
    """Art. 18(1)(d): the assignee keeps the task in their assigned total; whoever
    took it over counts what they completed outside their own."""
    people = [task.assignee] + ([task.holder] if task.holder != task.assignee else [])
    outcomes = []
    for servant in people:
        mine = {n for n, (by, _, _) in task.submissions.items() if by == servant}
        failed = sum(
            1 for s, o in task.assessments.values() if s in mine and o is AssessmentOutcome.FAILED
        )
        accepted = [
            task.submissions[s]
            for s, o in task.assessments.values()
            if s in mine and o is AssessmentOutcome.ACCEPTED
        ]
        done = accepted[-1] if accepted else None
        outcomes.append(
            (
                servant,
                TaskOutcome(
                    ref=task.code,
                    units=task.quantity * task.factor,
                    counts_in_assigned=servant == task.assignee and not task.ad_hoc,
                    completed_units=done[1] * task.factor if done else Decimal(0),
                    failed_assessments=failed,
                    deadline=task.deadline,
                    completed_on=done[2] if done else None,
                    recorded_delays=task.recorded_delays,
                    quality_exempt=task.quality_exempt,
                    progress_exempt=task.progress_exempt,
                ),
            )
        )
    return outcomes


def subordinates(facts: Facts, leader: str) -> list[str]:
    """Those under a leader's authority: the unit's staff for a deputy, the unit's
    deputies and staff for a head, everyone for the agency's head."""
    unit, _, role = facts.servants[leader]
    others = [code for code in facts.servants if code != leader]
    if unit == facts.board_unit:
        return others if role is LeadershipRole.HEAD else []
    below = (LeadershipRole.STAFF,) if role is LeadershipRole.DEPUTY else tuple(LeadershipRole)
    return [s for s in others if facts.unit(s) == unit and facts.leadership(s) in below]


def leader_order(facts: Facts, code: str) -> int:
    """Score staff first, then deputies, unit heads, board deputies, the agency's head."""
    role = facts.leadership(code)
    board = facts.unit(code) == facts.board_unit
    return {LeadershipRole.STAFF: 0, LeadershipRole.DEPUTY: 1, LeadershipRole.HEAD: 2}[role] + (
        2 if board else 0
    )


def monthly_scores(policy: Policy, facts: Facts) -> dict[str, dict[str, Decimal | None]]:
    outcomes: dict[tuple[str, str], list[TaskOutcome]] = defaultdict(list)
    for task in facts.tasks.values():
        for servant, outcome in task_outcomes(task):
            outcomes[(servant, task.period)].append(outcome)
    periods = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    scores: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    levels: dict[tuple[str, str], Level] = {}
    for servant in sorted(facts.servants, key=lambda s: leader_order(facts, s)):
        for period in periods:
            leader = None
            if facts.leadership(servant).is_leader:
                under = [
                    (s, levels[(s, period)])
                    for s in subordinates(facts, servant)
                    if (s, period) in levels
                ]
                given = facts.leader[(servant, period)]
                d = leader_d(policy, under).value
                leader = LeaderComponents(d=d, dd=given["dd"], e=given["e"])
            result = period_result(
                policy, outcomes[(servant, period)], facts.criteria[(servant, period)], leader
            ).value
            scores[servant][period] = result.score
            if result.level is not None:
                levels[(servant, period)] = result.level
    return scores


@dataclass(frozen=True)
class QuotaCase:
    peer_group: str
    candidates: list[tuple[str, Decimal]]
    good_count: int
    outcome: QuotaOutcome


def organisation_cap(facts: Facts, servant: str) -> Level | None:
    """Art. 20(6): a head's level is not above their organisation's — the agency's
    for its director, the unit's for a unit head (Art. 2(1)(b): units are organisations)."""
    if facts.leadership(servant) is not LeadershipRole.HEAD:
        return None
    unit = facts.unit(servant)
    return facts.organisation_levels[None if unit == facts.board_unit else unit]


def worse(level: Level, cap: Level | None) -> Level:
    return level if cap is None or level.rank >= cap.rank else cap


def pool_of(facts: Facts, servant: str) -> str:
    """Art. 10(2)(a): the managing agency classifies the director, among the heads of
    its agencies; everyone else is in their peer group (Art. 20(5)(a))."""
    director = facts.unit(servant) == facts.board_unit
    if director and facts.leadership(servant) is LeadershipRole.HEAD and facts.managing_agency:
        return f"{facts.managing_agency}: heads of agencies"
    return facts.peer_group(servant)


def quota_cases(policy: Policy, facts: Facts, annual: dict[str, Decimal]) -> list[QuotaCase]:
    """Art. 20(5) per pool, among those not FAIL by a trigger (Art. 20(4)); a head whom
    the organisation caps below EXCELLENT is no candidate, and counts in the base only
    when capped to GOOD (Art. 20(5)(a) counts those rated GOOD)."""
    failed = {s for s in annual if fail_reasons(policy, facts, s)}
    groups: dict[str, list[str]] = defaultdict(list)
    for servant in annual:
        if servant not in failed:
            groups[pool_of(facts, servant)].append(servant)
    cases = []
    for group, members in sorted(groups.items()):
        rated = {
            s: worse(level_for_score(policy, annual[s]), organisation_cap(facts, s))
            for s in members
        }
        candidates = [(s, annual[s]) for s in members if rated[s] is Level.EXCELLENT]
        good = sum(1 for s in members if rated[s] is Level.GOOD)
        outcome = apply_quota(policy, candidates, good).value
        cases.append(QuotaCase(group, candidates, good, outcome))
    return cases


def fail_reasons(policy: Policy, facts: Facts, servant: str) -> tuple[Any, ...]:
    disciplines = [
        DisciplineFact(
            ref=d.decision_no,
            form=DisciplineForm(d.form),
            public_service_related=d.public_service_related,
            counted_year=d.counted_year,
            annulled=False,
            violation_ref=d.violation_ref,
        )
        for d in facts.disciplines
        if d.servant_code == servant
    ]
    leader = facts.leadership(servant).is_leader
    return fail_triggers(policy, YEAR, disciplines, [], leader).value


# --- fixtures ---------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    app: MinhBach
    first: DemoSummary
    second: DemoSummary
    facts: Facts


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = MinhBach(storage_from_url(f"sqlite:///{path}"), clock=clock)
    first = load_demo(app, YEAR)
    second = load_demo(app, YEAR)
    return Loaded(app, first, second, read_facts(app))


@pytest.fixture(scope="module")
def annual(loaded: Loaded) -> dict[str, Decimal]:
    policy = policy_in_force(date(YEAR, 1, 1))
    scores = monthly_scores(policy, loaded.facts)
    result: dict[str, Decimal] = {}
    for servant, by_period in scores.items():
        mean = mean_score(policy, sorted(by_period.items())).value
        assert mean is not None, servant
        result[servant] = mean
    return result


# --- the organisation and its year ---------------------------------------------


def test_summary_counts_what_was_loaded(loaded: Loaded) -> None:
    first, facts = loaded.first, loaded.facts
    # the demo agency, the city that manages it and the city's other departments
    assert first.agencies == 2 + len(DEPARTMENTS)
    own = len(facts.units)
    others = sum(1 for _, _, orgs in DEPARTMENTS for org in orgs if org.title is not None)
    assert first.units == own + others and own >= 4  # the board and at least 3 units
    assert first.servants == len(facts.servants) >= 40
    assert first.tasks == len(facts.tasks)
    assert first.applied == first.commands and first.replayed == 0
    assert first.events_written == loaded.app.recorder.max_notification_id()


def test_loading_twice_adds_nothing(loaded: Loaded) -> None:
    second = loaded.second
    assert second.events_written == 0
    assert second.applied == 0
    assert second.replayed == second.commands == loaded.first.commands


def test_every_unit_has_a_head_and_a_deputy(loaded: Loaded) -> None:
    facts = loaded.facts
    units = [u for u in facts.units if u != facts.board_unit]
    assert len(units) >= 3
    for unit in [*units, facts.board_unit]:
        roles = [role for u, _, role in facts.servants.values() if u == unit]
        assert roles.count(LeadershipRole.HEAD) == 1, unit
        assert roles.count(LeadershipRole.DEPUTY) >= 1, unit


def test_twelve_months_of_tasks_with_varied_quality(loaded: Loaded) -> None:
    tasks = list(loaded.facts.tasks.values())
    assert {t.period for t in tasks} == {f"{YEAR}-{m:02d}" for m in range(1, 13)}
    outcomes = [o for t in tasks for _, o in t.assessments.values()]
    assert AssessmentOutcome.FAILED in outcomes
    late = [t for t in tasks if any(on > t.deadline for _, _, on in t.submissions.values())]
    assert late
    assert any(t.progress_exempt for t in late)  # one objective cause, with its document
    assert sum(t.ad_hoc for t in tasks) == 1
    assert sum(t.holder != t.assignee for t in tasks) == 1
    assert sum(t.recorded_delays for t in tasks) == len(late)
    servants = {t.assignee for t in tasks}
    assert servants == set(loaded.facts.servants)
    for servant in servants:
        months = {t.period for t in tasks if t.assignee == servant}
        assert len(months) == 12, servant


def test_a_factor_change_keeps_old_tasks_at_their_factor(loaded: Loaded) -> None:
    factors: dict[str, set[Decimal]] = defaultdict(set)
    for task in loaded.facts.tasks.values():
        factors[task.product].add(task.factor)
    (changed,) = [product for product, found in factors.items() if len(found) > 1]
    tasks = [t for t in loaded.facts.tasks.values() if t.product == changed]
    before = {t.factor for t in tasks if t.assigned_on < date(YEAR, 7, 1)}
    since = {t.factor for t in tasks if t.assigned_on >= date(YEAR, 7, 1)}
    assert len(before) == len(since) == 1 and before != since


def test_the_commands_are_the_same_on_every_run() -> None:
    first = [(cmd, ctx, key) for cmd, ctx, key in demo_commands(YEAR)]
    assert first == list(demo_commands(YEAR))
    assert len({key for _, _, key in first}) == len(first)


def test_a_clock_inside_the_year_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    app = MinhBach(
        storage_from_url(f"sqlite:///{tmp_path / 'early.db'}"),
        clock=lambda: datetime(YEAR, 12, 1, tzinfo=UTC),
    )
    with pytest.raises(ValueError, match="clock"):
        load_demo(app, YEAR)
    assert not app.recorder.max_notification_id()


def test_one_discipline_decision_makes_its_servant_fail(
    loaded: Loaded, annual: dict[str, Decimal]
) -> None:
    policy = policy_in_force(date(YEAR, 1, 1))
    facts = loaded.facts
    assert len(facts.disciplines) == 1
    failing = [s for s in facts.servants if fail_reasons(policy, facts, s)]
    assert failing == [facts.disciplines[0].servant_code]
    assert level_for_score(policy, annual[failing[0]]) is not Level.FAIL  # FAIL by the decision


# --- the quota story ------------------------------------------------------------


def test_every_servant_has_an_annual_score_across_levels(annual: dict[str, Decimal]) -> None:
    policy = policy_in_force(date(YEAR, 1, 1))
    levels = {level_for_score(policy, score) for score in annual.values()}
    assert {Level.EXCELLENT, Level.GOOD, Level.COMPLETE} <= levels


def test_the_quota_bites(loaded: Loaded, annual: dict[str, Decimal]) -> None:
    policy = policy_in_force(date(YEAR, 1, 1))
    cases = quota_cases(policy, loaded.facts, annual)
    biting = [case for case in cases if len(case.candidates) > case.outcome.limit]
    assert biting
    for case in biting:
        moved_down = [e for e in case.outcome.entries if e.outcome is QuotaVerdict.GOOD]
        pending = [e for e in case.outcome.entries if e.outcome is QuotaVerdict.PENDING]
        assert moved_down or pending, case.peer_group


def test_exactly_one_tie_across_the_limit(loaded: Loaded, annual: dict[str, Decimal]) -> None:
    policy = policy_in_force(date(YEAR, 1, 1))
    cases = quota_cases(policy, loaded.facts, annual)
    pending = [case for case in cases if case.outcome.pending]
    assert len(pending) == 1
    tie = pending[0].outcome
    assert len(tie.tied_refs) == 2
    first, second = tie.tied_refs
    assert annual[first] == annual[second]
    assert {e.ref for e in tie.entries if e.outcome is QuotaVerdict.PENDING} == set(tie.tied_refs)
    assert loaded.first.people["civil_servant"].code in tie.tied_refs


def test_demo_people_exist_in_the_agency(loaded: Loaded) -> None:
    people = loaded.first.people
    assert {"head", "manager", "civil_servant", "hr", "inspector", "appeals_reviewer"} <= set(
        people
    )
    for key in ("head", "manager", "civil_servant", "hr", "inspector", "appeals_reviewer"):
        assert people[key].code in loaded.facts.servants, key
    head = people["head"].code
    assert loaded.facts.unit(head) == loaded.facts.board_unit
    assert loaded.facts.leadership(head) is LeadershipRole.HEAD


# --- the projection agrees with this independent computation ---------------------


def test_projected_classifications_equal_the_independent_computation(
    loaded: Loaded, annual: dict[str, Decimal]
) -> None:
    from projections.queries import standings
    from projections.runner import Projector

    policy = policy_in_force(date(YEAR, 1, 1))
    facts = loaded.facts
    projector = Projector(loaded.app)
    try:
        projector.catch_up()
        agency = next(iter(projector.state.agencies))
        with projector.engine.connect() as conn:
            rows, total = standings(conn, agency, YEAR, limit=1000)
    finally:
        projector.engine.dispose()
    assert total == len(facts.servants)
    projected = {row["servant_code"]: row for row in rows}
    assert {code: Decimal(row["annual_score"]) for code, row in projected.items()} == annual

    # Every head's organisation has its level for the year: the agency's caps the
    # director, each unit's its head (Art. 20(6)); none is left pending.
    assert set(facts.organisation_levels) == {
        None,
        *(u for u in facts.units if u != facts.board_unit),
    }
    expected: dict[str, str | None] = {}
    for case in quota_cases(policy, facts, annual):
        for entry in case.outcome.entries:
            verdict = None if entry.outcome is QuotaVerdict.PENDING else entry.outcome.value
            expected[entry.ref] = verdict
    for servant, score in annual.items():
        if fail_reasons(policy, facts, servant):
            expected[servant] = "FAIL"
        elif servant not in expected:
            capped = worse(level_for_score(policy, score), organisation_cap(facts, servant))
            expected[servant] = capped.value
    assert {code: row["proposed_level"] for code, row in projected.items()} == expected
    # Art. 10(2)(a): the director is classified by the managing agency, in its pool of heads.
    director = projected[loaded.first.people["head"].code]
    assert (director["pool_authority"], director["pool_group"]) == ("UBND-HN", "nguoi-dung-dau")
    pending = {code for code, row in projected.items() if row["status"] == "pending_tie"}
    assert len(pending) == 2
    assert all(projected[code]["tied_with"] == sorted(pending) for code in pending)


def test_a_restarted_demo_runs_on_from_its_newest_recorded_time(tmp_path: Path) -> None:
    """The demo's clock starts just after the demo year; restarted after running for
    five hours, it resumes from the log instead of going back to its start."""
    from api.bootstrap import ensure_admin
    from demo.clock import DEMO_CLOCK_AT, demo_clock, resume_demo_clock
    from domain.application import utc_now

    url = f"sqlite:///{tmp_path / 'restarted.db'}"
    first = MinhBach(
        storage_from_url(url), clock=demo_clock(started=utc_now() - timedelta(hours=5))
    )
    ensure_admin(first)  # events recorded five demo hours in
    newest = first.newest_recorded_time()
    assert newest is not None and newest > DEMO_CLOCK_AT + timedelta(hours=4)
    first.close()
    restarted = MinhBach(storage_from_url(url))
    resume_demo_clock(restarted)
    assert restarted.clock() >= newest
    assert demo_clock()() < newest  # what a fresh demo clock would have said
    restarted.close()


def test_evidence_for_the_director_and_the_tied_servant_recomputes_offline(
    loaded: Loaded,
) -> None:
    """The director's d counts everyone through the unit heads' d, and the tied
    servant's quota ranks the whole peer group: their bundles carry those events
    and recompute to the same classification with no database."""
    import json

    from projections.bundle import make_bundle, verify_bundle
    from projections.ledger import Ledger
    from projections.signing import generate

    key = generate()
    ledger = Ledger(loaded.app, signer=key)
    ledger.catch_up()
    for who in ("head", "civil_servant"):
        code = loaded.first.people[who].code
        bundle = json.loads(json.dumps(make_bundle(loaded.app, ledger, code, YEAR)))
        report = verify_bundle(bundle, key.public)
        assert report.valid, (who, report.problems[:3])
        assert report.events > len(bundle["explanation"]["inputs"])
    ledger.engine.dispose()
