"""Petitions against a notified classification (Art. 22).

An appeal never edits history: the reviewer's corrections are ordinary new
events (an amended assessment, re-scored criteria, an annulled discipline
decision, a replacing classification decision) that name the appeal, and the
appeal records each of them. The authority must resolve it within 7 working
days of receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id


def appeal_id(agency_code: str, appeal_no: str) -> UUID:
    """Appeal numbers are the receiving agency's: the same number in two agencies
    names two appeals."""
    return stable_id("appeal", agency_code, appeal_no)


def legacy_appeal_id(appeal_no: str) -> UUID:
    """The id of an appeal recorded when numbers were national (still loaded)."""
    return stable_id("appeal", appeal_no)


@dataclass(frozen=True)
class Correction:
    command: str  # e.g. "amend_assessment"
    target: str  # what it corrected: a task, a decision, a period…


class Appeal(Audited):
    TOPIC = "minhbach.appeal:Appeal"

    class Filed(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.appeal:Filed"
        appeal_no: str
        servant_code: str
        agency_code: str
        year: int
        decision_no: str  # the classification decision appealed against
        grounds: str
        received_on: date
        due_on: date  # received_on + the resolution period in working days

        def apply(self, appeal: Appeal) -> None:
            appeal.appeal_no = self.appeal_no
            appeal.servant_code = self.servant_code
            appeal.agency_code = self.agency_code
            appeal.year = self.year
            appeal.decision_no = self.decision_no
            appeal.received_on = self.received_on
            appeal.due_on = self.due_on

    class ReviewerAssigned(Audited.Event):
        TOPIC = "minhbach.appeal:ReviewerAssigned"
        reviewer: str  # the principal who reviews it

        def apply(self, appeal: Appeal) -> None:
            appeal.reviewer = self.reviewer

    class CorrectionRecorded(Audited.Event):
        TOPIC = "minhbach.appeal:CorrectionRecorded"
        command: str
        target: str

        def apply(self, appeal: Appeal) -> None:
            appeal.corrections.append(Correction(self.command, self.target))

    class Resolved(Audited.Event):
        TOPIC = "minhbach.appeal:Resolved"
        outcome: str  # "upheld" or "amended"
        reason: str
        resolved_on: date

        def apply(self, appeal: Appeal) -> None:
            appeal.outcome = self.outcome
            appeal.resolved_on = self.resolved_on

    def __init__(self) -> None:
        self.appeal_no = ""
        self.servant_code = ""
        self.agency_code = ""
        self.year = 0
        self.decision_no = ""
        self.received_on = date.min
        self.due_on = date.min
        self.reviewer: str | None = None
        self.corrections: list[Correction] = []
        self.outcome: str | None = None
        self.resolved_on: date | None = None

    @property
    def open(self) -> bool:
        return self.outcome is None
