"""What every document reads from the replayed records: who the servant is, where
they work, and plain JSON values for the document's data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.agency import Agency
from domain.errors import NotFound
from domain.servant import CivilServant
from projections.state import DomainState


def text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def jsonable(value: Any) -> Any:
    """Rows of the read models as JSON values (dates and decimals as text)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def servant_of(state: DomainState, code: str) -> CivilServant:
    servant = state.servants.get(code)
    if servant is None:
        raise NotFound(f"civil servant {code} not found")
    return servant


def agency_of(state: DomainState, code: str) -> Agency:
    agency = state.agencies.get(code)
    if agency is None:
        raise NotFound(f"agency {code} not found")
    return agency


def agency_header(agency: Agency) -> dict[str, str]:
    return {"code": agency.code, "name": agency.name}


def unit_name(agency: Agency | None, unit_code: str) -> str:
    unit = agency.units.get(unit_code) if agency else None
    return unit.name if unit else unit_code


def servant_header(state: DomainState, code: str, day: date) -> dict[str, str]:
    """The form's "Họ và tên / Chức vụ, chức danh / Đơn vị công tác" on ``day``."""
    servant = servant_of(state, code)
    placement = servant.placement_on(day)
    agency = state.agencies.get(placement.agency_code)
    return {
        "code": code,
        "full_name": servant.full_name,
        "position": placement.position,
        "leadership": placement.leadership.value,
        "agency_code": placement.agency_code,
        "unit_code": placement.unit_code,
        "unit_name": unit_name(agency, placement.unit_code),
    }
