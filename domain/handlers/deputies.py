"""The area a deputy is in charge of (Art. 15(4)): the units and servants whose
period levels make the deputy's d, from a date."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.errors import InvalidValue, OutsideUnit
from domain.handlers.common import (
    Outcome,
    Records,
    load_agency,
    load_servant,
    require_employed_on,
    require_unit,
)
from domain.scope import authority_rank, require_role, require_source
from domain.servant import CivilServant, servant_id
from domain.values import LeadershipRole

AREA_ROLES = (Role.HR, Role.AUTHORITY)


def assign_deputy_area(
    records: Records, cmd: c.AssignDeputyArea, ctx: CommandContext, at: datetime
) -> Outcome:
    """A unit's deputy takes units and staff of their unit only; a board deputy, units
    and servants of the agency outside the board (those the deputy ranks above)."""
    require_role(ctx, AREA_ROLES, "assign deputies' areas")
    require_source(ctx, "a deputy's area")
    day = cmd.effective_from
    deputy = load_servant(records, ctx, cmd.deputy, day)
    require_employed_on(deputy, day)
    placement = deputy.placement_on(day)
    if placement.leadership is not LeadershipRole.DEPUTY:
        raise InvalidValue(
            f"{deputy.code} is not a deputy on {day.isoformat()}", servant=deputy.code
        )
    units, servants = tuple(dict.fromkeys(cmd.units)), tuple(dict.fromkeys(cmd.servants))
    if not units and not servants:
        raise InvalidValue("a deputy's area names at least one unit or servant")
    agency = load_agency(records, ctx, placement.agency_code)
    board = agency.leadership_unit()
    on_board = placement.unit_code == board
    for unit in units:
        require_unit(agency, unit)
        if unit == board or (not on_board and unit != placement.unit_code):
            raise OutsideUnit(
                f"unit {unit} is outside the area {deputy.code} may be in charge of",
                unit=unit,
            )
    rank = authority_rank(placement, agency)
    for code in servants:
        other = records.load(CivilServant, servant_id(code), f"civil servant {code}")
        require_employed_on(other, day)
        where = other.placement_on(day)
        inside = where.agency_code == agency.code and (
            on_board or where.unit_code == placement.unit_code
        )
        if code == deputy.code or not inside or authority_rank(where, agency) >= rank:
            raise OutsideUnit(
                f"{code} is outside the area {deputy.code} may be in charge of",
                servant=code,
            )
    deputy.record(
        CivilServant.DeputyAreaAssigned,
        ctx,
        at,
        effective=day,
        agency_code=agency.code,
        unit_codes=units,
        servant_codes=servants,
    )
    return Outcome([deputy], {"id": str(deputy.id)})
