"""Projection rebuild: events per second of ``Projector(app).rebuild()`` on a
province-scale history, next to the library's plain read-and-decode of the
same notification log, in the same run, on SQLite and on PostgreSQL; and the
latency of the two read-model queries HR and inspectors use most.

The history
-----------
One year of a province (default 10 agencies × 200 civil servants × 12
months, about 300,000 events) is generated once per backend, untimed,
from a seeded ``random.Random``. To be fast it does not go through
``MinhBach.execute``: it builds the aggregates with the domain's own event
classes (``Task.start(Task.Assigned, ...)``, ``task.record(Task.Assessed,
...)``...), with the fields the command handlers give them, and saves a few
hundred aggregates per ``app.save`` call. No rule is checked, but the stored
events are the ones the application stores for the same commands (without
idempotency receipts, which the projections skip anyway).

Each agency (a department of the provincial People's Committee) has a board
(a director and two deputies) and units of about 25 (a head, one or two
deputies, staff in three peer groups); a catalogue of 12 products with one
factor change in July. Every month each servant gets 2–4 tasks, submits
results and is assessed (some results fail and are resubmitted, some come
late with a recorded delay, a few ad-hoc tasks), self-scores and is scored on
the ten general criteria; leaders get đ and e (a few at 50%). Through the
year: a few sick leaves, a few transfers between units, a few discipline
decisions (one annulled on appeal) and one competent conclusion; at year end
each agency's organisation level, and one granted quota ratio.

What is measured
----------------
``decode``
    The library alone: ``app.recorder.select_notifications`` pages of 2,000
    over the whole log and ``app.mapper.to_domain_event`` on each.
``rebuild``
    ``Projector.rebuild()`` wall time: delete the rows, fold the whole log
    (read + decode + ``mutate`` + indexes), derive every period result and
    annual classification, write the rows and move the tracking position in
    one commit. One ``Projector`` per backend, created before the rounds.

Rounds are interleaved (decode, rebuild; repeated), after a warm-up decode;
the table gives medians in events/s and the ratio rebuild / decode. The
projector is the runner's own code with timers around the calls a rebuild
makes (read, fold, derive, write: a few per page, no measurable overhead),
which gives the breakdown of the median round. Then the two queries are
timed, each over
``--queries`` calls on random agencies or servants: ``standings(conn,
agency, year)`` (first page of 100) and ``annual_classification(conn,
servant, year)``.

Before any timing a small history (2 agencies × 40 servants) is generated
and rebuilt, and the rows are checked: every servant has 12 scorable period
results and one annual classification, levels are spread, discipline shows.

Run it::

    .venv/bin/python benchmarks/rebuild.py                    # both backends
    .venv/bin/python benchmarks/rebuild.py --postgres-agencies 10   # same size on both
    .venv/bin/python benchmarks/rebuild.py --backends sqlite --agencies 4
    .venv/bin/python benchmarks/rebuild.py --profile          # cProfile one rebuild

By default PostgreSQL gets 6 agencies (1,200 servants) so that a full run
stays under 10 minutes while a rebuild takes over a minute; the derivation
costs more than linearly in the number of servants today, so compare rates
only between runs of the same size.

PostgreSQL is ``postgresql://postgres@127.0.0.1:5432/test`` unless
``--postgres-url`` says otherwise (a fresh schema, dropped at the end); it is
skipped with a message when unreachable.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Integer, func, select

from demo import GOOD, STAR, STRONG, WEAK, Profile

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.databases import chosen_backends, fresh_database
from domain.actors import Actor, CommandContext, Role
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.base import Audited
from domain.catalogue import Catalogue, catalogue_id
from domain.discipline import (
    AuthorityConclusion,
    DisciplineDecision,
    conclusion_id,
    discipline_id,
)
from domain.evaluation import PeriodEvaluation, evaluation_id
from domain.servant import CivilServant, servant_id
from domain.task import Task, task_id
from domain.values import LeadershipRole
from projections.queries import annual_classification, standings
from projections.runner import READ_PAGE, Projector
from projections.state import Dirty
from projections.tables import annual_classifications, discipline_register, period_results

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
YEAR = 2026
SEED = 2026

PROVINCE = "UBND-NA"  # Ủy ban nhân dân tỉnh Nghệ An
AUTHORITY = CommandContext(Actor("UBND-NA-CT", Role.AUTHORITY))
ADMIN = CommandContext(Actor("quan-tri-he-thong", Role.ADMIN), "QĐ 1532/QĐ-UBND")
AGENCIES: tuple[tuple[str, str], ...] = (
    ("SNV", "Sở Nội vụ"),
    ("STC", "Sở Tài chính"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SXD", "Sở Xây dựng"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("STP", "Sở Tư pháp"),
    ("SCT", "Sở Công Thương"),
)
BOARD = "BGD"
UNIT_SIZE = 25
UNIT_NAMES = (
    "Văn phòng Sở",
    "Thanh tra Sở",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch tài chính",
    "Phòng Pháp chế",
    "Phòng Quản lý chuyên ngành",
    "Phòng Nghiệp vụ 1",
    "Phòng Nghiệp vụ 2",
    "Phòng Nghiệp vụ 3",
    "Phòng Nghiệp vụ 4",
)

# (code, title, position, complexity group, factor)
PRODUCTS: tuple[tuple[str, str, str, int, Decimal], ...] = (
    ("SP01", "Đề án, tờ trình", "chuyen-vien-chinh", 5, Decimal(3)),
    ("SP02", "Báo cáo chuyên đề, tổng kết", "chuyen-vien-chinh", 4, Decimal(2)),
    ("SP03", "Kế hoạch, văn bản hướng dẫn", "chuyen-vien", 3, Decimal("1.5")),
    ("SP04", "Thẩm định hồ sơ", "chuyen-vien", 2, Decimal(1)),
    ("SP05", "Công văn trả lời, văn bản hành chính", "chuyen-vien", 1, Decimal("0.5")),
    ("SP06", "Báo cáo định kỳ tháng, quý", "chuyen-vien", 2, Decimal(1)),
    ("SP07", "Kết luận thanh tra, kiểm tra", "chuyen-vien-chinh", 5, Decimal(3)),
    ("SP08", "Giải quyết đơn khiếu nại", "chuyen-vien", 3, Decimal("1.5")),
    ("SP09", "Văn bản đến, đi (lô 50)", "can-su", 1, Decimal("0.5")),
    ("SP10", "Hồ sơ lưu trữ được chỉnh lý", "can-su", 2, Decimal(1)),
    ("SP11", "Chỉ đạo, điều hành lĩnh vực phụ trách", "truong-phong", 4, Decimal(2)),
    ("SP12", "Báo cáo đột xuất theo yêu cầu cấp trên", "chuyen-vien", 3, Decimal("1.5")),
)
GROUP_OF = {code: group for code, _, _, group, _ in PRODUCTS}
FACTOR_CHANGE = ("SP04", Decimal("1.2"), 7)  # re-rated from July
PRODUCTS_BY_PEER_GROUP: dict[str, tuple[str, ...]] = {
    "lanh-dao-so": ("SP11", "SP01", "SP02"),
    "lanh-dao-phong": ("SP11", "SP01", "SP02", "SP06"),
    "chuyen-vien-chinh": ("SP01", "SP02", "SP03", "SP07"),
    "chuyen-vien": ("SP03", "SP04", "SP05", "SP06", "SP08"),
    "can-su": ("SP09", "SP10", "SP05"),
}
QUANTITY_BY_GROUP = {1: (4, 8), 2: (2, 5), 3: (1, 3), 4: (1, 2), 5: (1, 1)}
TASKS_PER_MONTH = ((2, 3), (3, 5), (4, 2))  # (count, weight)
FAILURE_RATE = 0.06  # "incident" profiles: a failed result, then an accepted one
LATE_RATE = 0.05  # "incident" profiles: a result after the deadline, delay recorded
AD_HOC_RATE = 0.01
DD_HALF_RATE = 0.03  # a leader's đ at 50% in a month
LEAVE_RATE = 0.01  # sick leave, per servant and year
TRANSFER_RATE = 0.005  # staff moved to another unit of their agency
DISCIPLINE_PER_AGENCY = 1
PROFILES = ((STAR, 5), (STRONG, 15), (GOOD, 65), (WEAK, 15))

# Positions: (title, leadership, peer group)
BOARD_HEAD = ("giam-doc", LeadershipRole.HEAD, "lanh-dao-so")
BOARD_DEPUTY = ("pho-giam-doc", LeadershipRole.DEPUTY, "lanh-dao-so")
UNIT_HEAD = ("truong-phong", LeadershipRole.HEAD, "lanh-dao-phong")
UNIT_DEPUTY = ("pho-truong-phong", LeadershipRole.DEPUTY, "lanh-dao-phong")
STAFF_POSITIONS = (
    (("chuyen-vien-chinh", LeadershipRole.STAFF, "chuyen-vien-chinh"), 20),
    (("chuyen-vien", LeadershipRole.STAFF, "chuyen-vien"), 60),
    (("can-su", LeadershipRole.STAFF, "can-su"), 20),
)
CRITERIA_MAXIMA = {"I.1": Decimal(5), "I.2": Decimal(5)} | {
    f"{g}.{n}": Decimal("2.5") for g in ("II", "III") for n in range(1, 5)
}
HALF = Decimal("0.5")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Hữu", "Thanh", "Quang", "Phương")
GIVEN = ("Hùng", "Lan", "Dũng", "Hương", "Nam", "Mai", "Long", "Linh", "Sơn", "Trang", "Hải")


# --- the history ---------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    agencies: int
    servants: int  # per agency

    def __str__(self) -> str:
        return f"{self.agencies} agencies × {self.servants} servants × 12 months"


@dataclass
class Person:
    code: str
    agency: str
    unit: str
    position: str
    leadership: LeadershipRole
    peer_group: str
    profile: Profile
    aggregate: CivilServant

    @property
    def own(self) -> CommandContext:
        return CommandContext(Actor(self.code, Role.CIVIL_SERVANT))


@dataclass
class History:
    """What was generated: codes to query, and how many events were stored."""

    year: int
    agencies: list[str]
    servants: list[str]
    events: int = 0
    topics: Counter[str] = field(default_factory=Counter)


class Saver:
    """Saves aggregates with new events, a few hundred per ``app.save`` call."""

    def __init__(self, app: MinhBach, batch: int, topics: Counter[str]) -> None:
        self.app, self.batch, self.topics = app, batch, topics
        self.pending: dict[uuid.UUID, Audited] = {}

    def add(self, *aggregates: Audited) -> None:
        for aggregate in aggregates:
            self.pending[aggregate.id] = aggregate
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            recordings = self.app.save(*self.pending.values())
            self.topics.update(r.notification.topic for r in recordings)
            self.pending = {}


def at(day: date, hour: int = 16) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def working_days(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


def manager(person: Person) -> CommandContext:
    return CommandContext(Actor(person.code, Role.MANAGER))


def pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def criteria_scores(rng: random.Random, total: Decimal) -> dict[str, Decimal]:
    """The ten sub-criteria adding up to ``total`` (half points off their maxima)."""
    scores = dict(CRITERIA_MAXIMA)
    codes = list(scores)
    off = int((sum(scores.values()) - total) / HALF)
    while off > 0:
        code = rng.choice(codes)
        if scores[code] > 0:
            scores[code] -= HALF
            off -= 1
    return scores


def criteria_total(rng: random.Random, profile: Profile) -> Decimal:
    low, high = profile.criteria
    return low + HALF * rng.randint(0, int((high - low) / HALF))


class Province:
    """Builds one year of a province with the domain's event classes."""

    def __init__(self, app: MinhBach, size: Size, seed: int, year: int, batch: int) -> None:
        self.app, self.size, self.year = app, size, year
        self.rng = random.Random(seed)
        self.history = History(year, [], [])
        self.saver = Saver(app, batch, self.history.topics)
        self.people: list[Person] = []
        self.heads: dict[tuple[str, str], Person] = {}  # (agency, unit) → head
        self.units: dict[str, list[str]] = {}  # agency → its non-board units
        self.factors: dict[str, dict[str, list[tuple[date, Decimal]]]] = {}
        self.decisions = 0

    def generate(self) -> History:
        jan1 = date(self.year, 1, 1)
        for number in range(self.size.agencies):
            self.organise(number, jan1)
        self.saver.flush()
        leaves = self.plan_leaves()
        transfers = self.plan_transfers()
        disciplines = self.plan_disciplines()
        for month in range(1, 13):
            self.month(month, leaves, transfers, disciplines)
        self.year_end()
        self.saver.flush()
        self.history.events = self.app.recorder.max_notification_id() or 0
        return self.history

    # -- organisation --

    def organise(self, number: int, jan1: date) -> None:
        code, title = AGENCIES[number % len(AGENCIES)]
        if number >= len(AGENCIES):
            code, title = f"{code}{number // len(AGENCIES) + 1}", f"{title} {number}"
        hr = CommandContext(Actor(f"{code}-HR", Role.HR))
        when = at(date(self.year - 1, 12, 1))
        agency = Agency.start(
            Agency.Registered,
            agency_id(code),
            ADMIN,
            when,
            code=code,
            name=f"{title} tỉnh Nghệ An",
            period_kind="month",
            managing_agency=PROVINCE,
        )
        agency.record(
            Agency.UnitOpened, hr, when, unit_code=BOARD, name="Ban Giám đốc", is_leadership=True
        )
        staff_count = max(self.size.servants - 3, 3)
        unit_count = max(1, round(staff_count / UNIT_SIZE))
        units = [f"P{n + 1:02d}" for n in range(unit_count)]
        for n, unit in enumerate(units):
            name = UNIT_NAMES[n] if n < len(UNIT_NAMES) else f"Phòng Nghiệp vụ {n}"
            agency.record(
                Agency.UnitOpened, hr, when, unit_code=unit, name=name, is_leadership=False
            )
        self.units[code] = units
        self.history.agencies.append(code)
        catalogue = Catalogue.start(
            Catalogue.Opened, catalogue_id(code), hr, when, agency_code=code
        )
        approved = CommandContext(hr.actor, f"QĐ 05/QĐ-{code}")
        self.factors[code] = {}
        for product, name, position, group, factor in PRODUCTS:
            catalogue.record(
                Catalogue.ProductAdded,
                approved,
                when,
                product_code=product,
                name=name,
                position=position,
                complexity_group=group,
                factor=factor,
                effective_from=jan1,
            )
            self.factors[code][product] = [(jan1, factor)]
        product, factor, month = FACTOR_CHANGE
        changed_from = date(self.year, month, 1)
        catalogue.record(
            Catalogue.FactorChanged,
            CommandContext(hr.actor, f"QĐ 210/QĐ-{code}"),
            at(date(self.year, month - 1, 20)),
            product_code=product,
            factor=factor,
            effective_from=changed_from,
        )
        self.factors[code][product].append((changed_from, factor))
        self.saver.add(agency, catalogue)
        # The board, then each unit: a head, one or two deputies, staff.
        posts: list[tuple[str, tuple[str, LeadershipRole, str]]] = [
            (BOARD, BOARD_HEAD),
            (BOARD, BOARD_DEPUTY),
            (BOARD, BOARD_DEPUTY),
        ]
        share, extra = divmod(staff_count, unit_count)
        for n, unit in enumerate(units):
            members = share + (1 if n < extra else 0)
            deputies = 2 if members >= 20 else 1
            posts += [(unit, UNIT_HEAD)] + [(unit, UNIT_DEPUTY)] * deputies
            posts += [
                (unit, pick(self.rng, STAFF_POSITIONS)) for _ in range(members - 1 - deputies)
            ]
        for unit, (position, leadership, peer_group) in posts:
            self.register(code, unit, position, leadership, peer_group, hr, when)

    def register(
        self,
        agency: str,
        unit: str,
        position: str,
        leadership: LeadershipRole,
        peer_group: str,
        hr: CommandContext,
        when: datetime,
    ) -> None:
        rng = self.rng
        code = f"{agency}-{len(self.people) + 1:05d}"
        first_year = 1995 if leadership.is_leader else 2005
        servant = CivilServant.start(
            CivilServant.Registered,
            servant_id(code),
            hr,
            when,
            code=code,
            full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            agency_code=agency,
            unit_code=unit,
            position=position,
            peer_group=peer_group,
            leadership=leadership.value,
            employed_from=date(rng.randint(first_year, self.year - 1), rng.randint(1, 12), 1),
        )
        profile = GOOD if leadership.is_leader and rng.random() < 0.7 else pick(rng, PROFILES)
        person = Person(code, agency, unit, position, leadership, peer_group, profile, servant)
        self.people.append(person)
        self.history.servants.append(code)
        if leadership is LeadershipRole.HEAD:
            self.heads[(agency, unit)] = person
        self.saver.add(servant)

    def evaluator(self, person: Person) -> CommandContext:
        """Art. 10: the unit head rates the unit; the director rates unit heads and
        the board's deputies; the province's chairman rates the director."""
        if person.unit == BOARD and person.leadership is LeadershipRole.HEAD:
            return AUTHORITY
        if person.unit == BOARD or person.leadership is LeadershipRole.HEAD:
            return manager(self.heads[(person.agency, BOARD)])
        return manager(self.heads[(person.agency, person.unit)])

    def hr(self, person: Person) -> CommandContext:
        return CommandContext(Actor(f"{person.agency}-HR", Role.HR))

    # -- the year's one-off facts, planned up front --

    def plan_leaves(self) -> dict[int, list[Person]]:
        plan: dict[int, list[Person]] = {}
        for person in self.people:
            if self.rng.random() < LEAVE_RATE:
                plan.setdefault(self.rng.randint(1, 12), []).append(person)
        return plan

    def plan_transfers(self) -> dict[int, list[Person]]:
        plan: dict[int, list[Person]] = {}
        for person in self.people:
            movable = (
                person.leadership is LeadershipRole.STAFF and len(self.units[person.agency]) > 1
            )
            if movable and self.rng.random() < TRANSFER_RATE:
                plan.setdefault(self.rng.randint(2, 12), []).append(person)
        return plan

    def plan_disciplines(self) -> dict[int, list[Person]]:
        plan: dict[int, list[Person]] = {}
        for agency in self.history.agencies:
            staff = [p for p in self.people if p.agency == agency and not p.leadership.is_leader]
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
            units = [u for u in self.units[person.agency] if u != person.unit]
            person.unit = rng.choice(units)
            person.aggregate.record(
                CivilServant.Placed,
                CommandContext(self.hr(person).actor, f"QĐ điều động {person.code}"),
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
                CommandContext(self.hr(person).actor, f"Giấy ra viện {rng.randint(100, 9999)}"),
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
        for person in self.people:
            evaluator = self.evaluator(person)
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
            evaluator = self.evaluator(person)
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
        factor = [f for since, f in self.factors[person.agency][product] if since <= assigned_on][
            -1
        ]
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
            CommandContext(self.hr(person).actor, decision_no),
            at(decided_on),
            decision_no=decision_no,
            servant_code=person.code,
            form="reprimand",
            public_service_related=True,
            violation_ref=f"Biên bản {rng.randint(1, 99)}/BB-{person.agency}",
            decided_on=decided_on,
            counted_year=self.year,
            agency_code=person.agency,
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
        for person in self.people:
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
            )
            evaluator = self.evaluator(person)
            evaluation.record(
                PeriodEvaluation.CriteriaScored,
                evaluator,
                closing,
                scores=criteria_scores(rng, total),
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
        person = self.rng.choice([p for p in self.people if not p.leadership.is_leader])
        conclusion_no = f"KL 17/KL-UBKT-{person.agency}"
        conclusion = AuthorityConclusion.start(
            AuthorityConclusion.Recorded,
            conclusion_id(conclusion_no),
            CommandContext(self.hr(person).actor, conclusion_no),
            when,
            conclusion_no=conclusion_no,
            servant_code=person.code,
            kind="degradation",
            year=year,
            concluded_on=date(year, 12, 20),
        )
        self.saver.add(conclusion)


def generate(app: MinhBach, size: Size, seed: int = SEED, batch: int = 400) -> History:
    return Province(app, size, seed, YEAR, batch).generate()


# --- measuring ---------------------------------------------------------------------------


def plain_decode(app: MinhBach) -> int:
    """The library alone: read every page of the log and decode every event."""
    head = app.recorder.max_notification_id() or 0
    select_notifications = app.recorder.select_notifications
    to_domain_event = app.mapper.to_domain_event
    position, count = 0, 0
    while position < head:
        page = select_notifications(
            start=position, limit=READ_PAGE, stop=head, inclusive_of_start=False
        )
        if not page:
            break
        for notification in page:
            to_domain_event(notification)
        count += len(page)
        position = page[-1].id
    return count


def count_rows(projector: Projector) -> dict[str, int]:
    with projector.engine.connect() as conn:
        return {
            table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (period_results, annual_classifications, discipline_register)
        }


def sanity_check(backend: str, postgres_url: str) -> None:
    """A small history must project without errors into plausible rows."""
    size = Size(agencies=2, servants=40)
    with fresh_database(backend, postgres_url) as storage:
        app = MinhBach(storage)
        try:
            history = generate(app, size, batch=50)
            projector = Projector(app)
            position = projector.rebuild()
            assert position == history.events, (position, history.events)
            with projector.engine.connect() as conn:
                periods = conn.execute(
                    select(
                        period_results.c.servant_code,
                        func.count(),
                        func.sum(period_results.c.scorable.cast(Integer)),
                    ).group_by(period_results.c.servant_code)
                ).all()
                annual = conn.execute(
                    select(
                        annual_classifications.c.proposed_level,
                        annual_classifications.c.status,
                        func.count(),
                    ).group_by(
                        annual_classifications.c.proposed_level, annual_classifications.c.status
                    )
                ).all()
                registered = conn.execute(select(func.count()).select_from(discipline_register))
                disciplines = int(registered.scalar_one())
        finally:
            app.close()
    servants = len(history.servants)
    assert len(periods) == servants, f"{len(periods)} servants with periods, {servants} expected"
    wrong = [(code, n, s) for code, n, s in periods if n != 12 or s != 12]
    assert not wrong, f"servants without 12 scorable periods: {wrong[:5]}"
    levels: Counter[str] = Counter()
    for level, _status, n in annual:
        levels[level or "none"] += n
    assert sum(levels.values()) == servants, levels
    assert {"EXCELLENT", "GOOD", "COMPLETE", "FAIL"} <= set(levels), levels
    assert disciplines == size.agencies * DISCIPLINE_PER_AGENCY, disciplines
    print(
        f"  {backend:8} sanity: {size}: {history.events} events, {servants} servants "
        f"× 12 scorable period rows, levels {dict(sorted(levels.items()))}, "
        f"{disciplines} discipline rows",
        file=sys.stderr,
        flush=True,
    )


@dataclass
class Stages:
    """Seconds spent in each call a rebuild makes (see ``TimedProjector``)."""

    read: float = 0.0  # select_notifications pages
    fold: float = 0.0  # Projector._fold: decode + DomainState.apply (mutate + indexes)
    derive: float = 0.0  # Deriver.derive: every period result and classification
    write: float = 0.0  # Projector._commit: tracking move, deletes, inserts, commit
    reset: float = 0.0  # Projector.reset: new state, load the (now empty) stored rows
    other: float = 0.0  # the rest of rebuild(): delete the rows, zero the tracking position

    @property
    def total(self) -> float:
        return float(sum(vars(self).values()))


class TimedProjector(Projector):
    """The runner's own code, with timers around the calls ``rebuild()`` makes
    (a few per page of 2,000 events: no measurable overhead)."""

    def __init__(self, app: MinhBach) -> None:
        self.stages = Stages()
        super().__init__(app)

    def rebuild(self) -> int:
        self.stages = Stages()
        started = time.perf_counter()
        position = super().rebuild()
        total = time.perf_counter() - started
        self.stages.other = total - self.stages.total
        return position

    def reset(self) -> None:
        started = time.perf_counter()
        super().reset()
        self.stages.reset += time.perf_counter() - started
        derive = self.deriver.derive

        def timed_derive(dirty: Dirty) -> dict[str, set[Any]]:
            started = time.perf_counter()
            try:
                return derive(dirty)
            finally:
                self.stages.derive += time.perf_counter() - started

        self.deriver.derive = timed_derive  # type: ignore[method-assign]

    def _pages(self, after: int, upto: int) -> Iterator[Sequence[Notification]]:
        pages = super()._pages(after, upto)
        while True:
            started = time.perf_counter()
            page = next(pages, None)
            self.stages.read += time.perf_counter() - started
            if page is None:
                return
            yield page

    def _fold(self, notifications: Iterable[Notification]) -> Dirty:
        started = time.perf_counter()
        try:
            return super()._fold(notifications)
        finally:
            self.stages.fold += time.perf_counter() - started

    def _commit(self, position: int, changed: Mapping[str, set[Any]]) -> None:
        started = time.perf_counter()
        try:
            super()._commit(position, changed)
        finally:
            self.stages.write += time.perf_counter() - started


def query_latencies(
    projector: Projector, history: History, calls: int, seed: int
) -> dict[str, list[float]]:
    rng = random.Random(seed)
    times: dict[str, list[float]] = {"standings": [], "annual_classification": []}
    with projector.engine.connect() as conn:
        for _ in range(calls):
            agency = rng.choice(history.agencies)
            started = time.perf_counter()
            rows, total = standings(conn, agency, history.year, limit=100)
            times["standings"].append(time.perf_counter() - started)
            assert rows and total >= len(rows)
            servant = rng.choice(history.servants)
            started = time.perf_counter()
            row = annual_classification(conn, servant, history.year)
            times["annual_classification"].append(time.perf_counter() - started)
            assert row is not None
    return times


@dataclass
class Result:
    backend: str
    size: Size
    history: History
    rates: dict[str, list[float]]  # mode → events/s per round
    stages: Stages
    queries: dict[str, list[float]]
    generated_in: float


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def benchmark(backend: str, size: Size, rounds: int, calls: int, postgres_url: str) -> Result:
    with fresh_database(backend, postgres_url) as storage:
        app = MinhBach(storage)
        try:
            started = time.perf_counter()
            history = generate(app, size)
            generated_in = time.perf_counter() - started
            log(
                f"  {backend:8} generated {size}: {history.events} events "
                f"in {generated_in:.0f} s ({history.events / generated_in:.0f} events/s)"
            )
            projector = TimedProjector(app)  # fresh views: the constructor folds nothing
            plain_decode(app)  # warm-up (page cache, first imports), not reported
            rates: dict[str, list[float]] = {"decode": [], "rebuild": []}
            stages: list[Stages] = []
            for n in range(1, rounds + 1):
                for mode in ("decode", "rebuild"):
                    started = time.perf_counter()
                    count = plain_decode(app) if mode == "decode" else projector.rebuild()
                    seconds = time.perf_counter() - started
                    assert count == history.events, (mode, count, history.events)
                    rates[mode].append(count / seconds)
                    if mode == "rebuild":
                        stages.append(projector.stages)
                    detail = f" ({stage_text(projector.stages)})" if mode == "rebuild" else ""
                    log(
                        f"  {backend:8} round {n}/{rounds} {mode:7} {count} events "
                        f"in {seconds:6.2f} s = {count / seconds:7.0f} events/s{detail}"
                    )
            rows = count_rows(projector)
            log(f"  {backend:8} rows: {rows}")
            median_round = stages[rates["rebuild"].index(statistics.median_low(rates["rebuild"]))]
            queries = query_latencies(projector, history, calls, SEED)
        finally:
            app.close()
    return Result(backend, size, history, rates, median_round, queries, generated_in)


def profile_rebuild(backend: str, size: Size, postgres_url: str, top: int) -> None:
    with fresh_database(backend, postgres_url) as storage:
        app = MinhBach(storage)
        try:
            history = generate(app, size)
            projector = Projector(app)
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            projector.rebuild()
            profiler.disable()
            seconds = time.perf_counter() - started
        finally:
            app.close()
    print(f"{backend}: rebuild of {history.events} events in {seconds:.2f} s (profiled)")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


# --- reporting -----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def stage_text(stages: Stages) -> str:
    parts = [f"{name} {seconds:.2f} s" for name, seconds in vars(stages).items()]
    return ", ".join(parts) + f" (total {stages.total:.2f} s)"


def table(results: list[Result]) -> str:
    lines = [
        "| backend  | events  | mode    | median events/s | ratio to decode | runs (events/s) |",
        "|----------|--------:|---------|----------------:|----------------:|-----------------|",
    ]
    for r in results:
        median = {mode: statistics.median(values) for mode, values in r.rates.items()}
        for mode in ("decode", "rebuild"):
            ratio = median[mode] / median["decode"]
            runs = ", ".join(f"{v:.0f}" for v in r.rates[mode])
            lines.append(
                f"| {r.backend:8} | {r.history.events:7} | {mode:7} | {median[mode]:15.0f} "
                f"| {ratio:15.2f} | {runs} |"
            )
    return "\n".join(lines)


def stage_table(results: list[Result]) -> str:
    lines = [
        "| stage of the median rebuild | " + " | ".join(r.backend for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for name in [*vars(results[0].stages), "total"]:
        cells = []
        for r in results:
            seconds = getattr(r.stages, name)
            cells.append(f"{seconds:.2f} s ({100 * seconds / r.stages.total:.0f}%)")
        lines.append(f"| {STAGE_LABELS[name]} | " + " | ".join(cells) + " |")
    cells = []
    for r in results:
        seconds = r.history.events / statistics.median(r.rates["decode"])
        cells.append(f"{seconds:.2f} s")
    lines.append(
        "| for comparison: read + decode alone (plain decode) | " + " | ".join(cells) + " |"
    )
    return "\n".join(lines)


STAGE_LABELS = {
    "read": "read (`select_notifications` pages)",
    "fold": "decode + fold (`_fold`: `to_domain_event`, `DomainState.apply`)",
    "derive": "derive (`Deriver.derive`)",
    "write": "write (`_commit`: deletes, inserts, tracking, commit)",
    "reset": "reset (`Projector.reset`)",
    "other": "other (delete the old rows, zero the position)",
    "total": "total",
}


def query_table(results: list[Result], calls: int) -> str:
    lines = [
        "| backend  | query                                   | p50 ms | p95 ms |",
        "|----------|-----------------------------------------|-------:|-------:|",
    ]
    labels = {
        "standings": "standings(agency, year), first 100",
        "annual_classification": "annual_classification(servant, year)",
    }
    for r in results:
        for name, values in r.queries.items():
            p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
            lines.append(f"| {r.backend:8} | {labels[name]:39} | {p50:6.2f} | {p95:6.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated list")
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--servants", type=int, default=200, help="civil servants per agency")
    parser.add_argument(
        "--postgres-agencies",
        type=int,
        help="agencies on PostgreSQL (default: --agencies, at most 6, so that a full run "
        "stays under 10 minutes)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per mode")
    parser.add_argument("--queries", type=int, default=200, help="calls per query")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--no-sanity", action="store_true", help="skip the small-history check")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of benchmarking, cProfile one rebuild per backend and print the top",
    )
    parser.add_argument("--top", type=int, default=45, help="profile entries to print")
    args = parser.parse_args(argv)
    backends = chosen_backends(parser, args.backends, args.postgres_url)

    def size_for(backend: str) -> Size:
        agencies = args.agencies
        if backend == "postgres":
            agencies = args.postgres_agencies or min(args.agencies, 6)
        return Size(agencies, args.servants)

    if args.profile:
        for backend in backends:
            profile_rebuild(backend, size_for(backend), args.postgres_url, args.top)
        return 0
    if not args.no_sanity:
        for backend in backends:
            sanity_check(backend, args.postgres_url)
    results = [
        benchmark(backend, size_for(backend), args.rounds, args.queries, args.postgres_url)
        for backend in backends
    ]
    sizes = ", ".join(f"{r.backend} {r.size}" for r in results)
    print(f"Projection rebuild, medians of {args.rounds} interleaved rounds ({sizes})")
    print(table(results))
    print("\nWhere the median rebuild spends its time:")
    print(stage_table(results))
    print(f"\nQueries over the rebuilt views, {args.queries} calls each:")
    print(query_table(results, args.queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
