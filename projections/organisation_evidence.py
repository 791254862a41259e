"""Which records an organisation's year of rating (Chapter II) rests on, and its
explanation as an evidence bundle carries it.

The organisation view (``projections.organisation_view``) reads more than the
organisation's own year: its agency (name, units, the agencies it manages), the
recognising authority (its scope, its quota grants), the agency whose criteria set
the points were given on (Art. 7(2)), the organisations under it (Art. 8(1)(b),
9(1)) and those sharing the authority's EXCELLENT quota (Art. 8(5)) — and, for an
agency among them, the organisations under that agency, whose FAIL bars it from
EXCELLENT and so changes its place in the quota.

As for servants (``projections.closure``), the same function runs on the whole log
and on the proven events: on a closed set of records it finds the same set again.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.agency import Agency, agency_id
from domain.organisation_scope import recognising_authority, under
from domain.organisation_year import OrganisationYear, organisation_year_id
from projections.organisation_view import StateFinder, organisation_year_view
from projections.state import DomainState


def organisation_records(
    state: DomainState, agency_code: str, unit: str | None, year: int
) -> set[UUID]:
    """Every record whose events the view of ``agency_code`` (or its ``unit``) in
    ``year`` reads."""
    find = StateFinder(state)
    records = {agency_id(agency_code), organisation_year_id(agency_code, unit, year)}
    agency = find.find(Agency, agency_id(agency_code))
    org = find.find(OrganisationYear, organisation_year_id(agency_code, unit, year))
    if agency is not None and org is not None:
        if org.criteria_scores is not None:
            records.add(agency_id(org.criteria_scores[0]))
        scope = list(under(find, agency, year)) if unit is None else []
        authority = recognising_authority(find, agency, unit)
        if authority is not None:
            records.add(authority.id)
            scope += under(find, authority, year)
        for _, other in scope:
            records.add(other.id)
            if other.unit_code is None:  # an agency: its FAIL under it (Art. 8(1)(b))
                records.add(agency_id(other.agency_code))
                found = find.find(Agency, agency_id(other.agency_code))
                if found is not None:
                    records |= {below.id for _, below in under(find, found, year)}
    return {r for r in records if r in state.by_id}


def organisation_positions(
    state: DomainState, agency_code: str, unit: str | None, year: int
) -> set[int]:
    records = organisation_records(state, agency_code, unit, year)
    return {p for record in records for p in state.sources(record)}


def organisation_explanation(
    state: DomainState, agency_code: str, unit: str | None, year: int, position: int
) -> dict[str, Any] | None:
    """The view as of ``position``, as a bundle shows it (None: nothing recorded)."""
    row = organisation_year_view(state, agency_code, unit, year)
    return None if row is None else {**row, "position": position}
