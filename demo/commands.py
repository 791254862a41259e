"""The demo year as commands, in the order they happened, each with its context
(actor, role, source document) and a stable idempotency key.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from demo.agency import (
    ADMIN,
    AGENCY,
    AGENCY_TITLE,
    BOARD,
    CATALOGUE,
    CATALOGUE_DECISION,
    DD_FULL,
    DD_HALF,
    DISCIPLINE,
    E_FULL,
    FACTOR_CHANGE,
    GOOD,
    HALF,
    LENIENT_SEED,
    MANAGING_AGENCY,
    SEED,
    SICK_LEAVE,
    UNITS,
)
from demo.lenient import lenient_evaluations, plan_lenient_year, with_lenient_unit
from demo.organisations import organisation_commands
from demo.plan import Month, TaskPlan, month_code, plan_year
from demo.roster import Roster, build_roster
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.commands import Command
from domain.values import (
    DisciplineForm,
    LeaveKind,
)

# The lenient unit's generator, everyone (the roster and that unit) and its months.
Lenient = tuple[random.Random, Roster, list[Month]]

# --- commands ---------------------------------------------------------------


def _setup_commands(roster: Roster, year: int) -> Iterator[tuple[Command, CommandContext]]:
    yield (
        c.RegisterAgency(code=AGENCY, title=AGENCY_TITLE, managing_agency=MANAGING_AGENCY),
        (CommandContext(ADMIN, "QĐ 1532/QĐ-UBND")),
    )
    hr = CommandContext(Actor(roster.hr().code, Role.HR))
    for unit, title in UNITS:
        yield c.OpenUnit(agency=AGENCY, unit=unit, title=title, is_leadership=unit == BOARD), hr
    for s in roster.servants:
        yield (
            c.RegisterServant(
                code=s.code,
                full_name=s.full_name,
                agency=AGENCY,
                unit=s.unit,
                position=s.position,
                peer_group=s.peer_group,
                leadership=s.leadership,
                employed_from=s.employed_from,
            ),
            hr,
        )
    approved = CommandContext(hr.actor, CATALOGUE_DECISION)
    for p in CATALOGUE:
        yield (
            c.AddProduct(
                agency=AGENCY,
                product=p.code,
                title=p.title,
                position=p.position,
                complexity_group=p.group,
                factor=p.factor,
                effective_from=date(year, 1, 1),
            ),
            approved,
        )
    product, factor, month, document = FACTOR_CHANGE
    yield (
        c.ChangeFactor(
            agency=AGENCY, product=product, factor=factor, effective_from=date(year, month, 1)
        ),
        CommandContext(hr.actor, document),
    )


def _assign_command(roster: Roster, task: TaskPlan) -> tuple[Command, CommandContext]:
    return c.AssignTask(
        task=task.code,
        servant=task.servant,
        product=task.product,
        quantity=task.quantity,
        period=task.period,
        assigned_on=task.assigned_on,
        deadline=task.deadline,
        ad_hoc=task.ad_hoc,
        title=task.title,
    ), roster.evaluator(roster.get(task.servant))


def _result_commands(roster: Roster, task: TaskPlan) -> Iterator[tuple[Command, CommandContext]]:
    """Reassignment, results and assessments, delay and exemption of one task."""
    evaluator = roster.evaluator(roster.get(task.servant))
    if task.reassignment is not None:
        r = task.reassignment
        yield (
            c.ReassignTask(
                task=task.code,
                to_servant=r.to,
                on=r.on,
                reason=r.reason,
                cause="cannot_complete",  # she reported the sick leave (Art. 18(1)(d))
                report_ref=f"DON-NGHI-OM-{task.code}",
            ),
            evaluator,
        )
    for result in task.results:
        yield (
            c.SubmitResult(
                task=task.code,
                completed_quantity=result.quantity,
                completed_on=result.on,
                note=result.note,
            ),
            roster.get(result.by).own,
        )
        yield (
            c.AssessResult(task=task.code, outcome=result.outcome, note=result.assessment_note),
            evaluator,
        )
    if task.late:
        days = (task.results[-1].on - task.deadline).days
        reason = f"Nộp kết quả chậm {days} ngày so với thời hạn"
        yield c.RecordDelay(task=task.code, reason=reason), evaluator
    if task.exemption is not None:
        e = task.exemption
        yield (
            c.ConfirmObjectiveCause(task=task.code, scope=e.scope, reason=e.reason),
            (CommandContext(evaluator.actor, e.document)),
        )


def _criteria_scores(rng: random.Random, total: Decimal) -> dict[str, Decimal]:
    """Spread ``30 − total`` in half points over the sub-criteria, most on III (innovation)."""
    maxima = {"I.1": Decimal(5), "I.2": Decimal(5)}
    maxima |= {f"{g}.{n}": Decimal("2.5") for g in ("II", "III") for n in range(1, 5)}
    weights = {
        code: 3 if code.startswith("III") else 2 if code.startswith("II") else 1 for code in maxima
    }
    scores = dict(maxima)
    for _ in range(int((sum(maxima.values()) - total) / HALF)):
        open_codes = [code for code in scores if scores[code] > 0]
        code = rng.choices(open_codes, [weights[k] for k in open_codes])[0]
        scores[code] -= HALF
    return scores


def _evaluation_commands(
    rng: random.Random, roster: Roster, month: Month, year: int
) -> Iterator[tuple[Command, CommandContext]]:
    period = month_code(year, month.number)
    for s in roster.servants:
        total = month.criteria[s.code]
        own_total = min(Decimal(30), total + HALF * rng.randint(0, 3))  # self-scores run high
        yield (
            c.SelfScoreCriteria(
                servant=s.code, period=period, scores=_criteria_scores(rng, own_total)
            ),
            s.own,
        )
        evaluator = roster.evaluator(s)
        yield (
            c.ScoreCriteria(servant=s.code, period=period, scores=_criteria_scores(rng, total)),
            evaluator,
        )
        if s.leadership.is_leader:
            dd_half = s.code in month.dd_half
            yield (
                c.ScoreLeaderComponent(
                    servant=s.code,
                    period=period,
                    component="dd",
                    value=HALF if dd_half else Decimal(1),
                    reason=DD_HALF if dd_half else DD_FULL,
                ),
                evaluator,
            )
            yield (
                c.ScoreLeaderComponent(
                    servant=s.code, period=period, component="e", value=Decimal(1), reason=E_FULL
                ),
                evaluator,
            )


def _month_commands(
    rng: random.Random, roster: Roster, month: Month, year: int, lenient: Lenient
) -> Iterator[tuple[Command, CommandContext]]:
    if month.number == SICK_LEAVE[0]:
        absent = roster.pick("CCHC", "chuyen-vien", GOOD, 0)
        _, first, last = SICK_LEAVE
        yield (
            c.RecordLeave(
                servant=absent.code,
                kind=LeaveKind.SICK,
                start=date(year, month.number, first),
                end=date(year, month.number, last),
            ),
            CommandContext(Actor(roster.hr().code, Role.HR), "Giấy ra viện 1187/GRV-BVBM"),
        )
    # Assignments first, then results in the order they came in, then the monthly forms.
    other_rng, everyone, lenient_months = lenient
    lenient_month = lenient_months[month.number - 1]
    tasks = month.tasks + lenient_month.tasks
    for task in tasks:
        yield _assign_command(everyone, task)
    for task in sorted(tasks, key=lambda t: (t.first_result_on, t.code)):
        yield from _result_commands(everyone, task)
    if month.number == DISCIPLINE[1]:
        yield from _discipline_commands(roster, year)
    yield from _evaluation_commands(rng, roster, month, year)
    yield from lenient_evaluations(other_rng, everyone, lenient_month, year)


def _discipline_commands(roster: Roster, year: int) -> Iterator[tuple[Command, CommandContext]]:
    """A reprimand for losing incoming files: the clerk is FAIL for the year (Art. 20(4))."""
    decision_no, month, day = DISCIPLINE
    clerk = roster.pick("VP", "can-su", GOOD, 0)
    yield (
        c.RecordDiscipline(
            decision_no=decision_no,
            servant=clerk.code,
            form=DisciplineForm.REPRIMAND,
            public_service_related=True,
            violation_ref="Biên bản 31/BB-VP",
            decided_on=date(year, month, day),
            counted_year=year,
        ),
        CommandContext(Actor(roster.hr().code, Role.HR), decision_no),
    )


def demo_commands(year: int = 2026) -> Iterator[tuple[Command, CommandContext, str]]:
    """Every command of the demo in order, with its context (actor, role, source
    document) and a stable idempotency key."""
    rng = random.Random(SEED)
    roster = build_roster(rng)
    months = plan_year(rng, roster, year)
    # The lenient unit draws from its own seed: the rest of the year is what it always was.
    other_rng = random.Random(LENIENT_SEED)
    everyone = with_lenient_unit(other_rng, roster)
    lenient: Lenient = (other_rng, everyone, plan_lenient_year(other_rng, everyone, year))

    def stream() -> Iterator[tuple[Command, CommandContext]]:
        yield from _setup_commands(everyone, year)
        for month in months:
            yield from _month_commands(rng, roster, month, year, lenient)
        # The organisations' levels, rated under Chapter II (Art. 20(6) caps the heads).
        yield from organisation_commands(year)

    for number, (command, ctx) in enumerate(stream(), start=1):
        yield command, ctx, f"demo:{AGENCY}:{year}:{number:05d}:{command.name}"
