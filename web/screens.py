"""What every screen of one agency's year shares: the agency and year in the
path, the caller's unit (a manager sees their unit only, by the same rule as the
API), names beside codes, and the filter values read from the query string."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path

from api import reads, reads_analysis
from domain.errors import InvalidValue, NotAuthorised
from domain.values import Level
from projections.directory import Directory
from web.deps import SignedInDep, Viewer

Row = dict[str, Any]
AgencyCode = Annotated[str, Path(min_length=1, max_length=64)]
YearNumber = Annotated[int, Path(ge=2000, le=2100)]
LEVEL_CODES = tuple(level.value for level in Level)


@dataclass(frozen=True)
class AgencyYear:
    viewer: Viewer
    agency: str
    year: int
    unit: str | None  # the unit the caller is confined to (a manager), else None
    names: Directory

    @property
    def base(self) -> str:
        return f"/agencies/{self.agency}/years/{self.year}"

    def with_names(self, rows: list[Row]) -> list[Row]:
        """Each row with the servant's and the unit's names beside their codes."""
        for row in rows:
            row["servant_name"] = self.names.servant(row.get("servant_code"))
            row["unit_name"] = self.names.unit(row.get("agency_code"), row.get("unit_code"))
        return rows

    @property
    def may_compare(self) -> bool:
        """Whether the caller may compare the agency's units and evaluators (what-if,
        leniency): the API's rule, asked here so the tabs show only where they open."""
        try:
            reads_analysis.agency_wide(self.viewer.scope, self.agency)
        except NotAuthorised:
            return False
        return True

    def units(self) -> list[tuple[str, str]]:
        found = self.names.units_of(self.agency)
        return [(code, name) for code, name in found if self.unit in (None, code)]


def agency_year(agency: AgencyCode, year: YearNumber, who: SignedInDep) -> AgencyYear:
    unit = reads.unit_in_scope(who.scope, agency, None)  # refuses those outside the agency
    return AgencyYear(who, agency, year, unit, Directory(who.svc.views.projector.state))


AgencyYearDep = Annotated[AgencyYear, Depends(agency_year)]


def optional(value: str | None) -> str | None:
    """A filter left at "all" comes as an empty string."""
    return value.strip() or None if value is not None else None


def position_filter(value: str | None) -> int | None:
    """A log position typed in a form ("as of"); left empty, now."""
    text = optional(value)
    if text is None:
        return None
    if not text.isdigit() or len(text) > 19:
        raise InvalidValue(f"a log position is a whole number of 0 or more, not {text!r}")
    return int(text)


def level_filter(value: str | None) -> str | None:
    level = optional(value)
    if level is not None and level not in LEVEL_CODES:
        raise InvalidValue(f"level must be one of {', '.join(LEVEL_CODES)}")
    return level
