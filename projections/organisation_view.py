"""One organisation's year of rating under Chapter II, as a reader sees it: its work
plan, the self-assessment and the recognising authority's scores, each level's
conditions met or not, the quota of the authority's scope, the verifications, the
decisions and their notification, the organisations under it — from the
projections' fold, so "as of" a past position is the fold of a shorter log.

Every step names its article; ``events`` are the log positions behind the year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from domain.agency import Agency, agency_id
from domain.base import Audited
from domain.errors import DomainError
from domain.organisation_scope import quota_standing, rated_facts, recognising_authority, under
from domain.organisation_year import OrganisationYear, Ruling, organisation_year_id
from domain.policy.organisation import organisation_level, plan_ratios
from domain.policy.organisation_deadline import timing_step
from domain.policy.steps import Step
from projections.state import DomainState

Row = dict[str, Any]
T = TypeVar("T", bound=Audited)


class StateFinder:
    """The fold's aggregates, found as the handlers find records."""

    def __init__(self, state: DomainState) -> None:
        self.state = state

    def find(self, cls: type[T], aggregate_id: UUID) -> T | None:
        found = self.state.by_id.get(aggregate_id)
        return found if isinstance(found, cls) else None


def _step(step: Step) -> Row:
    return {
        "key": step.key,
        "label": step.label,
        "formula": step.formula,
        "substitution": step.substitution,
        "result": step.result,
        "rule": step.rule,
        "refs": list(step.refs),
    }


def _scores(general: Any, tasks: Any) -> Row:
    return {
        "general_points": str(general),
        "task_points": str(tasks),
        "total": str(general + tasks),
    }


def _criteria(find: StateFinder, adopted_by: str, version: int, scores: dict[str, Decimal]) -> Row:
    """The scores criterion by criterion, beside the set they were given on (Art. 7(2))."""
    agency = find.find(Agency, agency_id(adopted_by))
    sets = [s for s in (agency.organisation_criteria if agency else ()) if s.version == version]
    known = sets[0].by_code() if sets else {}
    return {
        "agency": adopted_by,
        "version": version,
        "document_ref": sets[0].document_ref if sets else None,
        "scores": [
            {
                "code": code,
                "clause": known[code].clause if code in known else None,
                "title": known[code].title if code in known else None,
                "max_points": str(known[code].max_points) if code in known else None,
                "points": str(points),
            }
            for code, points in sorted(scores.items(), key=lambda item: _order(known, item[0]))
        ],
    }


def _ruling(ruling: Ruling, year: int) -> Row:
    """A decision as read, with when it was taken against Art. 9(1)'s deadlines."""
    day = ruling.decided_on
    return {
        **vars(ruling),
        "decided_on": day.isoformat() if day else None,
        "timing": _step(timing_step(year, day, ruling.special_case_ref)) if day else None,
    }


def _order(known: dict[str, Any], code: str) -> tuple[int, str]:
    """In the set's own order (Art. 6 before Art. 7), an unknown code last."""
    codes = list(known)
    return (codes.index(code) if code in known else len(codes), code)


def _status(org: OrganisationYear, computable: bool, undecided: list[str]) -> str:
    if org.open_verifications():
        return "verification_open"
    if org.decisions:
        return "decided"
    if not computable:
        return "not_assessed"
    return "awaiting_subordinates" if undecided else "ready"


def organisation_year_view(
    state: DomainState, agency_code: str, unit: str | None, year: int
) -> Row | None:
    """The year of ``agency_code`` itself (``unit`` None) or of one of its units; None
    when the agency is unknown or nothing is recorded for that year."""
    find = StateFinder(state)
    agency = find.find(Agency, agency_id(agency_code))
    org = find.find(OrganisationYear, organisation_year_id(agency_code, unit, year))
    if agency is None or org is None:
        return None
    authority = recognising_authority(find, agency, unit)
    facts = rated_facts(find, org)
    excused = org.force_majeure.excused if org.force_majeure else frozenset()
    row: Row = {
        "organisation": org.ref,
        "agency": agency.code,
        "agency_name": agency.name,
        "unit": unit,
        "unit_name": agency.units[unit].name if unit in agency.units else None,
        "year": year,
        "authority": authority.code if authority else None,
        "authority_name": authority.name if authority else None,
        "plan": [
            {**vars(task), "excused": task.ref in excused}
            for task in (org.tasks[ref] for ref in sorted(org.tasks))
        ],
        "self_assessment": None,
        "assessment": None,
        "force_majeure": None,
        "criteria": None,
        "computed_level": None,
        "steps": [],
        "quota": None,
        "level": org.level,
        "decisions": [_ruling(ruling, year) for ruling in org.rulings],
        "notified": {number: list(to) for number, to in org.notified.items()},
        "verifications": [vars(v) for v in org.verifications.values()],
        "under": [],
        "events": list(state.positions.get(org.id, ())),
    }
    if org.self_assessment is not None:
        general, tasks, proposed = org.self_assessment
        row["self_assessment"] = {**_scores(general, tasks), "proposed_level": proposed}
    if org.assessment is not None:
        a = org.assessment
        row["assessment"] = {
            **_scores(a.general_points, a.task_points),
            "failed_subordinates": list(facts.failed_subordinates if facts else ()),
            "open_shortcomings": list(a.open_shortcomings),
            "violations": list(a.violations),
        }
    if org.criteria_scores is not None:
        row["criteria"] = _criteria(find, *org.criteria_scores)
    if org.force_majeure is not None:
        fm = org.force_majeure
        row["force_majeure"] = {
            "document_ref": fm.document_ref,
            "reasons": fm.reasons,
            "excused": sorted(fm.excused),
        }
    if facts is not None:
        try:
            computed = organisation_level(facts)
        except DomainError:  # points recorded under other rules: shown, not rated
            computed = None
        if computed is not None:
            row["computed_level"] = computed.value.value
            row["steps"] = [_step(step) for step in computed.steps]
            row["ratios"] = vars(plan_ratios(facts).value)
    standing = quota_standing(find, agency, org) if row["computed_level"] == "EXCELLENT" else None
    if standing is not None:
        quota = standing.quota
        row["quota"] = {
            "authority": standing.authority,
            "place": standing.place,
            "limit": quota.value.limit,
            "candidates": [{"organisation": r, "points": str(p)} for r, p in standing.candidates],
            "good": list(standing.good),
            "excellent": list(quota.value.excellent),
            "pending": list(quota.value.pending),
            "steps": [_step(step) for step in quota.steps],
        }
    undecided: list[str] = []
    if unit is None:
        for ref, sub in under(find, agency, year):
            row["under"].append({"organisation": ref, "level": sub.level})
            if not sub.decisions:
                undecided.append(ref)
    row["status"] = _status(org, row["computed_level"] is not None, undecided)
    return row
