"""Loading the demo into an application, and the people to act as."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from demo.agency import AUTHORITY, BOARD, SEED, TIED
from demo.commands import demo_commands
from demo.roster import Servant, build_roster
from domain import commands as c
from domain.actors import Actor, Role
from domain.application import MinhBach

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
