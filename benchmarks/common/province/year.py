"""The province's year, month by month: tasks assigned, results submitted and
assessed, leaves and transfers, discipline, the monthly scores, and at year end
the agencies' organisation levels, a quota ratio and a competent conclusion."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from benchmarks.common.province.organisation import Organisation
from benchmarks.common.province.records import (
    History,
    Person,
    Saver,
    Size,
    at,
    criteria_scores,
    criteria_total,
    pick,
    working_days,
)
from benchmarks.common.province.shape import (
    AD_HOC_RATE,
    AUTHORITY,
    DD_HALF_RATE,
    DISCIPLINE_PER_AGENCY,
    FAILURE_RATE,
    GROUP_OF,
    HALF,
    LATE_RATE,
    LEAVE_RATE,
    PRODUCTS_BY_PEER_GROUP,
    QUANTITY_BY_GROUP,
    SEED,
    TASKS_PER_MONTH,
    TRANSFER_RATE,
    YEAR,
)
from domain.actors import CommandContext
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.discipline import AuthorityConclusion, DisciplineDecision, conclusion_id, discipline_id
from domain.evaluation import PeriodEvaluation, evaluation_id
from domain.servant import CivilServant
from domain.task import Task, task_id
from domain.values import LeadershipRole


class Province:
    """Builds one year of a province with the domain's event classes."""

    def __init__(self, app: MinhBach, size: Size, seed: int, year: int, batch: int) -> None:
        self.app, self.size, self.year = app, size, year
        self.rng = random.Random(seed)
        self.history = History(year, [], [])
        self.saver = Saver(app, batch, self.history.topics)
        self.org = Organisation(self.rng, size, year, self.saver, self.history)
        self.decisions = 0

    def generate(self, years: int = 1) -> History:
        """The organisation from the first year on, then ``years`` years of it."""
        jan1 = date(self.year, 1, 1)
        for number in range(self.size.agencies):
            self.org.organise(number, jan1)
        self.saver.flush()
        for year in range(self.year, self.year + years):
            self.year = year
            leaves = self.plan_leaves()
            transfers = self.plan_transfers()
            disciplines = self.plan_disciplines()
            for month in range(1, 13):
                self.month(month, leaves, transfers, disciplines)
            self.year_end()
            self.saver.flush()
        self.history.events = self.app.recorder.max_notification_id() or 0
        return self.history

    # -- the year's one-off facts, planned up front --

    def plan_leaves(self) -> dict[int, list[Person]]:
        plan: dict[int, list[Person]] = {}
        for person in self.org.people:
            if self.rng.random() < LEAVE_RATE:
                plan.setdefault(self.rng.randint(1, 12), []).append(person)
        return plan

    def plan_transfers(self) -> dict[int, list[Person]]:
        plan: dict[int, list[Person]] = {}
        for person in self.org.people:
            movable = (
                person.leadership is LeadershipRole.STAFF and len(self.org.units[person.agency]) > 1
            )
            if movable and self.rng.random() < TRANSFER_RATE:
                plan.setdefault(self.rng.randint(2, 12), []).append(person)
        return plan

    def plan_disciplines(self) -> dict[int, list[Person]]:
        plan: dict[int, list[Person]] = {}
        for agency in self.history.agencies:
            staff = [
                p for p in self.org.people if p.agency == agency and not p.leadership.is_leader
            ]
            for person in self.rng.sample(staff, min(DISCIPLINE_PER_AGENCY, len(staff))):
                plan.setdefault(self.rng.randint(2, 11), []).append(person)
        return plan

    # -- one month --

    def month(
        self,
        month: int,
        leaves: dict[int, list[Person]],
        transfers: dict[int, list[Person]],
        disciplines: dict[int, list[Person]],
    ) -> None:
        rng, year = self.rng, self.year
        first = date(year, month, 1)
        period = f"{year}-{month:02d}"
        for person in transfers.get(month, []):
            units = [u for u in self.org.units[person.agency] if u != person.unit]
            person.unit = rng.choice(units)
            person.aggregate.record(
                CivilServant.Placed,
                CommandContext(self.org.hr(person).actor, f"QĐ điều động {person.code}"),
                at(first - timedelta(days=3)),
                effective=first,
                agency_code=person.agency,
                unit_code=person.unit,
                position=person.position,
                peer_group=person.peer_group,
                leadership=person.leadership.value,
            )
            self.saver.add(person.aggregate)
        for person in leaves.get(month, []):
            start = date(year, month, rng.randint(3, 12))
            person.aggregate.record(
                CivilServant.LeaveRecorded,
                CommandContext(self.org.hr(person).actor, f"Giấy ra viện {rng.randint(100, 9999)}"),
                at(start + timedelta(days=10)),
                kind="sick",
                start=start,
                end=start + timedelta(days=rng.randint(3, 10)),
            )
            self.saver.add(person.aggregate)
        self.saver.flush()
        # Assignments in the first days of the month.
        days = working_days(first, date(year, month, 25))
        tasks: list[tuple[Task, Person, date, list[tuple[date, str]]]] = []
        for person in self.org.people:
            evaluator = self.org.evaluator(person)
            count = pick(rng, TASKS_PER_MONTH)
            for n in range(1, count + 1):
                tasks.append(self.assign(person, evaluator, period, n, days, ad_hoc=False))
            if rng.random() < AD_HOC_RATE:
                tasks.append(self.assign(person, evaluator, period, 9, days[8:], ad_hoc=True))
        self.saver.flush()
        # Results and assessments in the order they came in.
        steps = sorted(
            ((day, n, step) for n, (_, _, _, plan) in enumerate(tasks) for day, step in plan),
            key=lambda item: (item[0], item[1]),
        )
        for day, n, step in steps:
            task, person, deadline, _ = tasks[n]
            evaluator = self.org.evaluator(person)
            if step in ("accepted", "failed"):
                number = len(task.submissions) + 1
                quantity = task.quantity
                if person.profile.partial:
                    quantity = Decimal(int(quantity) * 3 // 4) or Decimal(1)
                task.record(
                    Task.ResultSubmitted,
                    person.own,
                    at(day, 10),
                    submission=number,
                    servant_code=person.code,
                    completed_quantity=quantity,
                    completed_on=day,
                    note="Đã chỉnh sửa theo ý kiến của lãnh đạo" if number > 1 else "",
                    attachment_name=None,  # no document attached
                    attachment_sha256=None,
                    attachment_size=None,
                )
                task.record(
                    Task.Assessed,
                    evaluator,
                    at(day + timedelta(days=1), 9),
                    assessment=len(task.assessments) + 1,
                    submission=number,
                    outcome=step,
                    note="Đạt yêu cầu" if step == "accepted" else "Số liệu chưa khớp",
                )
                if step == "accepted" and day > deadline:
                    task.record(
                        Task.DelayRecorded,
                        evaluator,
                        at(day + timedelta(days=1), 9),
                        reason=f"Nộp kết quả chậm {(day - deadline).days} ngày so với thời hạn",
                    )
            self.saver.add(task)
        self.saver.flush()
        for person in disciplines.get(month, []):
            self.discipline(person, month)
        self.saver.flush()
        self.evaluate(period, first)
        self.saver.flush()

    def assign(
        self,
        person: Person,
        evaluator: CommandContext,
        period: str,
        n: int,
        days: list[date],
        ad_hoc: bool,
    ) -> tuple[Task, Person, date, list[tuple[date, str]]]:
        rng = self.rng
        product = "SP12" if ad_hoc else rng.choice(PRODUCTS_BY_PEER_GROUP[person.peer_group])
        low, high = QUANTITY_BY_GROUP[GROUP_OF[product]]
        quantity = rng.randint(low, high)
        if person.profile.partial:
            quantity = max(quantity, 4)
        assigned_on = days[rng.randint(0, 3)]
        deadline = rng.choice([d for d in days if d >= assigned_on + timedelta(days=7)])
        factors = self.org.factors[person.agency][product]
        factor = [f for since, f in factors if since <= assigned_on][-1]
        code = f"{person.code}/{period}/{n}"
        task = Task.start(
            Task.Assigned,
            task_id(code),
            evaluator,
            at(assigned_on, 8),
            code=code,
            agency_code=person.agency,
            servant_code=person.code,
            product_code=product,
            factor=factor,
            quantity=Decimal(quantity),
            period=period,
            assigned_on=assigned_on,
            deadline=deadline,
            ad_hoc=ad_hoc,
            title=f"Nhiệm vụ {n} tháng {period}",
        )
        self.saver.add(task)
        # The plan of its results: (day, outcome), in order.
        window = working_days(assigned_on + timedelta(days=2), deadline)
        plan: list[tuple[date, str]]
        roll = rng.random()
        if person.profile.incidents and roll < FAILURE_RATE and len(window) > 3:
            first = rng.choice(window[:-2])
            second = rng.choice([d for d in window if d > first + timedelta(days=1)] or window[-1:])
            plan = [(first, "failed"), (second, "accepted")]
        elif person.profile.incidents and roll < FAILURE_RATE + LATE_RATE:
            plan = [(deadline + timedelta(days=rng.randint(1, 3)), "accepted")]
        else:
            plan = [(rng.choice(window), "accepted")]
        return task, person, deadline, plan

    def discipline(self, person: Person, month: int) -> None:
        rng = self.rng
        self.decisions += 1
        decision_no = f"QĐ {100 + self.decisions}/QĐ-KL-{person.agency}"
        decided_on = date(self.year, month, rng.randint(5, 20))
        decision = DisciplineDecision.start(
            DisciplineDecision.Recorded,
            discipline_id(decision_no),
            CommandContext(self.org.hr(person).actor, decision_no),
            at(decided_on),
            decision_no=decision_no,
            servant_code=person.code,
            form="reprimand",
            public_service_related=True,
            violation_ref=f"Biên bản {rng.randint(1, 99)}/BB-{person.agency}",
            decided_on=decided_on,
            counted_year=self.year,
            agency_code=person.agency,
            related_decision=None,
            violation_agency=None,
            violation_on=None,
        )
        if person.agency == self.history.agencies[0]:  # annulled on appeal
            decision.record(
                DisciplineDecision.Annulled,
                CommandContext(AUTHORITY.actor, f"QĐ giải quyết khiếu nại {decision_no}"),
                at(decided_on + timedelta(days=20)),
                reason="Kết luận lại: không đủ căn cứ",
                appeal_ref=f"Đơn khiếu nại {rng.randint(1, 99)}",
            )
        self.saver.add(decision)

    def evaluate(self, period: str, first: date) -> None:
        """Self-scores, the evaluator's scores, and đ / e for the leaders."""
        rng = self.rng
        closing = at(first.replace(day=28))
        for person in self.org.people:
            total = criteria_total(rng, person.profile)
            own_total = min(Decimal(30), total + HALF * rng.randint(0, 3))
            evaluation = PeriodEvaluation.start(
                PeriodEvaluation.Opened,
                evaluation_id(person.code, period),
                person.own,
                closing,
                servant_code=person.code,
                period=period,
            )
            evaluation.record(
                PeriodEvaluation.CriteriaSelfScored,
                person.own,
                closing,
                scores=criteria_scores(rng, own_total),
                replaces_all=False,
            )
            evaluator = self.org.evaluator(person)
            evaluation.record(
                PeriodEvaluation.CriteriaScored,
                evaluator,
                closing,
                scores=criteria_scores(rng, total),
                replaces_all=False,
            )
            if person.leadership.is_leader:
                half = rng.random() < DD_HALF_RATE
                evaluation.record(
                    PeriodEvaluation.LeaderComponentScored,
                    evaluator,
                    closing,
                    component="dd",
                    value=HALF if half else Decimal(1),
                    reason="Chậm triển khai kế hoạch" if half else "Hoàn thành kế hoạch",
                )
                evaluation.record(
                    PeriodEvaluation.LeaderComponentScored,
                    evaluator,
                    closing,
                    component="e",
                    value=Decimal(1),
                    reason="Nội bộ đoàn kết",
                )
            self.saver.add(evaluation)

    def year_end(self) -> None:
        rng, year = self.rng, self.year
        when = at(date(year, 12, 30))
        for n, code in enumerate(self.history.agencies):
            agency = self.app.load(Agency, agency_id(code), code)
            agency.record(
                Agency.OrganisationLevelDecided,
                CommandContext(AUTHORITY.actor, f"QĐ {300 + n}/QĐ-UBND"),
                when,
                year=year,
                unit_code=None,
                level=rng.choice(("EXCELLENT", "GOOD", "GOOD")),
            )
            if n == 0:
                agency.record(
                    Agency.QuotaRatioGranted,
                    CommandContext(AUTHORITY.actor, "QĐ 299/QĐ-UBND"),
                    when,
                    year=year,
                    ratio=Decimal("0.25"),
                )
            self.saver.add(agency)
        person = self.rng.choice([p for p in self.org.people if not p.leadership.is_leader])
        conclusion_no = f"KL {17 + year - YEAR}/KL-UBKT-{person.agency}"
        conclusion = AuthorityConclusion.start(
            AuthorityConclusion.Recorded,
            conclusion_id(conclusion_no),
            CommandContext(self.org.hr(person).actor, conclusion_no),
            when,
            conclusion_no=conclusion_no,
            servant_code=person.code,
            kind="degradation",
            year=year,
            concluded_on=date(year, 12, 20),
            violation_ref=None,
        )
        self.saver.add(conclusion)


def generate(
    app: MinhBach, size: Size, seed: int = SEED, batch: int = 400, years: int = 1
) -> History:
    """A province's ``years`` years from ``YEAR`` on (the same people throughout)."""
    return Province(app, size, seed, YEAR, batch).generate(years)
