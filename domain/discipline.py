"""Discipline decisions and competent conclusions: the automatic FAIL triggers
of Art. 20(4), with the counting rules of Art. 11(3)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id


def discipline_id(decision_no: str) -> UUID:
    return stable_id("discipline", decision_no)


def conclusion_id(conclusion_no: str) -> UUID:
    return stable_id("conclusion", conclusion_no)


class DisciplineDecision(Audited):
    TOPIC = "minhbach.discipline:DisciplineDecision"

    class Recorded(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.discipline:Recorded"
        class_version = 2
        decision_no: str
        servant_code: str
        form: str
        public_service_related: bool
        violation_ref: str | None  # one violation counts once (Party and administrative)
        decided_on: date
        counted_year: int
        agency_code: str  # the servant's agency on the day decided (whose HR recorded it)
        # The servant's other decision for the same act (Party or administrative).
        related_decision: str | None
        # Where and when the violation happened, when recorded (Art. 11(3)(c–d)).
        violation_agency: str | None
        violation_on: date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Decisions recorded before links and violation places were kept.
            state["related_decision"] = None
            state["violation_agency"] = None
            state["violation_on"] = None

        def apply(self, decision: DisciplineDecision) -> None:
            decision.decision_no = self.decision_no
            decision.servant_code = self.servant_code
            decision.form = self.form
            decision.public_service_related = self.public_service_related
            decision.violation_ref = self.violation_ref
            decision.decided_on = self.decided_on
            decision.counted_year = self.counted_year
            decision.agency_code = self.agency_code
            decision.related_decision = self.related_decision
            decision.violation_agency = self.violation_agency
            decision.violation_on = self.violation_on

    class Annulled(Audited.Event):
        TOPIC = "minhbach.discipline:Annulled"
        reason: str
        appeal_ref: str | None

        def apply(self, decision: DisciplineDecision) -> None:
            decision.annulled = True

    def __init__(self) -> None:
        self.decision_no = ""
        self.servant_code = ""
        self.form = ""
        self.public_service_related = False
        self.violation_ref: str | None = None
        self.decided_on = date.min
        self.counted_year = 0
        self.agency_code = ""
        self.annulled = False
        self.related_decision: str | None = None
        self.violation_agency: str | None = None
        self.violation_on: date | None = None

    @property
    def at_former_organisation(self) -> str | None:
        """The organisation of the violation, when it is not the deciding one."""
        if self.violation_agency is not None and self.violation_agency != self.agency_code:
            return self.violation_agency
        return None


class AuthorityConclusion(Audited):
    """A competent conclusion (degradation, Party-rule breach, corruption…)."""

    TOPIC = "minhbach.discipline:AuthorityConclusion"

    class Recorded(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.discipline:ConclusionRecorded"
        class_version = 2
        conclusion_no: str
        servant_code: str
        kind: str
        year: int
        concluded_on: date
        violation_ref: str | None  # the violation concluded on (Art. 11(3)(b))

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["violation_ref"] = None

        def apply(self, conclusion: AuthorityConclusion) -> None:
            conclusion.conclusion_no = self.conclusion_no
            conclusion.servant_code = self.servant_code
            conclusion.kind = self.kind
            conclusion.year = self.year
            conclusion.concluded_on = self.concluded_on
            conclusion.violation_ref = self.violation_ref

    class Withdrawn(Audited.Event):
        TOPIC = "minhbach.discipline:ConclusionWithdrawn"
        reason: str
        appeal_ref: str | None

        def apply(self, conclusion: AuthorityConclusion) -> None:
            conclusion.withdrawn = True

    def __init__(self) -> None:
        self.conclusion_no = ""
        self.servant_code = ""
        self.kind = ""
        self.year = 0
        self.concluded_on = date.min
        self.withdrawn = False
        self.violation_ref: str | None = None
