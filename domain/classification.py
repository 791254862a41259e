"""A servant's annual classification: HR's proposal and the competent
authority's decision (Art. 21). A later decision replaces an earlier one
(Art. 21(3)) as a new event; the earlier one stays readable."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id


def classification_id(servant_code: str, year: int) -> UUID:
    return stable_id("classification", servant_code, str(year))


class Classification(Audited):
    TOPIC = "minhbach.classification:Classification"

    class Opened(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.classification:Opened"
        servant_code: str
        year: int

        def apply(self, classification: Classification) -> None:
            classification.servant_code = self.servant_code
            classification.year = self.year

    class Proposed(Audited.Event):
        """The HR office's proposal: the computed one, or a departure with its reason."""

        TOPIC = "minhbach.classification:Proposed"
        class_version = 2
        level: str | None  # None: not classified (under 6 months worked)
        annual_score: str | None
        basis: str  # what the proposal rests on, e.g. "log position 1234, policy ND335-2025 v1"
        computed_level: str | None  # what the facts gave when HR proposed
        departure_reason: str | None  # required when ``level`` differs from it

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Proposals recorded before the computed level was checked and kept.
            state["computed_level"] = state["level"]
            state["departure_reason"] = None

        def apply(self, classification: Classification) -> None:
            classification.proposed = True
            classification.proposed_level = self.level
            classification.proposal_departure_reason = self.departure_reason

    class Decided(Audited.Event):
        """The competent authority's decision, with the meeting and Party references."""

        TOPIC = "minhbach.classification:Decided"
        class_version = 2
        decision_no: str
        level: str
        proposed_level: str | None  # HR's proposal
        minutes_ref: str
        party_committee_ref: str | None
        departure_reason: str | None  # required when the level differs from the computed one
        replaces: str | None  # the decision number this one replaces (Art. 21(3))
        computed_level: str | None  # what the facts gave when the decision was taken

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Decisions recorded when departures were measured against HR's proposal.
            state["computed_level"] = state["proposed_level"]

        def apply(self, classification: Classification) -> None:
            classification.decisions.append(self.decision_no)
            classification.decided_level = self.level
            classification.levels[self.decision_no] = self.level
            classification.departure_reason = self.departure_reason

    class Notified(Audited.Event):
        """The servant was notified of the decided result (Art. 21(2)); the
        petition period runs from here (Art. 22)."""

        TOPIC = "minhbach.classification:Notified"
        decision_no: str
        notified_on: date

        def apply(self, classification: Classification) -> None:
            classification.notified = (self.decision_no, self.notified_on)

    def __init__(self) -> None:
        self.servant_code = ""
        self.year = 0
        self.proposed = False  # HR has proposed
        self.proposed_level: str | None = None
        self.proposal_departure_reason: str | None = None  # HR's, when departing
        self.departure_reason: str | None = None  # the latest decision's, when departing
        self.decided_level: str | None = None
        self.levels: dict[str, str] = {}  # every decision's level, by decision number
        self.decisions: list[str] = []
        self.notified: tuple[str, date] | None = None  # (decision, date) last notified
