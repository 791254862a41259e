"""The province's organisation on 1 January: agencies with a board and units,
a catalogue each (with a factor change in July), and their civil servants."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

from benchmarks.common.province.records import History, Person, Saver, Size, at, manager, pick
from benchmarks.common.province.shape import (
    ADMIN,
    AGENCIES,
    AUTHORITY,
    BOARD,
    BOARD_DEPUTY,
    BOARD_HEAD,
    FACTOR_CHANGE,
    FAMILY,
    GIVEN,
    MIDDLE,
    PRODUCTS,
    PROFILES,
    PROVINCE,
    STAFF_POSITIONS,
    UNIT_DEPUTY,
    UNIT_HEAD,
    UNIT_NAMES,
    UNIT_SIZE,
)
from demo import GOOD
from domain.actors import Actor, CommandContext, Role
from domain.agency import Agency, agency_id
from domain.catalogue import Catalogue, catalogue_id
from domain.servant import CivilServant, servant_id
from domain.values import LeadershipRole


class Organisation:
    """Who works where, and who evaluates whom; built agency by agency."""

    def __init__(
        self, rng: random.Random, size: Size, year: int, saver: Saver, history: History
    ) -> None:
        self.rng, self.size, self.year, self.saver, self.history = rng, size, year, saver, history
        self.people: list[Person] = []
        self.heads: dict[tuple[str, str], Person] = {}  # (agency, unit) → head
        self.units: dict[str, list[str]] = {}  # agency → its non-board units
        self.factors: dict[str, dict[str, list[tuple[date, Decimal]]]] = {}

    def organise(self, number: int, jan1: date) -> None:
        """Agency ``number``: its board and units, its catalogue, its servants."""
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
            managing_agency=managing_agency(number, self.size.groups),
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


def managing_agency(number: int, groups: int) -> str:
    """The province's committee; with several groups, one committee per group (the
    agencies dealt round them), as for agencies of several provinces in one store."""
    return PROVINCE if groups == 1 else f"{PROVINCE}-{number % groups + 1}"
