"""The write-path workload, shared by ``write_path.py`` and ``ledger_cost.py``.

A fresh database is set up, untimed, with the real commands (ADMIN and HR
contexts): one agency (a board and 3 units), 42 civil servants (a head and 2
deputies on the board; a head, a deputy and 11 staff in each unit) and a
catalogue of 10 products. The timed part is N "work items"; each item is, for
one staff member and a fresh task code:

* ``assign_task`` (the unit's head or deputy),
* ``submit_result`` (the servant),
* ``assess_result`` (the same manager),
* and every 4th item a ``score_criteria`` of all ten general criteria.

Inputs are prepared before timing as JSON-like dicts (dates and decimals as
text), as the HTTP and import paths receive them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.storage import Storage

SCORE_EVERY = 4  # a score_criteria every this many work items

# A fixed clock: the events' recorded time does not matter here, and the
# periods below (2026-01 … 2026-10) must all lie in its past.
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

AGENCY = "SO-TC"
BOARD = "BGD"
UNITS = ("P1", "P2", "P3")
STAFF_PER_UNIT = 11
PRODUCTS = tuple(f"SP{n:02d}" for n in range(1, 11))
SCORES = {
    "I.1": "5",
    "I.2": "4.5",
    "II.1": "2.5",
    "II.2": "2",
    "II.3": "2.5",
    "II.4": "2",
    "III.1": "1.5",
    "III.2": "2.5",
    "III.3": "2",
    "III.4": "2.5",
}
ADMIN = CommandContext(Actor("admin", Role.ADMIN))
HR = CommandContext(Actor("hr-office", Role.HR))


def clock() -> datetime:
    return NOW


def clocked_app(storage: Storage) -> MinhBach:
    """The application on ``storage`` with the workload's fixed clock."""
    return MinhBach(storage, clock=clock)


# --- the organisation (setup, untimed) -----------------------------------------


@dataclass(frozen=True)
class Staff:
    code: str
    unit: str
    head: str
    deputy: str


def staff_list() -> list[Staff]:
    return [
        Staff(f"{unit}-NV{n:02d}", unit, f"{unit}-TP", f"{unit}-PP")
        for n in range(1, STAFF_PER_UNIT + 1)
        for unit in UNITS
    ]


def set_up(storage: Storage) -> None:
    """Register the agency, its units, servants and catalogue with real commands."""
    app = clocked_app(storage)
    try:
        run = app.execute
        run(c.RegisterAgency(code=AGENCY, title="Sở Tài chính"), ADMIN)
        run(c.OpenUnit(agency=AGENCY, unit=BOARD, title="Ban giám đốc", is_leadership=True), ADMIN)
        for unit in UNITS:
            run(
                c.OpenUnit(agency=AGENCY, unit=unit, title=f"Phòng {unit}", is_leadership=False),
                ADMIN,
            )
        hired = date(2020, 1, 1)
        board = [("GD", "head"), ("PGD1", "deputy"), ("PGD2", "deputy")]
        people: list[tuple[str, str, str]] = [
            (f"{BOARD}-{code}", BOARD, role) for code, role in board
        ]
        for unit in UNITS:
            people += [(f"{unit}-TP", unit, "head"), (f"{unit}-PP", unit, "deputy")]
        people += [(s.code, s.unit, "staff") for s in staff_list()]
        for code, unit, role in people:
            command = c.RegisterServant.model_validate(
                {
                    "code": code,
                    "full_name": f"Nguyễn Văn {code}",
                    "agency": AGENCY,
                    "unit": unit,
                    "position": "chuyen-vien" if role == "staff" else "lanh-dao",
                    "leadership": role,
                    "employed_from": hired,
                }
            )
            run(command, HR)
        for n, product in enumerate(PRODUCTS):
            product_command = c.AddProduct(
                agency=AGENCY,
                product=product,
                title=f"Sản phẩm {product}",
                position="chuyen-vien",
                complexity_group=1 + n % 5,
                factor=Decimal("0.5") + Decimal(n) / 4,
                effective_from=date(2025, 1, 1),
            )
            run(product_command, HR)
    finally:
        app.close()


# --- the timed work (prepared before timing) -------------------------------------


@dataclass(frozen=True)
class Step:
    """One command: its name, JSON-like arguments, the actor and an optional key."""

    command: str
    args: dict[str, Any]
    actor: str
    role: Role
    key: str | None


def work(items: int, with_keys: bool) -> list[Step]:
    staff = staff_list()
    steps: list[Step] = []
    for i in range(items):
        who = staff[i % len(staff)]
        manager = who.head if i % 2 == 0 else who.deputy
        month = 1 + (i // len(staff)) % 10
        period = f"2026-{month:02d}"
        task = f"T{i:06d}"

        def step(name: str, args: dict[str, Any], actor: str, role: Role) -> Step:
            key = f"bench/{task}/{name}" if with_keys else None  # noqa: B023
            return Step(name, args, actor, role, key)

        steps.append(
            step(
                "assign_task",
                {
                    "task": task,
                    "servant": who.code,
                    "product": PRODUCTS[i % len(PRODUCTS)],
                    "quantity": str(1 + i % 7),
                    "period": period,
                    "assigned_on": f"{period}-03",
                    "deadline": f"{period}-25",
                    "title": f"Hồ sơ số {i}",
                },
                manager,
                Role.MANAGER,
            )
        )
        steps.append(
            step(
                "submit_result",
                {
                    "task": task,
                    "completed_quantity": str(1 + i % 7),
                    "completed_on": f"{period}-20",
                    "note": "đã hoàn thành",
                },
                who.code,
                Role.CIVIL_SERVANT,
            )
        )
        steps.append(
            step(
                "assess_result",
                {"task": task, "outcome": "accepted" if i % 9 else "failed"},
                manager,
                Role.MANAGER,
            )
        )
        if i % SCORE_EVERY == 0:
            steps.append(
                step(
                    "score_criteria",
                    {"servant": who.code, "period": period, "scores": SCORES},
                    manager,
                    Role.MANAGER,
                )
            )
    return steps


def run_app(app: MinhBach, steps: list[Step]) -> None:
    for s in steps:
        command = c.COMMANDS[s.command].model_validate(s.args)
        app.execute(command, CommandContext(Actor(s.actor, s.role)), s.key)
