"""A deterministic demo agency: Sở Nội vụ Hà Nội (SNV-HN) through one whole year.

Board of a director and two deputies; four units (Phòng Tổ chức biên chế,
Phòng Cải cách hành chính, Văn phòng Sở, Thanh tra Sở) each with a head, a
deputy and staff: 45 civil servants. A product catalogue with one factor
change in July; every month 2–5 tasks per servant, their results and
assessments, the general criteria (self-scored, then scored by the
evaluator) and the leaders' đ and e. Quality varies on purpose: failed then
resubmitted results, late results (one excused by an objective cause), one
ad-hoc task, one reassignment during sick leave, one đ at 50%, one reprimand.

Scores are designed, not left to chance, so that the quota story holds:
every servant has a profile whose general-criteria range and task behaviour
keep their annual score inside one level. In the ``chuyen-vien`` peer group
four servants are EXCELLENT by score against twelve GOOD, so the 20% limit
admits two, and the second and third candidates have the same monthly
totals in a different order: equal annual scores, tied across the limit.
In ``chuyen-vien-chinh`` two candidates against five GOOD leave room for one.

Everything comes from ``random.Random(335)``: the same year gives the same
commands, and the same idempotency keys, on every run.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.commands import Command
from domain.values import (
    AssessmentOutcome,
    DisciplineForm,
    ExemptionScope,
    LeadershipRole,
    LeaveKind,
    Level,
)

__all__ = ["DemoPerson", "DemoSummary", "demo_commands", "load_demo"]

SEED = 335
AGENCY = "SNV-HN"
AGENCY_TITLE = "Sở Nội vụ thành phố Hà Nội"
MANAGING_AGENCY = "UBND-HN"  # Ủy ban nhân dân thành phố Hà Nội
BOARD = "BGD"

ADMIN = Actor("quan-tri-he-thong", Role.ADMIN)
# The chairman of the city People's Committee: rates the director, decides the agency's level.
AUTHORITY = Actor("UBND-HN-CT", Role.AUTHORITY)

HALF = Decimal("0.5")

# --- the organisation -------------------------------------------------------

UNITS: tuple[tuple[str, str], ...] = (
    (BOARD, "Ban Giám đốc Sở"),
    ("TCBC", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ"),
    ("CCHC", "Phòng Cải cách hành chính"),
    ("VP", "Văn phòng Sở"),
    ("TTR", "Thanh tra Sở"),
)

# Job position → (leadership role, peer group). Peer groups gather similar tasks:
# the heads and deputies of all units form one group, the board another.
POSITIONS: dict[str, tuple[LeadershipRole, str]] = {
    "giam-doc": (LeadershipRole.HEAD, "lanh-dao-so"),
    "pho-giam-doc": (LeadershipRole.DEPUTY, "lanh-dao-so"),
    "truong-phong": (LeadershipRole.HEAD, "lanh-dao-phong"),
    "pho-truong-phong": (LeadershipRole.DEPUTY, "lanh-dao-phong"),
    "chanh-van-phong": (LeadershipRole.HEAD, "lanh-dao-phong"),
    "pho-chanh-van-phong": (LeadershipRole.DEPUTY, "lanh-dao-phong"),
    "chanh-thanh-tra": (LeadershipRole.HEAD, "lanh-dao-phong"),
    "pho-chanh-thanh-tra": (LeadershipRole.DEPUTY, "lanh-dao-phong"),
    "chuyen-vien-chinh": (LeadershipRole.STAFF, "chuyen-vien-chinh"),
    "chuyen-vien": (LeadershipRole.STAFF, "chuyen-vien"),
    "thanh-tra-vien": (LeadershipRole.STAFF, "thanh-tra-vien"),
    "can-su": (LeadershipRole.STAFF, "can-su"),
}


@dataclass(frozen=True)
class Profile:
    """How a servant works through the year; the ranges keep them inside one level.

    ``criteria``: the evaluator's monthly general-criteria total, in half points.
    ``incidents``: some results fail an assessment or come in late (GOOD profiles).
    ``partial``: completes about three quarters of each quantity (COMPLETE profile).
    """

    name: str
    criteria: tuple[Decimal, Decimal]
    incidents: bool = False
    partial: bool = False


# Annual score bounds by construction (task ratio r ≤ 1, score = criteria + 70 r):
STAR = Profile("star", (Decimal(27), Decimal("28.5")))  # 97–98.5, spotless tasks
TIED = Profile("tied", (Decimal(24), Decimal(26)))  # 94–96, spotless; shared totals
STRONG = Profile("strong", (Decimal(22), Decimal("23.5")))  # 92–93.5, spotless
GOOD = Profile("good", (Decimal(16), Decimal("19.5")), incidents=True)  # below 89.5
WEAK = Profile("weak", (Decimal(12), Decimal(15)), partial=True)  # r ≤ 0.75: 54–67.5

# Per unit, in order: (position, profile). 3 + 12 + 11 + 11 + 8 = 45 servants.
ROSTER: tuple[tuple[str, tuple[tuple[str, Profile], ...]], ...] = (
    (BOARD, (("giam-doc", GOOD), ("pho-giam-doc", GOOD), ("pho-giam-doc", GOOD))),
    (
        "TCBC",
        (
            ("truong-phong", GOOD),
            ("pho-truong-phong", GOOD),
            ("chuyen-vien-chinh", STRONG),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien", STAR),
            ("chuyen-vien", TIED),
            *(("chuyen-vien", GOOD),) * 4,
            ("chuyen-vien", WEAK),
        ),
    ),
    (
        "CCHC",
        (
            ("truong-phong", STRONG),
            ("pho-truong-phong", GOOD),
            ("chuyen-vien-chinh", STAR),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien", TIED),
            *(("chuyen-vien", GOOD),) * 5,
        ),
    ),
    (
        "VP",
        (
            ("chanh-van-phong", GOOD),
            ("pho-chanh-van-phong", GOOD),
            ("chuyen-vien-chinh", GOOD),
            ("chuyen-vien", STRONG),
            *(("chuyen-vien", GOOD),) * 3,
            *(("can-su", GOOD),) * 4,
        ),
    ),
    (
        "TTR",
        (
            ("chanh-thanh-tra", GOOD),
            ("pho-chanh-thanh-tra", GOOD),
            *(("thanh-tra-vien", GOOD),) * 6,
        ),
    ),
)


@dataclass(frozen=True)
class Servant:
    code: str
    full_name: str
    unit: str
    position: str
    profile: Profile
    employed_from: date

    @property
    def leadership(self) -> LeadershipRole:
        return POSITIONS[self.position][0]

    @property
    def peer_group(self) -> str:
        return POSITIONS[self.position][1]

    @property
    def own(self) -> CommandContext:
        """The servant acting on their own records."""
        return CommandContext(Actor(self.code, Role.CIVIL_SERVANT))


# --- the catalogue (Art. 13) ------------------------------------------------


@dataclass(frozen=True)
class Product:
    code: str
    title: str
    position: str
    group: int  # complexity group 1–5
    factor: Decimal


CATALOGUE: tuple[Product, ...] = (
    Product("SP01", "Đề án, tờ trình về tổ chức bộ máy", "chuyen-vien-chinh", 5, Decimal(3)),
    Product("SP02", "Báo cáo chuyên đề, tổng kết", "chuyen-vien-chinh", 4, Decimal(2)),
    Product("SP03", "Kế hoạch, văn bản hướng dẫn triển khai", "chuyen-vien", 3, Decimal("1.5")),
    Product("SP04", "Thẩm định hồ sơ biên chế, vị trí việc làm", "chuyen-vien", 2, Decimal(1)),
    Product("SP05", "Công văn trả lời, văn bản hành chính", "chuyen-vien", 1, HALF),
    Product("SP06", "Báo cáo định kỳ tháng, quý", "chuyen-vien", 2, Decimal(1)),
    Product("SP07", "Kết luận thanh tra, kiểm tra", "thanh-tra-vien", 5, Decimal(3)),
    Product("SP08", "Giải quyết đơn khiếu nại, tố cáo", "thanh-tra-vien", 3, Decimal("1.5")),
    Product("SP09", "Đăng ký, chuyển giao văn bản đến, đi (lô 50)", "can-su", 1, HALF),
    Product("SP10", "Hồ sơ lưu trữ được chỉnh lý", "can-su", 2, Decimal(1)),
    Product("SP11", "Chỉ đạo, điều hành lĩnh vực phụ trách", "truong-phong", 4, Decimal(2)),
    Product("SP12", "Báo cáo đột xuất theo yêu cầu cấp trên", "chuyen-vien", 3, Decimal("1.5")),
)
CATALOGUE_DECISION = "QĐ 05/QĐ-SNV"
# SP04 is re-rated from July: tasks assigned before keep factor 1.
FACTOR_CHANGE = ("SP04", Decimal("1.2"), 7, "QĐ 210/QĐ-SNV")

PRODUCTS_BY_PEER_GROUP: dict[str, tuple[str, ...]] = {
    "lanh-dao-so": ("SP11", "SP01", "SP02"),
    "lanh-dao-phong": ("SP11", "SP01", "SP02", "SP06"),
    "chuyen-vien-chinh": ("SP01", "SP02", "SP03", "SP04"),
    "chuyen-vien": ("SP03", "SP04", "SP05", "SP06"),
    "thanh-tra-vien": ("SP07", "SP08", "SP05"),
    "can-su": ("SP09", "SP10", "SP05"),
}
QUANTITY_BY_GROUP: dict[int, tuple[int, int]] = {
    1: (4, 8),
    2: (2, 5),
    3: (1, 3),
    4: (1, 2),
    5: (1, 1),
}
TASKS_PER_MONTH = (2, 3, 4, 5)
TASKS_PER_MONTH_WEIGHTS = (3, 5, 2, 1)
FAILURE_RATE = 0.06  # GOOD profiles: a result with a major content error, then fixed
LATE_RATE = 0.05  # GOOD profiles: a result after the deadline

# --- Vietnamese names -------------------------------------------------------

FAMILY_NAMES = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4),
    ("Phan", 4), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Ngô", 2), ("Dương", 2),
    ("Đinh", 2), ("Hà", 1), ("Lương", 1), ("Trịnh", 1),
)  # fmt: skip
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Mạnh", "Tiến")
MALE_GIVEN = (
    "Hùng", "Dũng", "Tuấn", "Nam", "Long", "Sơn", "Thắng", "Hải", "Cường", "Trung",
    "Khánh", "Phong", "Quân", "Huy", "Tùng", "Bình", "Việt", "Hiếu", "Đạt", "Thành",
)  # fmt: skip
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Phương", "Minh", "Hồng", "Thùy", "Kim", "Bích")
FEMALE_GIVEN = (
    "Hương", "Lan", "Hạnh", "Mai", "Linh", "Trang", "Hà", "Thủy", "Nga", "Hằng",
    "Yến", "Nhung", "Thảo", "Huyền", "Vân", "Oanh", "Ngân", "Loan", "Dung", "Giang",
)  # fmt: skip

# --- notes and reasons ------------------------------------------------------

ACCEPTED_NOTE = "Đạt yêu cầu"
FAILED_NOTES = (
    "Số liệu tổng hợp không khớp với báo cáo của các đơn vị",
    "Dự thảo thiếu căn cứ pháp lý, chưa đúng thể thức văn bản",
    "Nội dung đề xuất chưa phù hợp với quy định hiện hành",
)
RESUBMIT_NOTE = "Đã chỉnh sửa theo ý kiến của lãnh đạo"
LATE_NOTE = "Nộp chậm do chờ số liệu của các đơn vị"
DD_FULL = "Hoàn thành kế hoạch công tác tháng đúng tiến độ, có chất lượng"
E_FULL = "Nội bộ đoàn kết, không phát sinh đơn thư phản ánh"
DD_HALF = "Chậm triển khai kế hoạch thanh tra chuyên đề quý IV, báo cáo kết quả quá hạn"

# --- who evaluates whom (Art. 10) -------------------------------------------


@dataclass(frozen=True)
class Roster:
    servants: tuple[Servant, ...]

    def get(self, code: str) -> Servant:
        return next(s for s in self.servants if s.code == code)

    def in_unit(self, unit: str) -> list[Servant]:
        return [s for s in self.servants if s.unit == unit]

    def head_of(self, unit: str) -> Servant:
        return next(s for s in self.in_unit(unit) if s.leadership is LeadershipRole.HEAD)

    def pick(self, unit: str, position: str, profile: Profile, nth: int = 0) -> Servant:
        """The nth servant of ``unit`` with that position and profile (special events)."""
        found = [s for s in self.in_unit(unit) if s.position == position and s.profile is profile]
        return found[nth]

    def evaluator(self, servant: Servant) -> CommandContext:
        """Art. 10: unit heads rate their unit; the director rates unit heads and the
        board's deputies; the chairman of the city rates the director."""
        if servant.unit == BOARD and servant.leadership is LeadershipRole.HEAD:
            return CommandContext(AUTHORITY)
        if servant.leadership is LeadershipRole.HEAD or servant.unit == BOARD:
            return _manager(self.head_of(BOARD))
        return _manager(self.head_of(servant.unit))

    def hr(self) -> Servant:
        """Personnel work of the agency sits with the office (Văn phòng Sở)."""
        return self.in_unit("VP")[2]


def _manager(servant: Servant) -> CommandContext:
    return CommandContext(Actor(servant.code, Role.MANAGER))


def _full_name(rng: random.Random, taken: set[str]) -> str:
    families, weights = zip(*FAMILY_NAMES, strict=True)
    while True:
        family = rng.choices(families, weights)[0]
        if rng.random() < 0.5:
            middle, given = rng.choice(MALE_MIDDLE), rng.choice(MALE_GIVEN)
        else:
            middle, given = rng.choice(FEMALE_MIDDLE), rng.choice(FEMALE_GIVEN)
        name = f"{family} {middle} {given}"
        if name not in taken and middle != given:
            taken.add(name)
            return name


def build_roster(rng: random.Random) -> Roster:
    servants: list[Servant] = []
    taken: set[str] = set()
    for unit, posts in ROSTER:
        for position, profile in posts:
            code = f"{AGENCY}-{len(servants) + 1:03d}"
            # Leaders joined the service earlier than staff.
            first_year = 1998 if POSITIONS[position][0].is_leader else 2008
            employed_from = date(rng.randint(first_year, 2024), rng.randint(1, 12), 1)
            servants.append(
                Servant(code, _full_name(rng, taken), unit, position, profile, employed_from)
            )
    return Roster(tuple(servants))


# --- the calendar -------------------------------------------------------------

FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))  # New Year, Reunification, Labour, National


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


def _plan_task(
    rng: random.Random, servant: Servant, year: int, month: int, number: int
) -> TaskPlan:
    product = _product(rng.choice(PRODUCTS_BY_PEER_GROUP[servant.peer_group]))
    quantity = _quantity(rng, product, servant.profile)
    days = working_days(date(year, month, 1), date(year, month, 25))
    assigned_on = days[rng.randint(0, 3)]
    deadline = rng.choice([d for d in days if d >= assigned_on + timedelta(days=7)])
    completed = _completed(quantity, servant.profile)
    if servant.profile.incidents and rng.random() < LATE_RATE:
        results: tuple[Result, ...] = (_late_result(rng, servant, completed, deadline),)
    else:
        results = _on_time_results(rng, servant, completed, assigned_on, deadline)
    return TaskPlan(
        code=f"{servant.code}/{month_code(year, month)}/{number}",
        servant=servant.code,
        product=product.code,
        quantity=Decimal(quantity),
        period=month_code(year, month),
        assigned_on=assigned_on,
        deadline=deadline,
        title=f"{product.title} (tháng {month}/{year})",
        results=results,
    )


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


# --- the one-off cases ------------------------------------------------------

SICK_LEAVE = (5, 11, 22)  # May 11–22: a CCHC servant's task goes to a colleague
AD_HOC_MONTH = 8
EXEMPTION_MONTH = 10
DD_HALF_MONTH = 11
DISCIPLINE = ("QĐ 123/QĐ-SNV", 9, 14)
ORGANISATION_LEVEL = ("QĐ 215/QĐ-UBND", Level.GOOD)


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
        yield c.ReassignTask(task=task.code, to_servant=r.to, on=r.on, reason=r.reason), evaluator
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
    rng: random.Random, roster: Roster, month: Month, year: int
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
    for task in month.tasks:
        yield _assign_command(roster, task)
    for task in sorted(month.tasks, key=lambda t: (t.first_result_on, t.code)):
        yield from _result_commands(roster, task)
    if month.number == DISCIPLINE[1]:
        yield from _discipline_commands(roster, year)
    yield from _evaluation_commands(rng, roster, month, year)


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


def _year_end_commands(year: int) -> Iterator[tuple[Command, CommandContext]]:
    document, level = ORGANISATION_LEVEL
    yield (
        c.DecideOrganisationLevel(agency=AGENCY, year=year, level=level, unit=None),
        CommandContext(AUTHORITY, document),
    )


def demo_commands(year: int = 2026) -> Iterator[tuple[Command, CommandContext, str]]:
    """Every command of the demo in order, with its context (actor, role, source
    document) and a stable idempotency key."""
    rng = random.Random(SEED)
    roster = build_roster(rng)
    months = plan_year(rng, roster, year)

    def stream() -> Iterator[tuple[Command, CommandContext]]:
        yield from _setup_commands(roster, year)
        for month in months:
            yield from _month_commands(rng, roster, month, year)
        yield from _year_end_commands(year)

    for number, (command, ctx) in enumerate(stream(), start=1):
        yield command, ctx, f"demo:{AGENCY}:{year}:{number:05d}:{command.name}"


# --- loading ----------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    code: str
    full_name: str
    role: Role
    why: str

    @property
    def actor(self) -> Actor:
        return Actor(self.code, self.role)


@dataclass(frozen=True)
class DemoSummary:
    agencies: int
    units: int  # including the board
    servants: int
    tasks: int
    commands: int
    applied: int  # commands applied by this load
    replayed: int  # commands found already applied (idempotency receipts)
    events_written: int  # including the idempotency receipts
    people: Mapping[str, DemoPerson]


def demo_people() -> dict[str, DemoPerson]:
    """A few people to act as, one per role: keys head, manager, civil_servant, hr,
    inspector, appeals_reviewer, authority."""
    roster = build_roster(random.Random(SEED))
    director = roster.head_of(BOARD)
    tied = next(s for s in roster.servants if s.profile is TIED)
    board = roster.in_unit(BOARD)
    return {
        "head": _person(director, Role.MANAGER, "Giám đốc Sở: rates unit heads and deputies"),
        "manager": _person(roster.head_of("TCBC"), Role.MANAGER, "Trưởng phòng TCBC"),
        "civil_servant": _person(tied, Role.CIVIL_SERVANT, "tied across the EXCELLENT quota"),
        "hr": _person(roster.hr(), Role.HR, "personnel work at Văn phòng Sở"),
        "inspector": _person(roster.in_unit("TTR")[2], Role.INSPECTOR, "thanh tra viên"),
        "appeals_reviewer": _person(board[2], Role.APPEALS_REVIEWER, "Phó Giám đốc on petitions"),
        "authority": DemoPerson(
            AUTHORITY.id, "Chủ tịch UBND thành phố Hà Nội", Role.AUTHORITY, "rates the director"
        ),
    }


def _person(servant: Servant, role: Role, why: str) -> DemoPerson:
    return DemoPerson(servant.code, servant.full_name, role, why)


def load_demo(app: MinhBach, year: int = 2026) -> DemoSummary:
    """Apply demo_commands through app.execute (idempotent: loading twice adds nothing).

    The app's clock must be past the demo year: results are dated up to 31 December,
    and a result may not be dated after the clock's today. Checked first, so a wrong
    clock never leaves half a demo behind.
    """
    today = app.clock().date()
    if today <= date(year, 12, 31):
        raise ValueError(f"the demo of {year} needs a clock after {year}-12-31, not {today}")
    before = app.recorder.max_notification_id() or 0
    counts: Counter[str] = Counter()
    applied = 0
    for command, ctx, key in demo_commands(year):
        counts[command.name] += 1
        applied += not app.execute(command, ctx, key).replayed
    total = sum(counts.values())
    return DemoSummary(
        agencies=counts[c.RegisterAgency.name],
        units=counts[c.OpenUnit.name],
        servants=counts[c.RegisterServant.name],
        tasks=counts[c.AssignTask.name],
        commands=total,
        applied=applied,
        replayed=total - applied,
        events_written=(app.recorder.max_notification_id() or 0) - before,
        people=demo_people(),
    )
