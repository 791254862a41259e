"""Commands of discipline decisions and competent conclusions (Art. 11(3), 20(4))."""

from __future__ import annotations

from pydantic import (
    Field,
)

from domain.commands.base import Command, Day, Year
from domain.text import Code, Reason
from domain.values import (
    ConclusionKind,
    DisciplineForm,
)


class RecordDiscipline(Command):
    name = "record_discipline"
    decision_no: Code
    servant: Code
    form: DisciplineForm
    public_service_related: bool
    violation_ref: Code | None = None
    decided_on: Day
    counted_year: Year | None = Field(
        None,
        description="Defaults to the year decided, or the year of a violation at a former "
        "organisation (Art. 11(3)(c–d))",
    )
    related_decision: Code | None = Field(
        None,
        description="The servant's other discipline decision (Party or administrative) for "
        "the same act: the two count once (Art. 11(3)(a))",
    )
    violation_agency: Code | None = Field(
        None,
        description="The organisation where the violation happened, when it is not the "
        "servant's agency on the day decided (Art. 11(3)(c–d))",
    )
    violation_on: Day | None = Field(
        None, description="When the violation happened (with violation_agency)"
    )


class AnnulDiscipline(Command):
    name = "annul_discipline"
    decision_no: Code
    reason: Reason
    appeal_ref: Code | None = None


class RecordConclusion(Command):
    name = "record_conclusion"
    conclusion_no: Code
    servant: Code
    kind: ConclusionKind
    year: Year
    concluded_on: Day
    violation_ref: Code | None = Field(
        None,
        description="The violation concluded on: a later discipline decision for it (same "
        "violation_ref) does not count again (Art. 11(3)(b))",
    )


class WithdrawConclusion(Command):
    name = "withdraw_conclusion"
    conclusion_no: Code
    reason: Reason
    appeal_ref: Code | None = None
