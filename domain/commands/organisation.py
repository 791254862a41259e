"""Commands of the organisation: agencies, units, civil servants, their placements, leave
and deputies' areas."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    Field,
)

from domain.commands.base import Command, Day
from domain.text import Code, Reason
from domain.values import (
    LeadershipRole,
    LeaveKind,
    PeriodKind,
)


class RegisterAgency(Command):
    name = "register_agency"
    code: Code
    title: Reason = Field(description="The agency's official name")
    period_kind: PeriodKind = PeriodKind.MONTH
    managing_agency: Code | None = None


class OpenUnit(Command):
    name = "open_unit"
    agency: Code
    unit: Code
    title: Reason
    is_leadership: bool = Field(False, description="The agency's board of head and deputies")


class RegisterServant(Command):
    name = "register_servant"
    code: Code = Field(description="Personnel code, unique nationally")
    full_name: Reason
    agency: Code
    unit: Code
    position: Code
    peer_group: Code | None = Field(None, description="Defaults to the job position")
    leadership: LeadershipRole = LeadershipRole.STAFF
    employed_from: Day


class PlaceServant(Command):
    """A change of agency, unit, position, peer group or leadership role."""

    name = "place_servant"
    servant: Code
    effective: Day
    agency: Code | None = None
    unit: Code | None = None
    position: Code | None = None
    peer_group: Code | None = None
    leadership: LeadershipRole | None = None


class RecordLeave(Command):
    name = "record_leave"
    servant: Code
    kind: LeaveKind
    start: Day
    end: Day


class RecordLeaving(Command):
    name = "record_leaving"
    servant: Code
    on: Day
    reason: Reason


class AssignDeputyArea(Command):
    """Art. 15(4): the units and/or servants a deputy is in charge of from a date (the
    assignment decision in ``source_ref``); it replaces the deputy's previous area from
    that date. Their d counts the servants of this area only."""

    name = "assign_deputy_area"
    deputy: Code
    units: Annotated[tuple[Code, ...], Field(max_length=100)] = ()
    servants: Annotated[tuple[Code, ...], Field(max_length=1000)] = ()
    effective_from: Day
