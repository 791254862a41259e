"""The few facts that decided an annual classification, as structured data: the
one-page reading of an explanation (which rule settled the level, with the
numbers and documents it turned on, and the article of the decree).

Derived from the same annual row and basis as the explanation's steps, so the
short reading and the full arithmetic can never disagree. A reader (the web page,
a report) words each ``kind``; nothing here is language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.agency import Agency
from domain.organisation_year import OrganisationYear, organisation_year_id
from domain.policy.classification import (
    REASON_FAIL_TRIGGER,
    REASON_NO_SCORE,
    REASON_ORGANISATION_CAP,
    REASON_ORGANISATION_PENDING,
    REASON_TIME_WORKED,
)
from domain.policy.fail_triggers import FailTrigger
from projections.pools import led_organisation, organisation_level
from projections.rows import COMPARED
from projections.state import DomainState

Row = dict[str, Any]


def findings(
    row: Row,
    basis: Row,
    state: DomainState,
    documents: Mapping[str, Sequence[int]],
    ratio: Decimal | None = None,
) -> list[Row]:
    """What settled ``row`` (an annual row), most decisive first. ``documents``: the
    log positions of each discipline decision and conclusion, by its number;
    ``ratio``: the quota ratio the servant's pool applied."""
    reason = row["reason"]
    found: list[Row] = []
    if reason == REASON_TIME_WORKED:
        found.append(
            {
                "kind": "time_worked",
                "months_worked": row["months_worked"],
                "minimum": str(basis["_policy"].min_months_worked),
                "rule": "Art. 11(1)",
            }
        )
    elif reason == REASON_NO_SCORE:
        found.append({"kind": "no_score", "rule": "Art. 17(3)"})
    elif reason == REASON_FAIL_TRIGGER:
        found += _triggers(row["servant_code"], basis["_triggers"], state, documents)
    if row["annual_score"] is not None and reason not in (REASON_TIME_WORKED, REASON_NO_SCORE):
        found.append(
            {
                "kind": "score",
                "annual_score": row["annual_score"],
                "level": row["level_by_score"],
                "periods": row["scorable_periods"],
                "rule": "Art. 17(3); Art. 20(1–3)",
            }
        )
    if row["quota_verdict"] is not None:
        found.append(_quota(row, ratio))
    if reason == REASON_ORGANISATION_CAP:
        agency = state.agencies.get(row["agency_code"])
        level = organisation_level(agency, basis)
        found.append(
            {
                "kind": "organisation_cap",
                "organisation_level": level.value if level else None,
                "rule": "Art. 20(6)",
                **_organisation(state, agency, basis),
            }
        )
    elif reason == REASON_ORGANISATION_PENDING:
        agency = state.agencies.get(row["agency_code"])
        found.append(
            {
                "kind": "organisation_pending",
                "rule": "Art. 20(6)",
                **_organisation(state, agency, basis),
            }
        )
    if row["decided_level"] is not None:
        found.append(
            {
                "kind": "decided",
                "level": row["decided_level"],
                "decision_no": row["decision_no"],
                "departs": row["departs_from_proposal"],
                "departure_reason": row["departure_reason"],
                "rule": "Art. 21",
            }
        )
    return found


def _quota(row: Row, ratio: Decimal | None) -> Row:
    kinds = {"EXCELLENT": "quota_within", "GOOD": "quota_moved_down", "PENDING": "quota_tie"}
    return {
        "kind": kinds[row["quota_verdict"]],
        "group": row["pool_group"],
        "authority": row["pool_authority"],
        "limit": row["quota_limit"],
        "rank": row["quota_rank"],
        "ratio": str(ratio) if ratio is not None else None,
        "tied_with": [code for code in row["tied_with"] if code != row["servant_code"]],
        "rule": "Art. 20(5)",
    }


def _triggers(
    servant: str,
    triggers: Sequence[FailTrigger],
    state: DomainState,
    documents: Mapping[str, Sequence[int]],
) -> list[Row]:
    found: list[Row] = []
    disciplines = state.disciplines.get(servant, {})
    conclusions = state.conclusions.get(servant, {})
    for trigger in triggers:
        for ref in trigger.refs:
            events = sorted(documents.get(ref, ()))
            decision = next((d for d in disciplines.values() if d.decision_no == ref), None)
            if trigger.source == "discipline" and decision is not None:
                found.append(
                    {
                        "kind": "discipline",
                        "decision_no": ref,
                        "form": decision.form,
                        "decided_on": decision.decided_on.isoformat(),
                        "public_service_related": decision.public_service_related,
                        "events": events,
                        "rule": trigger.rule,
                    }
                )
                continue
            conclusion = next((c for c in conclusions.values() if c.conclusion_no == ref), None)
            found.append(
                {
                    "kind": "conclusion",
                    "conclusion_no": ref,
                    "conclusion_kind": conclusion.kind if conclusion else None,
                    "events": events,
                    "rule": trigger.rule,
                }
            )
    return found


def changes(then: Row | None, now: Row | None) -> list[Row]:
    """The compared fields whose values differ between two readings of one result."""
    before, after = then or {}, now or {}
    return [
        {"field": name, "then": before.get(name), "now": after.get(name)}
        for name in COMPARED
        if before.get(name) != after.get(name)
    ]


def _organisation(state: DomainState, agency: Agency | None, basis: Row) -> Row:
    """The organisation whose level caps the head, and — when it is rated under Chapter
    II — its own explanation: the decision and the level its points and conditions give
    (``GET /organisations/{agency}/years/{year}``)."""
    if agency is None:
        return {}
    unit = led_organisation(agency, basis)
    cited: Row = {"organisation_agency": agency.code, "organisation_unit": unit}
    org = state.by_id.get(organisation_year_id(agency.code, unit, basis["year"]))
    if isinstance(org, OrganisationYear) and org.rulings:
        last = org.rulings[-1]
        cited["organisation_decision"] = last.decision_no
        cited["organisation_computed"] = last.computed_level
        cited["rule"] = "Art. 20(6); Art. 8"
    return cited
