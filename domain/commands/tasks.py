"""Commands of the catalogue and of tasks (Art. 13–18): products, assignment, reassignment,
results and their assessment."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
)

from domain.commands.base import Amount, CheckedStrings, Command, Day, PeriodCode
from domain.text import TEXT_RULE, Code, Reason, Text
from domain.values import (
    AssessmentOutcome,
    ExemptionScope,
)


class AddProduct(Command):
    name = "add_product"
    agency: Code
    product: Code
    title: Reason
    position: Code
    complexity_group: Annotated[int, Field(ge=1, le=5)]
    factor: Amount
    effective_from: Day


class ChangeFactor(Command):
    name = "change_factor"
    agency: Code
    product: Code
    factor: Amount
    effective_from: Day


class WithdrawProduct(Command):
    name = "withdraw_product"
    agency: Code
    product: Code
    effective_from: Day


class AssignTask(Command):
    name = "assign_task"
    task: Code
    servant: Code
    product: Code
    quantity: Amount
    period: PeriodCode
    assigned_on: Day
    deadline: Day
    ad_hoc: bool = Field(False, description="Counted outside the assigned total (Art. 18(1)(d))")
    title: Text = ""


ReassignmentCause = Literal["cannot_complete", "coordination", "mistake"]


class ReassignTask(Command):
    """Hand a task to another servant (Art. 18(1)(d)). Only ``cannot_complete`` (the
    holder reported they cannot complete it, ``report_ref``) keeps it in the first
    holder's assigned total as not completed; another cause moves it."""

    name = "reassign_task"
    task: Code
    to_servant: Code
    on: Day
    reason: Reason
    cause: ReassignmentCause = Field(
        description="cannot_complete (the holder's report), coordination, or mistake"
    )
    report_ref: Code | None = Field(
        None, description="The holder's report that they cannot complete (cannot_complete)"
    )
    deadline: Day | None = Field(None, description="The taker's deadline (default: unchanged)")


class CancelTask(Command):
    """A task assigned by mistake: it then counts for nobody."""

    name = "cancel_task"
    task: Code
    reason: Reason


class CorrectTask(Command):
    """Correct a task's quantity or deadline before any result is submitted."""

    name = "correct_task"
    task: Code
    reason: Reason
    quantity: Amount | None = None
    deadline: Day | None = None


# The largest document a result may attach: its bytes are hashed, never stored in the log.
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class Attachment(CheckedStrings):
    """A document attached to a result, recorded by its file name, its SHA-256
    content hash and its size: whoever holds the file can prove it is the one."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=255), TEXT_RULE]
    sha256: Annotated[
        str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$"), AfterValidator(str.lower)
    ] = Field(description="SHA-256 of the file's bytes, 64 hex characters")
    size: Annotated[int, Field(ge=1, le=MAX_ATTACHMENT_BYTES)] = Field(
        description="The file's size in bytes"
    )


class SubmitResult(Command):
    name = "submit_result"
    task: Code
    completed_quantity: Amount
    completed_on: Day
    note: Text = ""
    attachment: Attachment | None = Field(
        None, description="The result's document: name, SHA-256 and size (not its bytes)"
    )


class AssessResult(Command):
    name = "assess_result"
    task: Code
    outcome: AssessmentOutcome
    note: Text = ""


class AmendAssessment(Command):
    name = "amend_assessment"
    task: Code
    assessment: Annotated[int, Field(ge=1)]
    outcome: AssessmentOutcome
    reason: Reason
    appeal_ref: Code | None = None


class ConfirmObjectiveCause(Command):
    name = "confirm_objective_cause"
    task: Code
    scope: ExemptionScope
    reason: Reason


class RecordDelay(Command):
    name = "record_delay"
    task: Code
    reason: Reason
