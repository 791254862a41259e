"""The lenient unit of the demo: its people, its year and its evaluations, drawn
from ``random.Random(LENIENT_SEED)`` so the rest of the demo draws what it always did.

Its head accepts every result at the first assessment, excuses most delays by an
objective cause and confirms every self-score — full marks — unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from demo.agency import (
    AGENCY,
    DD_FULL,
    E_FULL,
    HALF,
    LENIENT_EXCUSE,
    LENIENT_EXCUSE_RATE,
    LENIENT_LATE_RATE,
    LENIENT_ROSTER,
    LENIENT_UNIT,
    TASKS_PER_MONTH,
    TASKS_PER_MONTH_WEIGHTS,
)
from demo.plan import (
    Exemption,
    Month,
    Result,
    TaskPlan,
    _criteria_total,
    draw_task,
    month_code,
    working_days,
)
from demo.roster import Roster, Servant, _full_name
from domain import commands as c
from domain.actors import CommandContext
from domain.commands import Command
from domain.values import AssessmentOutcome, ExemptionScope

FULL_MARKS = {"I.1": Decimal(5), "I.2": Decimal(5)} | {
    f"{g}.{n}": Decimal("2.5") for g in ("II", "III") for n in range(1, 5)
}


def with_lenient_unit(rng: random.Random, roster: Roster) -> Roster:
    """The roster and the lenient unit's people after it (codes 046 on)."""
    servants = list(roster.servants)
    taken = {s.full_name for s in servants}
    for position, profile in LENIENT_ROSTER:
        code = f"{AGENCY}-{len(servants) + 1:03d}"
        employed_from = date(rng.randint(2005, 2020), rng.randint(1, 12), 1)
        name = _full_name(rng, taken)
        servants.append(Servant(code, name, LENIENT_UNIT, position, profile, employed_from))
    return Roster(tuple(servants))


def plan_lenient_year(rng: random.Random, roster: Roster, year: int) -> list[Month]:
    """Each month's tasks and criteria totals of the lenient unit."""
    months = []
    for number in range(1, 13):
        month = Month(number)
        for servant in roster.in_unit(LENIENT_UNIT):
            count = rng.choices(TASKS_PER_MONTH, TASKS_PER_MONTH_WEIGHTS)[0]
            month.tasks.extend(_task(rng, servant, year, number, n) for n in range(1, count + 1))
            month.criteria[servant.code] = _criteria_total(rng, servant.profile)
        months.append(month)
    return months


def _task(rng: random.Random, servant: Servant, year: int, month: int, number: int) -> TaskPlan:
    drawn = draw_task(rng, servant, year, month)
    deadline = drawn.deadline
    exemption = None
    if rng.random() < LENIENT_LATE_RATE:
        on = working_days(deadline + timedelta(days=1), deadline + timedelta(days=7))[
            rng.randint(0, 2)
        ]
        if rng.random() < LENIENT_EXCUSE_RATE:
            exemption = Exemption(ExemptionScope.PROGRESS, *LENIENT_EXCUSE)
    else:
        on = rng.choice(working_days(drawn.assigned_on + timedelta(days=2), deadline))
    # Accepted at the first assessment, whatever the result.
    result = Result(servant.code, drawn.completed, on, AssessmentOutcome.ACCEPTED)
    return drawn.plan(servant, year, month, number, (result,), exemption)


def lenient_evaluations(
    rng: random.Random, roster: Roster, month: Month, year: int
) -> Iterator[tuple[Command, CommandContext]]:
    """Self-scores and the evaluator's scores: the head confirms full marks unchanged;
    the head's own scores come from the director, as for every unit head."""
    period = month_code(year, month.number)
    for s in roster.in_unit(LENIENT_UNIT):
        evaluator = roster.evaluator(s)
        if s.profile.criteria[0] == sum(FULL_MARKS.values()):
            own = confirmed = dict(FULL_MARKS)
        else:
            total = month.criteria[s.code]
            own = _spread(rng, min(Decimal(30), total + HALF * rng.randint(0, 3)))
            confirmed = _spread(rng, total)
        yield c.SelfScoreCriteria(servant=s.code, period=period, scores=own), s.own
        yield c.ScoreCriteria(servant=s.code, period=period, scores=confirmed), evaluator
        if s.leadership.is_leader:
            for component, reason in (("dd", DD_FULL), ("e", E_FULL)):
                yield (
                    c.ScoreLeaderComponent(
                        servant=s.code,
                        period=period,
                        component=component,
                        value=Decimal(1),
                        reason=reason,
                    ),
                    evaluator,
                )


def _spread(rng: random.Random, total: Decimal) -> dict[str, Decimal]:
    from demo.commands import _criteria_scores

    return _criteria_scores(rng, total)
