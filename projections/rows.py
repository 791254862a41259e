"""The rows of the read models, made from derived results: an annual
classification, a personnel decision, an appeal, a discipline decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.appeal import Appeal
from domain.discipline import DisciplineDecision
from domain.personnel import PersonnelDecision
from domain.policy import (
    MemberStanding,
)

Row = dict[str, Any]

# Groups of an annual classification row's fields, in the order tables show them.
WHO = ("servant_code", "unit_code", "peer_group")
BY_SCORE = ("annual_score", "level_by_score")
DECIDED = ("decided_level", "decision_no")
# The fields a reader compares between two moments ("what changed since").
COMPARED = (
    *BY_SCORE,
    "status",
    "reason",
    "proposed_level",
    "quota_rank",
    "quota_limit",
    *DECIDED,
)


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def score_cents(score: Decimal | None) -> int | None:
    return None if score is None else int((score * 100).to_integral_value())


def annual_row(basis: Row, standing: MemberStanding, record: dict[str, Any]) -> Row:
    code = basis["servant_code"]
    entry = standing.entry
    quota = standing.quota.value if standing.quota is not None else None
    value = standing.proposal.value
    decided_level, decision_no = record["decided_level"], record["decision_no"]
    proposed = value.level.value if value.level else None
    hr_level = record["hr_proposed_level"]
    row = {k: v for k, v in basis.items() if not k.startswith("_")}
    row.update(
        {
            "level_by_score": value.level_by_score.value if value.level_by_score else None,
            "status": value.status,
            "reason": value.reason,
            "proposed_level": proposed,
            "quota_rank": entry.rank if entry else None,
            "quota_limit": quota.limit if quota and entry else None,
            "quota_verdict": entry.outcome.value if entry else None,
            "quota_good_count": quota.good_count if quota and entry else None,
            "tied_with": sorted(quota.tied_refs)
            if quota and entry and quota.tied_refs and code in quota.tied_refs
            else [],
            # HR's proposal: the computed one, or a departure with its reason (Art. 21).
            "hr_proposed_level": hr_level,
            "hr_departs": record["hr_proposed"] and hr_level != proposed,
            "hr_departure_reason": record["hr_departure_reason"],
            "proposal_recorded": record["hr_proposed"],
            "decided_level": decided_level,
            "decision_no": decision_no,
            "departs_from_proposal": decided_level is not None and decided_level != proposed,
            "departure_reason": record["departure_reason"] if decided_level else None,
            "decisions": record["decisions"],
            "appeals": record["appeals"],
            "notified_on": record["notified_on"],
        }
    )
    return row


def decision_row(decision: PersonnelDecision, current: list[dict[str, Any]]) -> Row:
    """A personnel decision and whether its basis moved since it was last looked at.

    What was last accepted is the basis as proposed (its decided level, and the
    expectation that the facts give that level too), or what the latest review
    acknowledged. Any difference flags the decision until a person reviews it."""
    if decision.acknowledged:
        accepted = {
            a.year: (a.decision_no, a.decided_level, a.computed_level)
            for a in decision.acknowledged
        }
    else:
        accepted = {b.year: (b.decision_no, b.level, b.level) for b in decision.basis}
    reasons = []
    for item in current:
        year = item["year"]
        was_decision, was_level, was_computed = accepted.get(year, (None, None, None))
        if item["decision_no"] != was_decision:
            reasons.append(
                f"{year}: classification decision {was_decision} replaced by {item['decision_no']}"
            )
        if item["decided_level"] != was_level:
            reasons.append(f"{year}: decided level {was_level} → {item['decided_level']}")
        if item["computed_level"] != was_computed:
            reasons.append(
                f"{year}: the facts now give {item['computed_level'] or 'no level'} "
                f"(relied on {was_computed})"
            )
    return {
        "decision_no": decision.decision_no,
        "kind": decision.kind,
        "servant_code": decision.servant_code,
        "agency_code": decision.agency_code,
        "status": decision.status,
        "proposed_by": decision.proposed_by,
        "approved_by": decision.approved_by,
        "executed_on": decision.executed_on,
        "basis": [
            {"year": b.year, "decision_no": b.decision_no, "level": b.level} for b in decision.basis
        ],
        "current": current,
        "flagged": bool(reasons) and decision.status != "revoked",
        "flag_reasons": reasons,
        "reviews": decision.reviews,
    }


def appeal_row(appeal: Appeal, positions: list[int]) -> Row:
    return {
        "appeal_no": appeal.appeal_no,
        "servant_code": appeal.servant_code,
        "agency_code": appeal.agency_code,
        "year": appeal.year,
        "decision_no": appeal.decision_no,
        "received_on": appeal.received_on,
        "due_on": appeal.due_on,
        "reviewer": appeal.reviewer,
        "status": appeal.outcome or "open",
        "resolved_on": appeal.resolved_on,
        "corrections": [{"command": c.command, "target": c.target} for c in appeal.corrections],
        "filed_at_position": positions[0] if positions else 0,
    }


def discipline_row(decision: DisciplineDecision) -> Row:
    return {
        "decision_no": decision.decision_no,
        "servant_code": decision.servant_code,
        "agency_code": decision.agency_code,
        "form": decision.form,
        "public_service_related": decision.public_service_related,
        "violation_ref": decision.violation_ref,
        "decided_on": decision.decided_on,
        "counted_year": decision.counted_year,
        "annulled": decision.annulled,
    }
