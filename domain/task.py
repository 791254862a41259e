"""A task assigned from the catalogue, its results and their assessments (Art. 14, 18).

The task copies the product's conversion factor on the day it is assigned.
Reassignment (Art. 18(1)(d)) of a task its holder reported they cannot
complete keeps it in that holder's assigned total; whoever takes it over
counts its completed units outside their own assigned total. A reassignment
for coordination or a mistake moves the task instead. A cancelled task counts
for nobody; a correction changes quantity or deadline before any result.
Assessments are never edited: an amendment is a new event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id
from domain.values import AssessmentOutcome, ExemptionScope


def task_id(code: str) -> UUID:
    return stable_id("task", code)


@dataclass(frozen=True)
class Attachment:
    """A result's document by name, SHA-256 content hash and size; its bytes stay outside."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Submission:
    number: int
    servant_code: str
    completed_quantity: Decimal
    completed_on: date
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Assessment:
    number: int
    submission: int
    outcome: AssessmentOutcome


class Task(Audited):
    TOPIC = "minhbach.task:Task"

    class Assigned(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.task:Assigned"
        code: str
        agency_code: str
        servant_code: str
        product_code: str
        factor: Decimal
        quantity: Decimal
        period: str
        assigned_on: date
        deadline: date
        ad_hoc: bool
        title: str

        def apply(self, task: Task) -> None:
            task.code = self.code
            task.agency_code = self.agency_code
            task.assignee = self.servant_code
            task.holder = self.servant_code
            task.counted_for = self.servant_code
            task.product_code = self.product_code
            task.factor = self.factor
            task.quantity = self.quantity
            task.period = self.period
            task.assigned_on = self.assigned_on
            task.deadline = self.deadline
            task.ad_hoc = self.ad_hoc
            task.title = self.title

    class Reassigned(Audited.Event):
        TOPIC = "minhbach.task:Reassigned"
        class_version = 2
        to_servant: str
        on: date
        reason: str
        cause: str  # cannot_complete | coordination | mistake
        report_ref: str | None  # the holder's report, for cannot_complete
        deadline: date | None  # the taker's deadline; None: unchanged

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Recorded when every reassignment kept the task with its first holder.
            state["cause"] = "cannot_complete"
            state["report_ref"] = None
            state["deadline"] = None

        def apply(self, task: Task) -> None:
            if self.cause != "cannot_complete" and task.counted_for == task.holder:
                task.counted_for = self.to_servant  # moved: the taker's own task now
            task.holder = self.to_servant
            if self.deadline is not None:
                task.deadline = self.deadline

    class Cancelled(Audited.Event):
        """Assigned by mistake: the task counts in nobody's result."""

        TOPIC = "minhbach.task:Cancelled"
        reason: str

        def apply(self, task: Task) -> None:
            task.cancelled = True

    class Corrected(Audited.Event):
        """Quantity or deadline corrected before any result was submitted."""

        TOPIC = "minhbach.task:Corrected"
        quantity: Decimal | None
        deadline: date | None
        reason: str

        def apply(self, task: Task) -> None:
            if self.quantity is not None:
                task.quantity = self.quantity
            if self.deadline is not None:
                task.deadline = self.deadline

    class ResultSubmitted(Audited.Event):
        TOPIC = "minhbach.task:ResultSubmitted"
        class_version = 2
        submission: int
        servant_code: str
        completed_quantity: Decimal
        completed_on: date
        note: str
        # The attached document (v2), all three or none: its bytes are not in the log.
        attachment_name: str | None
        attachment_sha256: str | None
        attachment_size: int | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Recorded before a result could attach a document.
            state["attachment_name"] = None
            state["attachment_sha256"] = None
            state["attachment_size"] = None

        def apply(self, task: Task) -> None:
            attachment = None
            if self.attachment_name is not None and self.attachment_sha256 is not None:
                attachment = Attachment(
                    self.attachment_name, self.attachment_sha256, self.attachment_size or 0
                )
            task.submissions.append(
                Submission(
                    self.submission,
                    self.servant_code,
                    self.completed_quantity,
                    self.completed_on,
                    attachment,
                )
            )

    class Assessed(Audited.Event):
        TOPIC = "minhbach.task:Assessed"
        assessment: int
        submission: int
        outcome: str
        note: str

        def apply(self, task: Task) -> None:
            task.assessments[self.assessment] = Assessment(
                self.assessment, self.submission, AssessmentOutcome(self.outcome)
            )

    class AssessmentAmended(Audited.Event):
        """A corrected outcome for an earlier assessment (e.g. after an appeal)."""

        TOPIC = "minhbach.task:AssessmentAmended"
        assessment: int
        outcome: str
        reason: str
        appeal_ref: str | None

        def apply(self, task: Task) -> None:
            old = task.assessments[self.assessment]
            task.assessments[self.assessment] = Assessment(
                old.number, old.submission, AssessmentOutcome(self.outcome)
            )

    class ObjectiveCauseConfirmed(Audited.Event):
        """A competent authority confirmed an objective cause: a deduction is waived."""

        TOPIC = "minhbach.task:ObjectiveCauseConfirmed"
        scope: str
        reason: str

        def apply(self, task: Task) -> None:
            scope = ExemptionScope(self.scope)
            task.quality_exempt |= scope in (ExemptionScope.QUALITY, ExemptionScope.BOTH)
            task.progress_exempt |= scope in (ExemptionScope.PROGRESS, ExemptionScope.BOTH)

    class DelayRecorded(Audited.Event):
        """A delay noted by the evaluator (counted under ``per_recorded_delay``)."""

        TOPIC = "minhbach.task:DelayRecorded"
        reason: str

        def apply(self, task: Task) -> None:
            task.recorded_delays += 1

    def __init__(self) -> None:
        self.code = ""
        self.agency_code = ""
        self.assignee = ""
        self.holder = ""
        # Whose assigned total the task counts in (the assignee unless it moved).
        self.counted_for = ""
        self.cancelled = False
        self.product_code = ""
        self.factor = Decimal(0)
        self.quantity = Decimal(0)
        self.period = ""
        self.assigned_on = date.min
        self.deadline = date.min
        self.ad_hoc = False
        self.title = ""
        self.submissions: list[Submission] = []
        self.assessments: dict[int, Assessment] = {}
        self.quality_exempt = False
        self.progress_exempt = False
        self.recorded_delays = 0

    @property
    def units(self) -> Decimal:
        """Standard product units: quantity × the factor copied at assignment."""
        return self.quantity * self.factor

    def unassessed_submission(self) -> Submission | None:
        assessed = {a.submission for a in self.assessments.values()}
        pending = [s for s in self.submissions if s.number not in assessed]
        return pending[-1] if pending else None

    def is_accepted(self) -> bool:
        return any(a.outcome is AssessmentOutcome.ACCEPTED for a in self.assessments.values())
