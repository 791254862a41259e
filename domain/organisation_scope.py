"""The hierarchy of organisations rated under Chapter II (Art. 5, 8(5), 9(1)): who
recognises an organisation's results, which organisations share that authority's
EXCELLENT quota, and which organisations sit directly under another.

- A unit of an agency is recognised by the agency's head (Art. 5(3–4)).
- An agency itself is recognised by its managing agency's head (Art. 5(1–2)); an
  agency with no managing agency registered here is recognised outside the system.
- So the scope of one authority (an agency's head) is its agency's units and the
  agencies it manages: they share the quota of Art. 8(5), and they are the
  organisations under it, rated before it (Art. 9(1)).

Pure reads over a ``Finder`` (the handlers' records, or the projections' fold),
so the decision and the read model count the same organisations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeVar
from uuid import UUID

from domain.agency import Agency, agency_id
from domain.base import Audited
from domain.errors import InvalidValue
from domain.organisation_year import OrganisationYear, organisation_year_id
from domain.policy import policy_in_force
from domain.policy.organisation import (
    OrganisationFacts,
    OrganisationQuota,
    organisation_level,
    organisation_quota,
    plan_ratios,
)
from domain.policy.organisation_criteria import CriteriaSet, in_force
from domain.policy.quota import QuotaGrant
from domain.policy.steps import Computed
from domain.values import Level

T = TypeVar("T", bound=Audited)


class Finder(Protocol):
    def find(self, cls: type[T], aggregate_id: UUID) -> T | None: ...


def recognising_authority(find: Finder, agency: Agency, unit: str | None) -> Agency | None:
    """The agency whose head recognises the organisation (None: outside the system)."""
    if unit is not None:
        return agency
    if agency.managing_agency is None:
        return None
    return find.find(Agency, agency_id(agency.managing_agency))


def under(find: Finder, authority: Agency, year: int) -> list[tuple[str, OrganisationYear]]:
    """The organisations in the authority's scope with a year opened: its units (not
    the board) and the agencies it manages, each with its year of rating."""
    found: list[tuple[str, OrganisationYear]] = []
    for unit in sorted(authority.units):
        if unit == authority.leadership_unit():
            continue
        org = find.find(OrganisationYear, organisation_year_id(authority.code, unit, year))
        if org is not None:
            found.append((f"{authority.code}/{unit}", org))
    for code in sorted(authority.rated_agencies.get(year, ())):
        org = find.find(OrganisationYear, organisation_year_id(code, None, year))
        if org is not None:
            found.append((code, org))
    return found


def failed_under(find: Finder, agency: Agency, year: int) -> tuple[str, ...]:
    """Art. 8(1)(b) for an agency itself: the organisations directly under it whose
    decided level for the year is FAIL."""
    return tuple(ref for ref, org in under(find, agency, year) if org.level == Level.FAIL.value)


def rated_facts(find: Finder, org: OrganisationYear) -> OrganisationFacts | None:
    """What the level is computed from: the authority's findings, and for an agency
    itself also the organisations under it decided FAIL. None: nothing to rate on
    (not assessed, no plan, or every task excused)."""
    facts = org.facts()
    if facts is None or not org.tasks:
        return None
    try:
        plan_ratios(facts)
    except InvalidValue:
        return None
    if org.unit_code is None:
        agency = find.find(Agency, agency_id(org.agency_code))
        if agency is not None:
            named = set(facts.failed_subordinates) | set(failed_under(find, agency, org.year))
            facts = replace(facts, failed_subordinates=tuple(sorted(named)))
    return facts


def criteria_in_force(find: Finder, agency: Agency, year: int) -> CriteriaSet | None:
    """Art. 7(2): the set «bộ, cơ quan ngang bộ, Ủy ban nhân dân cấp tỉnh» adopted —
    the managing agency's, for the agency and its units alike — else the agency's own."""
    manager = recognising_authority(find, agency, None)
    found = in_force(manager.organisation_criteria, year) if manager else None
    return found or in_force(agency.organisation_criteria, year)


@dataclass(frozen=True)
class QuotaStanding:
    authority: str  # the agency whose head recognises the scope
    place: str  # "excellent", "good" (beyond the limit) or "pending" (tied across it)
    candidates: tuple[tuple[str, Decimal], ...]  # EXCELLENT by conditions, with points
    good: tuple[str, ...]  # the base: organisations rated GOOD
    quota: Computed[OrganisationQuota]


def quota_standing(find: Finder, agency: Agency, org: OrganisationYear) -> QuotaStanding | None:
    """Art. 8(5)(a) in the recognising authority's scope, ``org`` counted EXCELLENT and
    the others at their decided level, or their computed one while undecided. None:
    no authority here, or ``org`` has nothing to be rated on."""
    authority = recognising_authority(find, agency, org.unit_code)
    facts = rated_facts(find, org)
    if authority is None or facts is None:
        return None
    candidates = [(org.ref, facts.general_points + facts.task_points)]
    good: list[str] = []
    for ref, other in under(find, authority, org.year):
        other_facts = rated_facts(find, other)
        if ref == org.ref or other_facts is None:
            continue
        level = Level(other.level) if other.level else organisation_level(other_facts).value
        if level is Level.EXCELLENT:
            candidates.append((ref, other_facts.general_points + other_facts.task_points))
        elif level is Level.GOOD:
            good.append(ref)
    granted = authority.organisation_quota_grants.get(org.year)
    grant = QuotaGrant(granted[0], granted[1] or "") if granted else None
    policy = policy_in_force(date(org.year, 1, 1))
    quota = organisation_quota(policy, candidates, len(good), grant)
    place = "excellent" if org.ref in quota.value.excellent else "good"
    if org.ref in quota.value.pending:
        place = "pending"
    return QuotaStanding(authority.code, place, tuple(candidates), tuple(good), quota)
