"""Personnel decisions taken on classifications (Art. 23(3)): proposed by HR on a
named basis the system checks, approved by a second person, executed — and
reviewed whenever their basis is revised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id


def personnel_decision_id(agency_code: str, decision_no: str) -> UUID:
    """Decision numbers are the issuing agency's, like the appeals' numbers."""
    return stable_id("personnel-decision", agency_code, decision_no)


def legacy_personnel_decision_id(decision_no: str) -> UUID:
    """The id of a decision recorded when numbers were national (still loaded)."""
    return stable_id("personnel-decision", decision_no)


@dataclass(frozen=True)
class Basis:
    """One classification a decision rests on, as it stood when relied upon."""

    year: int
    decision_no: str  # the classification decision
    level: str  # its decided level


@dataclass(frozen=True)
class Acknowledged:
    """What a review accepted for one basis year: the decision in force, its level,
    and the level the facts gave then."""

    year: int
    decision_no: str
    decided_level: str | None
    computed_level: str | None


class PersonnelDecision(Audited):
    TOPIC = "minhbach.personnel:PersonnelDecision"

    class Proposed(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.personnel:Proposed"
        decision_no: str
        kind: str
        servant_code: str
        agency_code: str
        basis: tuple[dict[str, str], ...]  # {"year", "decision_no", "level"}
        reason: str
        policy_id: str
        policy_version: int

        def apply(self, decision: PersonnelDecision) -> None:
            decision.decision_no = self.decision_no
            decision.kind = self.kind
            decision.servant_code = self.servant_code
            decision.agency_code = self.agency_code
            decision.basis = tuple(
                Basis(int(b["year"]), b["decision_no"], b["level"]) for b in self.basis
            )
            decision.proposed_by = self.actor
            decision.status = "proposed"

    class Approved(Audited.Event):
        TOPIC = "minhbach.personnel:Approved"
        note: str

        def apply(self, decision: PersonnelDecision) -> None:
            decision.approved_by = self.actor
            decision.status = "approved"

    class Executed(Audited.Event):
        TOPIC = "minhbach.personnel:Executed"
        executed_on: date

        def apply(self, decision: PersonnelDecision) -> None:
            decision.status = "executed"
            decision.executed_on = self.executed_on

    class Reviewed(Audited.Event):
        """A person looked at a revised basis and decided: keep or revoke."""

        TOPIC = "minhbach.personnel:Reviewed"
        outcome: str  # "confirmed" or "revoked"
        reason: str
        acknowledged: tuple[dict[str, str | None], ...]

        def apply(self, decision: PersonnelDecision) -> None:
            decision.acknowledged = tuple(
                Acknowledged(
                    int(str(a["year"])),
                    str(a["decision_no"]),
                    a.get("decided_level"),
                    a.get("computed_level"),
                )
                for a in self.acknowledged
            )
            decision.reviews += 1
            if self.outcome == "revoked":
                decision.status = "revoked"

    def __init__(self) -> None:
        self.decision_no = ""
        self.kind = ""
        self.servant_code = ""
        self.agency_code = ""
        self.basis: tuple[Basis, ...] = ()
        self.proposed_by = ""
        self.approved_by: str | None = None
        self.status = ""
        self.executed_on: date | None = None
        self.acknowledged: tuple[Acknowledged, ...] = ()
        self.reviews = 0
