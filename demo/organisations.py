"""The organisations rated under Chapter II at the year's end, as data: the city's
People's Committee (the managing agency) recognises its departments (Art. 5(2)),
each department's director recognises its units (Art. 5(4)). Units are rated
before their department (Art. 9(1)).

Two quotas bite (Art. 8(5)): among the departments, five GOOD allow one EXCELLENT,
so of the two that meet EXCELLENT's conditions the one with fewer points is GOOD;
among the demo agency's own units, four GOOD allow none at 20%, so the director's
recorded decision raises the ratio to 25% for its excellent unit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from demo.agency import ADMIN, AGENCY, AGENCY_TITLE, AUTHORITY, MANAGING_AGENCY
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.commands import Command
from domain.values import Level

MANAGING_TITLE = "Ủy ban nhân dân thành phố Hà Nội"
TASKS = 10  # the tasks of each organisation's work plan

# Art. 7(2): the city's criteria for its departments and their units (code, clause,
# title, maximum points), adopted by its document; every organisation is scored on it.
CRITERIA_DOCUMENT = "QĐ 1800/QĐ-UBND"
CRITERIA: tuple[tuple[str, str, str, str], ...] = (
    ("TC1", "6(1)", "Chấp hành đường lối, chủ trương, pháp luật; thực hiện chỉ đạo", "10"),
    ("TC2", "6(2)", "Quản lý, sử dụng công chức; đoàn kết nội bộ, kỷ luật, kỷ cương", "10"),
    ("TC3", "6(3)", "Cải cách hành chính, chuyển đổi số, khắc phục hạn chế", "10"),
    ("NV1", "7(1)(a)", "Thể chế hóa chủ trương, chính sách thành kế hoạch, văn bản", "15"),
    ("NV2", "7(1)(b)", "Tỷ lệ hoàn thành nhiệm vụ trong kế hoạch công tác năm", "40"),
    ("NV3", "7(1)(g)", "Kết quả giải quyết hồ sơ, thủ tục hành chính", "15"),
)

# The director's decision raising the EXCELLENT ratio for the demo agency's units.
UNIT_GRANT = ("QĐ 209/QĐ-SNV", "0.25")
# The city's decision that its year's rating ends before 15 January, not 15 December:
# the special case of Art. 9(1), which the demo's January decisions cite.
SPECIAL_CASE = "QĐ 5120/QĐ-UBND"


@dataclass(frozen=True)
class Rated:
    """One organisation's year: its plan's outcome, its points, and the decision."""

    unit: str | None  # None: the agency itself
    title: str | None  # the unit's name (None: the agency, or a unit already opened)
    general: str  # the recognising authority's points, ≤ 30 (Art. 6)
    tasks: str  # ≤ 70 (Art. 7)
    level: Level  # the level decided
    proposed: Level  # the organisation's own proposal (Art. 9(2)(a))
    late: int = 0  # completed, not on time
    exceeded: int = 1
    undone: int = 0
    force_majeure: str | None = None  # the reasons the undone tasks are excused
    verification: tuple[str, str, str] | None = None  # kind, grounds, findings


def good(unit: str | None, title: str | None = None) -> Rated:
    """80 points, every task on time, one exceeded: GOOD by its conditions."""
    return Rated(unit, title, "25", "55", Level.GOOD, Level.GOOD)


# The demo agency: its units as before (CCHC EXCELLENT, the others GOOD), the agency
# GOOD. CCHC is decided last of the units: the four GOOD make the quota's base.
OWN: tuple[Rated, ...] = (
    good("TCBC"),
    good("VP"),
    good("TTR"),
    good("CCVTLT"),
    Rated("CCHC", None, "28", "65", Level.EXCELLENT, Level.EXCELLENT, exceeded=4),
    Rated(None, None, "27", "58", Level.GOOD, Level.GOOD, exceeded=2),
)

# The other departments under the city: code, name, their organisations.
DEPARTMENTS: tuple[tuple[str, str, tuple[Rated, ...]], ...] = (
    (
        "STC-HN",
        "Sở Tài chính thành phố Hà Nội",
        (
            good("VP", "Văn phòng Sở"),
            good("NS", "Phòng Quản lý ngân sách"),
            good(None),
        ),
    ),
    (
        "SXD-HN",
        "Sở Xây dựng thành phố Hà Nội",
        (
            Rated("VP", "Văn phòng Sở", "24", "41", Level.COMPLETE, Level.GOOD, late=2),
            Rated(
                "QLXD",
                "Phòng Quản lý xây dựng",
                "25",
                "55",
                Level.GOOD,
                Level.GOOD,
                undone=4,
                force_majeure="Bão số 3 làm ngừng thi công 4 công trình trong kế hoạch",
            ),
            good(None),
        ),
    ),
    (
        "SYT-HN",
        "Sở Y tế thành phố Hà Nội",
        (
            good("VP", "Văn phòng Sở"),
            good("NVY", "Phòng Nghiệp vụ y"),
            good(None),
        ),
    ),
    (
        "STP-HN",
        "Sở Tư pháp thành phố Hà Nội",
        (
            good("VP", "Văn phòng Sở"),
            Rated("BTTP", "Phòng Bổ trợ tư pháp", "20", "25", Level.FAIL, Level.COMPLETE, undone=4),
            Rated(
                None,
                None,
                "28",
                "60",
                Level.GOOD,
                Level.EXCELLENT,
                exceeded=4,
                verification=(
                    "disunity",
                    "Phản ánh về dấu hiệu mất đoàn kết trong Ban Giám đốc Sở",
                    "Không có căn cứ kết luận mất đoàn kết nội bộ",
                ),
            ),
        ),
    ),
    (
        "SGDDT-HN",
        "Sở Giáo dục và Đào tạo thành phố Hà Nội",
        (
            good("VP", "Văn phòng Sở"),
            good("GDPT", "Phòng Giáo dục phổ thông"),
            Rated(None, None, "29", "67", Level.EXCELLENT, Level.EXCELLENT, exceeded=5),
        ),
    ),
    (
        "SKHCN-HN",
        "Sở Khoa học và Công nghệ thành phố Hà Nội",
        (
            good("VP", "Văn phòng Sở"),
            good("QLKH", "Phòng Quản lý khoa học"),
            Rated(
                None,
                None,
                "28",
                "65",
                Level.GOOD,
                Level.EXCELLENT,
                exceeded=4,  # beyond the quota
                verification=(
                    "complaint",
                    "Đơn phản ánh kết quả nhiệm vụ chuyển đổi số chưa đúng thực tế",
                    "Kết quả nhiệm vụ đúng như báo cáo",
                ),
            ),
        ),
    ),
)


def _rated(
    agency: str, org: Rated, number: int, year: int
) -> Iterator[tuple[Command, CommandContext]]:
    where = {"agency": agency, "unit": org.unit, "year": year}
    hr = CommandContext(Actor(f"hr-{agency.lower()}", Role.HR))
    ref = f"{agency}/{org.unit}" if org.unit else agency
    upper = agency if org.unit else MANAGING_AGENCY  # the body concerned (Art. 9(2)(b))
    yield from ((command, hr) for command in _plan(where, org))
    yield (
        c.SelfAssessOrganisation.model_validate(
            {
                **where,
                "general_points": org.general,
                "task_points": org.tasks,
                "proposed_level": org.proposed.value,
            }
        ),
        hr,
    )
    scores = {"general_points": org.general, "task_points": org.tasks}
    by_criterion = _split(Decimal(org.general), True) | _split(Decimal(org.tasks), False)
    yield (
        c.AssessOrganisation.model_validate({**where, **scores, "scores": by_criterion}),
        CommandContext(AUTHORITY),
    )
    if org.force_majeure:
        excused = [f"KH-{i + 1:02d}" for i in range(org.undone)]
        document = f"QĐ {number}/QĐ-BKK"
        yield (
            c.DecideForceMajeure.model_validate(
                {**where, "reasons": org.force_majeure, "excused": excused}
            ),
            CommandContext(AUTHORITY, document),
        )
    if org.verification:
        kind, grounds, findings = org.verification
        opened, report = f"Đơn {number}/2026", f"BC {number}/BC-TTr"
        yield (
            c.OpenOrganisationVerification.model_validate(
                {**where, "kind": kind, "grounds": grounds}
            ),
            CommandContext(AUTHORITY, opened),
        )
        yield (
            c.CloseOrganisationVerification.model_validate(
                {**where, "opened_ref": opened, "findings": findings}
            ),
            CommandContext(AUTHORITY, report),
        )
    decision = f"QĐ {number}/QĐ-XLTC"
    yield (
        c.DecideOrganisationRating.model_validate(
            {
                **where,
                "decision_no": decision,
                "level": org.level.value,
                "special_case_ref": SPECIAL_CASE,
            }
        ),
        CommandContext(AUTHORITY, decision),
    )
    yield (
        c.NotifyOrganisationRating.model_validate(
            {**where, "decision_no": decision, "recipients": [ref, upper]}
        ),
        CommandContext(AUTHORITY),
    )


def _split(total: Decimal, general: bool) -> dict[str, str]:
    """``total`` shared among the general (or the task) criteria in proportion to their
    maxima, to the half point; the last takes what is left."""
    group = [(code, Decimal(m)) for code, clause, _, m in CRITERIA if (clause[0] == "6") is general]
    whole = sum(m for _, m in group)
    shares = {code: (2 * total * m / whole).to_integral_value() / 2 for code, m in group[:-1]}
    shares[group[-1][0]] = total - sum(shares.values())
    return {code: str(points) for code, points in shares.items()}


def _plan(where: Mapping[str, object], org: Rated) -> Iterator[Command]:
    for i in range(TASKS):
        done = i >= org.undone
        on_time = done and i >= org.undone + org.late
        yield c.RecordPlanTask.model_validate(
            {
                **where,
                "task": f"KH-{i + 1:02d}",
                "completed": done,
                "on_time": on_time,
                "exceeded": done and i >= TASKS - org.exceeded,
            }
        )


def organisation_commands(year: int) -> Iterator[tuple[Command, CommandContext]]:
    """The city, its departments and their units, rated for ``year``: each unit before
    its department, the departments last (Art. 9(1))."""
    yield c.RegisterAgency(code=MANAGING_AGENCY, title=MANAGING_TITLE), CommandContext(ADMIN)
    for code, title, _ in DEPARTMENTS:
        yield (
            c.RegisterAgency(code=code, title=title, managing_agency=MANAGING_AGENCY),
            CommandContext(ADMIN),
        )
    adopted = [
        {"code": code, "clause": clause, "title": title, "max_points": maximum}
        for code, clause, title, maximum in CRITERIA
    ]
    yield (
        c.AdoptOrganisationCriteria.model_validate(
            {"agency": MANAGING_AGENCY, "version": 1, "effective_year": year, "criteria": adopted}
        ),
        CommandContext(AUTHORITY, CRITERIA_DOCUMENT),
    )
    document, ratio = UNIT_GRANT
    yield (
        c.GrantOrganisationQuotaRatio.model_validate(
            {"agency": AGENCY, "year": year, "ratio": ratio}
        ),
        CommandContext(AUTHORITY, document),
    )
    everyone = ((AGENCY, AGENCY_TITLE, OWN), *DEPARTMENTS)
    number = 300
    for code, _, organisations in everyone:
        for org in organisations:
            if org.title is not None:
                opened = c.OpenUnit(agency=code, unit=org.unit or "", title=org.title)
                yield opened, CommandContext(ADMIN)
    for code, _, organisations in everyone:
        for org in organisations:
            number += 1
            yield from _rated(code, org, number, year)
