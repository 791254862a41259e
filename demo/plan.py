"""The plan of the demo year: each month's tasks, results, criteria totals and the
one-off cases, drawn from ``random.Random(SEED)`` so every run plans the same year.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from demo.agency import (
    ACCEPTED_NOTE,
    AD_HOC_MONTH,
    CATALOGUE,
    DD_HALF_MONTH,
    EXEMPTION_MONTH,
    FAILED_NOTES,
    FAILURE_RATE,
    FIXED_HOLIDAYS,
    GOOD,
    HALF,
    LATE_NOTE,
    LATE_RATE,
    PRODUCTS_BY_PEER_GROUP,
    QUANTITY_BY_GROUP,
    RESUBMIT_NOTE,
    SICK_LEAVE,
    TASKS_PER_MONTH,
    TASKS_PER_MONTH_WEIGHTS,
    TIED,
    Product,
    Profile,
)
from demo.roster import Roster, Servant
from domain.values import (
    AssessmentOutcome,
    ExemptionScope,
)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def working_days(start: date, end: date) -> list[date]:
    """Working days from ``start`` to ``end``, both included."""
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if is_working_day(day)]


def month_code(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


# --- the plan of one task ---------------------------------------------------


@dataclass(frozen=True)
class Result:
    by: str  # the servant who submits
    quantity: Decimal
    on: date
    outcome: AssessmentOutcome
    note: str = ""
    assessment_note: str = ACCEPTED_NOTE


@dataclass(frozen=True)
class Reassignment:
    to: str
    on: date
    reason: str


@dataclass(frozen=True)
class Exemption:
    scope: ExemptionScope
    reason: str
    document: str


@dataclass(frozen=True)
class TaskPlan:
    code: str
    servant: str
    product: str
    quantity: Decimal
    period: str
    assigned_on: date
    deadline: date
    title: str
    results: tuple[Result, ...]
    ad_hoc: bool = False
    reassignment: Reassignment | None = None
    exemption: Exemption | None = None

    @property
    def late(self) -> bool:
        return self.results[-1].on > self.deadline

    @property
    def first_result_on(self) -> date:
        return self.results[0].on


@dataclass
class Month:
    """Everything planned for one month: tasks, criteria totals, leader components."""

    number: int
    tasks: list[TaskPlan] = field(default_factory=list)
    criteria: dict[str, Decimal] = field(default_factory=dict)  # servant → evaluator's total
    dd_half: set[str] = field(default_factory=set)  # leaders whose đ is 50% this month


def _quantity(rng: random.Random, product: Product, profile: Profile) -> int:
    low, high = QUANTITY_BY_GROUP[product.group]
    quantity = rng.randint(low, high)
    # The weak profile finishes ⌊3q/4⌋ of q, so q ≥ 4 keeps every result positive.
    return max(quantity, 4) if profile.partial else quantity


def _completed(quantity: int, profile: Profile) -> Decimal:
    return Decimal(quantity * 3 // 4) if profile.partial else Decimal(quantity)


def _on_time_results(
    rng: random.Random, servant: Servant, quantity: Decimal, start: date, deadline: date
) -> tuple[Result, ...]:
    if servant.profile.incidents and rng.random() < FAILURE_RATE:
        first = rng.choice(working_days(start + timedelta(days=2), deadline - timedelta(days=3)))
        second = rng.choice(working_days(first + timedelta(days=1), deadline))
        return (
            Result(
                servant.code,
                quantity,
                first,
                AssessmentOutcome.FAILED,
                assessment_note=rng.choice(FAILED_NOTES),
            ),
            Result(servant.code, quantity, second, AssessmentOutcome.ACCEPTED, RESUBMIT_NOTE),
        )
    done = rng.choice(working_days(start + timedelta(days=2), deadline))
    return (Result(servant.code, quantity, done, AssessmentOutcome.ACCEPTED),)


def _late_result(rng: random.Random, servant: Servant, quantity: Decimal, deadline: date) -> Result:
    """One to three calendar days late, landing on a working day."""
    options = [deadline + timedelta(days=n) for n in (1, 2, 3)]
    late = [day for day in options if is_working_day(day)] or options[-1:]
    return Result(servant.code, quantity, rng.choice(late), AssessmentOutcome.ACCEPTED, LATE_NOTE)


@dataclass(frozen=True)
class TaskDraw:
    """A month's task as drawn: what, how much, when, and the quantity completed."""

    product: Product
    quantity: int
    assigned_on: date
    deadline: date
    completed: Decimal

    def plan(
        self,
        servant: Servant,
        year: int,
        month: int,
        number: int,
        results: tuple[Result, ...],
        exemption: Exemption | None = None,
    ) -> TaskPlan:
        return TaskPlan(
            code=f"{servant.code}/{month_code(year, month)}/{number}",
            servant=servant.code,
            product=self.product.code,
            quantity=Decimal(self.quantity),
            period=month_code(year, month),
            assigned_on=self.assigned_on,
            deadline=self.deadline,
            title=f"{self.product.title} (tháng {month}/{year})",
            results=results,
            exemption=exemption,
        )


def draw_task(rng: random.Random, servant: Servant, year: int, month: int) -> TaskDraw:
    product = _product(rng.choice(PRODUCTS_BY_PEER_GROUP[servant.peer_group]))
    quantity = _quantity(rng, product, servant.profile)
    days = working_days(date(year, month, 1), date(year, month, 25))
    assigned_on = days[rng.randint(0, 3)]
    deadline = rng.choice([d for d in days if d >= assigned_on + timedelta(days=7)])
    return TaskDraw(product, quantity, assigned_on, deadline, _completed(quantity, servant.profile))


def _plan_task(
    rng: random.Random, servant: Servant, year: int, month: int, number: int
) -> TaskPlan:
    drawn = draw_task(rng, servant, year, month)
    if servant.profile.incidents and rng.random() < LATE_RATE:
        results: tuple[Result, ...] = (_late_result(rng, servant, drawn.completed, drawn.deadline),)
    else:
        results = _on_time_results(rng, servant, drawn.completed, drawn.assigned_on, drawn.deadline)
    return drawn.plan(servant, year, month, number, results)


def _product(code: str) -> Product:
    return next(p for p in CATALOGUE if p.code == code)


def _criteria_total(rng: random.Random, profile: Profile) -> Decimal:
    low, high = profile.criteria
    steps = int((high - low) / HALF)
    return low + HALF * rng.randint(0, steps)


def _tied_totals(rng: random.Random) -> tuple[list[Decimal], list[Decimal]]:
    """Two sequences of monthly totals with the same values in a different order."""
    totals = [_criteria_total(rng, TIED) for _ in range(12)]
    return totals, totals[5:] + totals[:5]


def plan_year(rng: random.Random, roster: Roster, year: int) -> list[Month]:
    tied = [s.code for s in roster.servants if s.profile is TIED]
    tied_totals = dict(zip(tied, _tied_totals(rng), strict=True))
    months: list[Month] = []
    for number in range(1, 13):
        month = Month(number)
        for servant in roster.servants:
            count = rng.choices(TASKS_PER_MONTH, TASKS_PER_MONTH_WEIGHTS)[0]
            month.tasks.extend(
                _plan_task(rng, servant, year, number, n) for n in range(1, count + 1)
            )
            month.criteria[servant.code] = (
                tied_totals[servant.code][number - 1]
                if servant.code in tied_totals
                else _criteria_total(rng, servant.profile)
            )
        months.append(month)
    _add_special_cases(roster, months, year)
    return months


def _replace_first_task(month: Month, servant: str, change: TaskPlan) -> None:
    index = next(i for i, t in enumerate(month.tasks) if t.servant == servant)
    month.tasks[index] = change


def _first_task(month: Month, servant: str) -> TaskPlan:
    return next(t for t in month.tasks if t.servant == servant)


def _add_special_cases(roster: Roster, months: list[Month], year: int) -> None:
    _reassign_during_leave(roster, months[SICK_LEAVE[0] - 1], year)
    _add_ad_hoc_task(roster, months[AD_HOC_MONTH - 1], year)
    _excuse_late_result(roster, months[EXEMPTION_MONTH - 1])
    months[DD_HALF_MONTH - 1].dd_half.add(roster.pick("TTR", "pho-chanh-thanh-tra", GOOD).code)


def _reassign_during_leave(roster: Roster, month: Month, year: int) -> None:
    """Her first task goes to a colleague; her other tasks wait until she is back."""
    month_no, first_day, last_day = SICK_LEAVE
    absent = roster.pick("CCHC", "chuyen-vien", GOOD, 0)
    taker = roster.pick("CCHC", "chuyen-vien", GOOD, 1)
    leave_start, leave_end = date(year, month_no, first_day), date(year, month_no, last_day)
    back = working_days(leave_end + timedelta(days=1), leave_end + timedelta(days=7))
    reason = f"{absent.full_name} nghỉ ốm từ {first_day}/{month_no} đến {last_day}/{month_no}"
    own = [i for i, t in enumerate(month.tasks) if t.servant == absent.code]
    for n, index in enumerate(own):
        task = month.tasks[index]
        if n == 0:
            done = Result(taker.code, task.quantity, leave_end, AssessmentOutcome.ACCEPTED)
            month.tasks[index] = replace(
                task,
                assigned_on=working_days(date(year, month_no, 1), leave_start)[0],
                deadline=leave_end,
                results=(done,),
                reassignment=Reassignment(taker.code, leave_start, reason),
            )
        else:
            done = Result(absent.code, task.quantity, back[3], AssessmentOutcome.ACCEPTED)
            month.tasks[index] = replace(
                task, assigned_on=back[0], deadline=back[4], results=(done,)
            )


def _add_ad_hoc_task(roster: Roster, month: Month, year: int) -> None:
    servant = roster.pick("TCBC", "chuyen-vien", GOOD, 0)
    m = month.number
    days = working_days(date(year, m, 10), date(year, m, 25))  # mid-month, 4 days to do it
    month.tasks.append(
        TaskPlan(
            code=f"{servant.code}/{month_code(year, m)}/dot-xuat",
            servant=servant.code,
            product="SP12",
            quantity=Decimal(1),
            period=month_code(year, m),
            assigned_on=days[0],
            deadline=days[4],
            title="Báo cáo đột xuất về kết quả sắp xếp đơn vị hành chính cấp xã",
            results=(Result(servant.code, Decimal(1), days[3], AssessmentOutcome.ACCEPTED),),
            ad_hoc=True,
        )
    )


def _excuse_late_result(roster: Roster, month: Month) -> None:
    servant = roster.pick("VP", "chuyen-vien", GOOD, 0)
    task = _first_task(month, servant.code)
    late_on = working_days(task.deadline + timedelta(days=1), task.deadline + timedelta(days=7))[0]
    note = "Hệ thống quản lý văn bản và điều hành bị gián đoạn"
    late = Result(servant.code, task.quantity, late_on, AssessmentOutcome.ACCEPTED, note)
    exemption = Exemption(
        ExemptionScope.PROGRESS,
        "Hệ thống quản lý văn bản và điều hành của thành phố gặp sự cố kỹ thuật, "
        "không thể phát hành văn bản đúng hạn",
        "Biên bản 07/BB-VP",
    )
    _replace_first_task(month, servant.code, replace(task, results=(late,), exemption=exemption))
