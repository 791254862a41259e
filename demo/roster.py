"""The people of the demo agency and who evaluates whom (Art. 10)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from demo.agency import (
    AGENCY,
    AUTHORITY,
    BOARD,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    POSITIONS,
    ROSTER,
    Profile,
)
from domain.actors import Actor, CommandContext, Role
from domain.values import (
    LeadershipRole,
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
