"""Commands of personnel decisions taken on classifications (Art. 23(3)) and of publishing
results."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    StringConstraints,
)

from domain.commands.base import CheckedStrings, Command, Day, Year
from domain.text import Code, Reason, Text
from domain.values import (
    Level,
)

DecisionKind = Literal["lower_position", "dismissal", "higher_position", "commendation"]


class ProposeDecision(Command):
    """HR proposes a personnel decision on named classification(s) (Art. 23(3))."""

    name = "propose_decision"
    decision_no: Code
    kind: DecisionKind
    servant: Code
    basis_years: Annotated[tuple[Year, ...], Field(min_length=1, max_length=10)]
    reason: Reason


class ApproveDecision(Command):
    """A second person approves (four eyes)."""

    name = "approve_decision"
    decision_no: Code
    note: Text = ""
    agency: Code | None = Field(
        None, description="The agency it is numbered in (default: the actor's own)"
    )


class ExecuteDecision(Command):
    name = "execute_decision"
    decision_no: Code
    executed_on: Day
    agency: Code | None = Field(
        None, description="The agency it is numbered in (default: the actor's own)"
    )


class AcknowledgedBasis(CheckedStrings):
    year: Year
    decision_no: Code
    decided_level: Level | None = None
    computed_level: Level | None = None


class ReviewDecision(Command):
    """After a basis was revised: keep the decision (confirmed) or revoke it."""

    name = "review_decision"
    decision_no: Code
    outcome: Literal["confirmed", "revoked"]
    reason: Reason
    acknowledged: Annotated[tuple[AcknowledgedBasis, ...], Field(min_length=1, max_length=10)]
    agency: Code | None = Field(
        None, description="The agency it is numbered in (default: the actor's own)"
    )


PublishedValue = Annotated[str, StringConstraints(max_length=200)] | None


class PublishResults(Command):
    """Publish an agency's annual results as computed at a log position."""

    name = "publish_results"
    agency: Code
    year: Year
    position: Annotated[int, Field(ge=0)]
    policy_id: Code
    policy_version: Annotated[int, Field(ge=1)]
    digest: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    rows: Annotated[tuple[dict[Code, PublishedValue], ...], Field(max_length=100_000)]


class PublishOrganisationResults(PublishResults):
    """Publish the results of the organisations an agency's head recognises (its
    units and the agencies it manages, Art. 5), as computed at a log position."""

    name = "publish_organisation_results"
