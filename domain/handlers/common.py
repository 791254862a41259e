"""What every handler needs: the records it reads, the outcome it returns, and the
loading and checking helpers shared across aggregates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar
from uuid import UUID

from domain.actors import CommandContext, Role
from domain.agency import Agency, agency_id
from domain.base import Audited
from domain.errors import AlreadyExists, InvalidValue, NotFound, OutsideEmployment
from domain.policy import PoolFacts
from domain.principal import Principal, principal_id
from domain.scope import check_agency
from domain.servant import CivilServant, servant_id
from domain.values import Period

T = TypeVar("T", bound=Audited)
N = TypeVar("N", bound=Audited)

SETUP_ROLES = (Role.ADMIN, Role.HR)
EVALUATOR_ROLES = (Role.MANAGER, Role.AUTHORITY)


class Records(Protocol):
    """What a handler may read: aggregates by id, and the derived facts of a year."""

    def load(self, cls: type[T], aggregate_id: UUID, what: str) -> T: ...

    def find(self, cls: type[T], aggregate_id: UUID) -> T | None: ...

    def pool_facts(self, servant: str, year: int) -> PoolFacts | None:
        """The quota pool ``servant`` is classified in for ``year``, as the projections
        derive it from the whole log as it stands now (None: nothing derived)."""
        ...

    def principal_ids(self) -> list[UUID]:
        """Every principal ever registered (for the admin roster's first count)."""
        ...


class YearFacts(Protocol):
    """Where the derived facts come from: a fold of the log, caught up to ``position``
    (the projections' own derivation, never a second implementation)."""

    def pool_facts(self, servant: str, year: int, position: int) -> PoolFacts | None: ...


@dataclass
class Outcome:
    """The aggregates with new events to save, and what to tell the caller."""

    aggregates: list[Audited]
    result: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Records, Any, CommandContext, datetime], Outcome]


def created(aggregate: Audited, **extra: str) -> Outcome:
    return Outcome([aggregate], {"id": str(aggregate.id), **extra})


def require_absent(records: Records, cls: type[T], aggregate_id: UUID, what: str) -> None:
    if records.find(cls, aggregate_id) is not None:
        raise AlreadyExists(f"{what} already exists")


def acting_manager(records: Records, ctx: CommandContext) -> CivilServant | None:
    if ctx.actor.role is not Role.MANAGER:
        return None
    return records.find(CivilServant, servant_id(ctx.actor.id))


def load_agency(records: Records, ctx: CommandContext, code: str) -> Agency:
    check_agency(ctx, code)
    return records.load(Agency, agency_id(code), f"agency {code}")


def load_servant(
    records: Records, ctx: CommandContext, code: str, on: date | None = None
) -> CivilServant:
    servant = records.load(CivilServant, servant_id(code), f"civil servant {code}")
    placement = servant.placement if on is None else servant.placement_on(on)
    check_agency(ctx, placement.agency_code)
    return servant


def load_servant_and_agency(
    records: Records, ctx: CommandContext, code: str, on: date
) -> tuple[CivilServant, Agency]:
    servant = load_servant(records, ctx, code, on)
    return servant, load_agency(records, ctx, servant.placement_on(on).agency_code)


def parse_period(code: str) -> Period:
    try:
        return Period.parse(code)
    except ValueError as error:
        raise InvalidValue(str(error), period=code) from None


def require_employed_in(servant: CivilServant, period: Period) -> None:
    if not servant.employed_during(period.first_day, period.last_day):
        raise OutsideEmployment(
            f"{servant.code} was not employed in {period.code}",
            servant=servant.code,
            period=period.code,
        )


def require_positive(value: Decimal, error: type[InvalidValue], what: str) -> None:
    if not value.is_finite() or value <= 0:
        raise error(f"{what} must be greater than 0, got {value}", value=str(value))


def require_unit(agency: Agency, unit: str) -> None:
    if not agency.has_unit(unit):
        raise NotFound(f"unit {unit} not found in agency {agency.code}", unit=unit)


def require_employed_on(servant: CivilServant, day: date) -> None:
    if not servant.employed_during(day, day):
        raise OutsideEmployment(
            f"{servant.code} is not employed on {day.isoformat()}", servant=servant.code
        )


def find_numbered(
    records: Records,
    cls: type[N],
    number: str,
    agencies: list[str],
    new_id: Callable[[str, str], UUID],
    legacy_id: Callable[[str], UUID],
) -> N | None:
    """A record numbered per agency, in the first of ``agencies`` that has it — or
    one recorded when numbers were national, if its agency is among them (or no
    agency is known)."""
    for agency in agencies:
        found = records.find(cls, new_id(agency, number))
        if found is not None:
            return found
    legacy = records.find(cls, legacy_id(number))
    if legacy is not None and (not agencies or getattr(legacy, "agency_code", None) in agencies):
        return legacy
    return None


def agency_of_numbered(ctx: CommandContext, agency: str | None) -> list[str]:
    """The agency a command names a numbered record in: its own, or the actor's."""
    chosen = agency or ctx.actor.agency
    if chosen is None:
        return []
    check_agency(ctx, chosen)  # scope before state
    return [chosen]


def require_numbered(found: N | None, agencies: list[str], what: str) -> N:
    if found is not None:
        return found
    if not agencies:
        raise InvalidValue(f"{what} not found: numbers are per agency, name its 'agency'")
    raise NotFound(f"{what} not found in {agencies[0]}")


def agencies_of(servant: CivilServant) -> list[str]:
    """Every agency a servant has been placed in, the latest first."""
    seen: list[str] = []
    for placement in reversed(servant.placements):
        if placement.agency_code not in seen:
            seen.append(placement.agency_code)
    return seen


def load_principal(records: Records, name: str) -> Principal:
    return records.load(Principal, principal_id(name), f"principal {name}")
