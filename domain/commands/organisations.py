"""Commands of rating organisations under Chapter II (Art. 5–9): the work plan, the
self-assessment and the authority's scores, force majeure, the decided level and
the organisations' quota."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from domain.commands.base import Amount, CheckedStrings, Command, Year
from domain.text import Code, Reason, Text
from domain.values import Level


class OrganisationCommand(Command):
    """An organisation rated under Chapter II: the agency itself, or one of its units."""

    agency: Code
    unit: Code | None = Field(None, description="A unit of the agency; none for the agency")
    year: Year


Points = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2, allow_inf_nan=False)]
Refs = Annotated[tuple[Code, ...], Field(max_length=200)]


class RecordPlanTask(OrganisationCommand):
    """A task of the organisation's yearly work plan and how it ended (Art. 7(1)(b), 8)."""

    name = "record_plan_task"
    task: Code
    completed: bool
    on_time: bool = Field(description="Completed by its deadline")
    exceeded: bool = Field(False, description="Completed above what was required")


class SelfAssessOrganisation(OrganisationCommand):
    """Art. 9(2)(a): the organisation's own scores and proposed level."""

    name = "self_assess_organisation"
    general_points: Points = Field(description="General criteria, at most 30 (Art. 6)")
    task_points: Points = Field(description="Task criteria, at most 70 (Art. 7)")
    proposed_level: Level | None = None


class AssessOrganisation(OrganisationCommand):
    """The recognising authority's scores and findings (Art. 5, 8)."""

    name = "assess_organisation"
    general_points: Points = Field(description="General criteria, at most 30 (Art. 6)")
    task_points: Points = Field(description="Task criteria, at most 70 (Art. 7)")
    failed_subordinates: Refs = Field((), description="Directly subordinate units rated FAIL")
    open_shortcomings: Refs = Field((), description="Earlier shortcomings not yet fixed")
    violations: Refs = Field(
        (),
        description="Competent conclusions of violations in personnel work, disunity, "
        "factionalism, buying positions (Art. 8(4)(a))",
    )
    scores: Annotated[dict[Code, Points], Field(max_length=100)] | None = Field(
        None,
        description="Points criterion by criterion, on the criteria set in force (Art. 7(2)); "
        "the totals must be their sums",
    )


class DecideForceMajeure(OrganisationCommand):
    """Art. 8(4)(b): plan tasks not done for force majeure leave the plan's count."""

    name = "decide_force_majeure"
    reasons: Reason
    excused: Annotated[tuple[Code, ...], Field(min_length=1, max_length=200)]


class DecideOrganisationRating(OrganisationCommand):
    """The recognising authority's decision of the level computed under Art. 8."""

    name = "decide_organisation_rating"
    decision_no: Code
    level: Level
    departure_reason: Text | None = Field(
        None, description="Required when the level differs from the computed one"
    )
    special_case_ref: Code | None = Field(
        None,
        description="Art. 9(1): the competent authority's act that allows deciding after "
        "15 December, up to 15 January of the next year",
    )


class GrantOrganisationQuotaRatio(Command):
    """Art. 8(5)(b): a higher EXCELLENT ratio for the units of an agency."""

    name = "grant_organisation_quota_ratio"
    agency: Code
    year: Year
    ratio: Amount


class OpenOrganisationVerification(OrganisationCommand):
    """Art. 9(2)(a): a complaint, a report of wrongdoing or a sign of disunity; the
    recognising authority has it verified before deciding the level."""

    name = "open_organisation_verification"
    kind: Literal["complaint", "disunity"]
    grounds: Reason


class CloseOrganisationVerification(OrganisationCommand):
    """The verification's report, naming the document that opened it."""

    name = "close_organisation_verification"
    opened_ref: Code = Field(description="The source document the verification opened on")
    findings: Reason


class NotifyOrganisationRating(OrganisationCommand):
    """Art. 9(2)(b): the result sent to the organisation rated and the bodies concerned."""

    name = "notify_organisation_rating"
    decision_no: Code
    recipients: Annotated[tuple[Code, ...], Field(min_length=1, max_length=50)]


class CriterionEntry(CheckedStrings):
    """One criterion of a set: its code, the clause it details, its maximum points."""

    code: Code
    clause: Literal[
        "6(1)",
        "6(2)",
        "6(3)",
        "7(1)(a)",
        "7(1)(b)",
        "7(1)(c)",
        "7(1)(d)",
        "7(1)(đ)",
        "7(1)(e)",
        "7(1)(g)",
        "7(1)(h)",
    ] = Field(description="The clause of Art. 6 or 7(1) the criterion details")
    title: Reason
    max_points: Points


class AdoptOrganisationCriteria(Command):
    """Art. 7(2): the criteria a ministry or province (or an agency) scores the
    organisations in its scope on, from a year; general maxima add up to 30, task ones
    to 70. A later version replaces the set from its year."""

    name = "adopt_organisation_criteria"
    agency: Code
    version: Annotated[int, Field(ge=1, le=1000)]
    effective_year: Year
    criteria: Annotated[tuple[CriterionEntry, ...], Field(min_length=4, max_length=100)]
