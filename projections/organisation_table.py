"""The organisations' results as a recognising authority publishes them (Art. 8(5),
9(2)(b)): one row per organisation in its head's scope — its units and the agencies
it manages — with the points, the level by the conditions and the decided level."""

from __future__ import annotations

from domain.agency import Agency, agency_id
from domain.organisation_scope import under
from projections.organisation_view import StateFinder, organisation_year_view
from projections.state import DomainState

ORGANISATION_COLUMNS = (
    "organisation",
    "agency_code",
    "unit_code",
    "name",
    "total",
    "computed_level",
    "level",
    "decision_no",
    "status",
)


def organisation_table(
    state: DomainState, authority_code: str, year: int
) -> list[dict[str, str | None]]:
    """Text values, sorted by organisation; empty when the authority is unknown or
    nothing in its scope has a year of rating opened."""
    find = StateFinder(state)
    authority = find.find(Agency, agency_id(authority_code))
    if authority is None:
        return []
    rows = []
    for ref, org in under(find, authority, year):
        view = organisation_year_view(state, org.agency_code, org.unit_code, year)
        if view is None:
            continue
        assessed = view["assessment"]
        rulings = view["decisions"]
        row = {
            "organisation": ref,
            "agency_code": org.agency_code,
            "unit_code": org.unit_code,
            "name": view["unit_name"] if org.unit_code else view["agency_name"],
            "total": assessed["total"] if assessed else None,
            "computed_level": view["computed_level"],
            "level": view["level"],
            "decision_no": rulings[-1]["decision_no"] if rulings else None,
            "status": view["status"],
        }
        rows.append({k: None if v is None else str(v) for k, v in row.items()})
    return sorted(rows, key=lambda r: str(r["organisation"]))
