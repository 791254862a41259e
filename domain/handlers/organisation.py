"""Handlers of the organisation: agencies, units, civil servants, their placements and leave."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.actors import CommandContext
from domain.agency import Agency, agency_id
from domain.errors import (
    AlreadyExists,
    InvalidState,
    InvalidValue,
)
from domain.handlers.common import (
    SETUP_ROLES,
    Outcome,
    Records,
    created,
    load_agency,
    load_servant,
    require_absent,
    require_employed_on,
    require_unit,
)
from domain.scope import (
    check_agency,
    require_role,
)
from domain.servant import CivilServant, servant_id


def register_agency(
    records: Records, cmd: c.RegisterAgency, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "register agencies")
    check_agency(ctx, cmd.code)
    require_absent(records, Agency, agency_id(cmd.code), f"agency {cmd.code}")
    agency = Agency.start(
        Agency.Registered,
        agency_id(cmd.code),
        ctx,
        at,
        code=cmd.code,
        name=cmd.title,
        period_kind=cmd.period_kind.value,
        managing_agency=cmd.managing_agency,
    )
    return created(agency)


def open_unit(records: Records, cmd: c.OpenUnit, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, SETUP_ROLES, "open units")
    agency = load_agency(records, ctx, cmd.agency)
    if agency.has_unit(cmd.unit):
        raise AlreadyExists(f"unit {cmd.unit} already exists in {cmd.agency}")
    if cmd.is_leadership and agency.leadership_unit() is not None:
        raise InvalidState(f"{cmd.agency} already has its board {agency.leadership_unit()}")
    agency.record(
        Agency.UnitOpened,
        ctx,
        at,
        unit_code=cmd.unit,
        name=cmd.title,
        is_leadership=cmd.is_leadership,
    )
    return Outcome([agency], {"id": str(agency.id)})


def register_servant(
    records: Records, cmd: c.RegisterServant, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "register civil servants")
    agency = load_agency(records, ctx, cmd.agency)
    require_unit(agency, cmd.unit)
    require_absent(records, CivilServant, servant_id(cmd.code), f"civil servant {cmd.code}")
    servant = CivilServant.start(
        CivilServant.Registered,
        servant_id(cmd.code),
        ctx,
        at,
        code=cmd.code,
        full_name=cmd.full_name,
        agency_code=cmd.agency,
        unit_code=cmd.unit,
        position=cmd.position,
        peer_group=cmd.peer_group or cmd.position,
        leadership=cmd.leadership.value,
        employed_from=cmd.employed_from,
    )
    return created(servant)


def place_servant(
    records: Records, cmd: c.PlaceServant, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "change placements")
    servant = load_servant(records, ctx, cmd.servant)
    require_employed_on(servant, cmd.effective)
    current = servant.placement_on(cmd.effective)
    if cmd.agency is not None and cmd.agency != current.agency_code and cmd.unit is None:
        raise InvalidValue("a move to another agency must name the unit there")
    agency_code = cmd.agency or current.agency_code
    agency = load_agency(records, ctx, agency_code)
    unit = cmd.unit or current.unit_code
    require_unit(agency, unit)
    position = cmd.position or current.position
    servant.record(
        CivilServant.Placed,
        ctx,
        at,
        effective=cmd.effective,
        agency_code=agency_code,
        unit_code=unit,
        position=position,
        peer_group=cmd.peer_group or (position if cmd.position else current.peer_group),
        leadership=(cmd.leadership or current.leadership).value,
    )
    return Outcome([servant], {"id": str(servant.id)})


def record_leave(
    records: Records, cmd: c.RecordLeave, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "record leave")
    servant = load_servant(records, ctx, cmd.servant)
    if cmd.end < cmd.start:
        raise InvalidValue("leave ends before it starts")
    require_employed_on(servant, cmd.start)
    servant.record(
        CivilServant.LeaveRecorded, ctx, at, kind=cmd.kind.value, start=cmd.start, end=cmd.end
    )
    return Outcome([servant], {"id": str(servant.id)})


def record_leaving(
    records: Records, cmd: c.RecordLeaving, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "record leaving")
    servant = load_servant(records, ctx, cmd.servant)
    if servant.left_on is not None:
        raise InvalidState(f"{cmd.servant} already left on {servant.left_on.isoformat()}")
    if cmd.on < servant.employed_from:
        raise InvalidValue("leaving date is before employment started")
    servant.record(CivilServant.Left, ctx, at, on=cmd.on, reason=cmd.reason)
    return Outcome([servant], {"id": str(servant.id)})
