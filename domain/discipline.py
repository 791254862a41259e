"""Discipline decisions and competent conclusions: the automatic FAIL triggers
of Art. 20(4), with the counting rules of Art. 11(3)."""

from __future__ import annotations

from datetime import date
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
        decision_no: str
        servant_code: str
        form: str
        public_service_related: bool
        violation_ref: str | None  # one violation counts once (Party and administrative)
        decided_on: date
        counted_year: int
        agency_code: str  # the organisation where the violation happened

        def apply(self, decision: DisciplineDecision) -> None:
            decision.decision_no = self.decision_no
            decision.servant_code = self.servant_code
            decision.form = self.form
            decision.public_service_related = self.public_service_related
            decision.violation_ref = self.violation_ref
            decision.decided_on = self.decided_on
            decision.counted_year = self.counted_year
            decision.agency_code = self.agency_code

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


class AuthorityConclusion(Audited):
    """A competent conclusion (degradation, Party-rule breach, corruption…)."""

    TOPIC = "minhbach.discipline:AuthorityConclusion"

    class Recorded(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.discipline:ConclusionRecorded"
        conclusion_no: str
        servant_code: str
        kind: str
        year: int
        concluded_on: date

        def apply(self, conclusion: AuthorityConclusion) -> None:
            conclusion.conclusion_no = self.conclusion_no
            conclusion.servant_code = self.servant_code
            conclusion.kind = self.kind
            conclusion.year = self.year
            conclusion.concluded_on = self.concluded_on

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
