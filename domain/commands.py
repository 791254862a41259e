"""The commands of the domain, one class each, with their input shape.

The same classes serve the bulk importer and the HTTP API: a command is
parsed from JSON (types, required fields, unknown fields rejected) and then
handled, where the domain rules raise named errors.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from domain.text import CODE_RULE, Code, Reason, Text, clean_strings
from domain.values import (
    AssessmentOutcome,
    ConclusionKind,
    DisciplineForm,
    ExemptionScope,
    LeadershipRole,
    LeaveKind,
    Level,
    PeriodKind,
)

__all__ = ["COMMANDS", "Code", "Command", "Reason", "Text"]

# A month or a quarter of a year in the same range as ``Year``.
PERIOD_PATTERN = r"^(20\d{2}|2100)-(0[1-9]|1[0-2]|Q[1-4])$"


def _period(value: str) -> str:
    if not re.fullmatch(PERIOD_PATTERN, value):
        raise ValueError("a period is YYYY-MM or YYYY-Qn")
    return value


PeriodCode = Annotated[
    str,
    CODE_RULE,
    AfterValidator(_period),
    WithJsonSchema({"type": "string", "pattern": PERIOD_PATTERN}),
]
Year = Annotated[int, Field(ge=2000, le=2100)]
# Bounded so that no input can overflow the arithmetic or the storage.
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False)]
Day = Annotated[date, Field(ge=date(1950, 1, 1), le=date(2100, 12, 31))]
Scores = Annotated[dict[Code, Amount], Field(max_length=20)]


class CheckedStrings(BaseModel):
    """Immutable, strict about unknown fields, and every string of every field
    checked as free text (``domain.text``) — whatever the field's declared type,
    so a field added later is covered without anyone remembering to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _clean_strings(cls, value: Any) -> Any:
        return clean_strings(value)


class Command(CheckedStrings):
    """Base of every command."""

    name: ClassVar[str]


class RegisterAgency(Command):
    name = "register_agency"
    code: Code
    title: Reason = Field(description="The agency's official name")
    period_kind: PeriodKind = PeriodKind.MONTH
    managing_agency: Code | None = None


class OpenUnit(Command):
    name = "open_unit"
    agency: Code
    unit: Code
    title: Reason
    is_leadership: bool = Field(False, description="The agency's board of head and deputies")


class RegisterServant(Command):
    name = "register_servant"
    code: Code = Field(description="Personnel code, unique nationally")
    full_name: Reason
    agency: Code
    unit: Code
    position: Code
    peer_group: Code | None = Field(None, description="Defaults to the job position")
    leadership: LeadershipRole = LeadershipRole.STAFF
    employed_from: Day


class PlaceServant(Command):
    """A change of agency, unit, position, peer group or leadership role."""

    name = "place_servant"
    servant: Code
    effective: Day
    agency: Code | None = None
    unit: Code | None = None
    position: Code | None = None
    peer_group: Code | None = None
    leadership: LeadershipRole | None = None


class RecordLeave(Command):
    name = "record_leave"
    servant: Code
    kind: LeaveKind
    start: Day
    end: Day


class RecordLeaving(Command):
    name = "record_leaving"
    servant: Code
    on: Day
    reason: Reason


class AssignDeputyArea(Command):
    """Art. 15(4): the units and/or servants a deputy is in charge of from a date (the
    assignment decision in ``source_ref``); it replaces the deputy's previous area from
    that date. Their d counts the servants of this area only."""

    name = "assign_deputy_area"
    deputy: Code
    units: Annotated[tuple[Code, ...], Field(max_length=100)] = ()
    servants: Annotated[tuple[Code, ...], Field(max_length=1000)] = ()
    effective_from: Day


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


class SubmitResult(Command):
    name = "submit_result"
    task: Code
    completed_quantity: Amount
    completed_on: Day
    note: Text = ""


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


class SelfScoreCriteria(Command):
    name = "self_score_criteria"
    servant: Code
    period: PeriodCode
    scores: Scores


class ScoreCriteria(Command):
    name = "score_criteria"
    servant: Code
    period: PeriodCode
    scores: Scores
    appeal_ref: Code | None = Field(None, description="The appeal this re-scoring corrects")


class ScoreLeaderComponent(Command):
    name = "score_leader_component"
    servant: Code
    period: PeriodCode
    component: Literal["dd", "e"] = Field(description="đ (organising ability) or e (unity)")
    value: Amount = Field(description="1 (100%) or 0.5 (50%)")
    reason: Reason


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


class DecideOrganisationLevel(Command):
    name = "decide_organisation_level"
    agency: Code
    year: Year
    level: Level
    unit: Code | None = Field(None, description="A unit of the agency; none for the agency")


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


class GrantOrganisationQuotaRatio(Command):
    """Art. 8(5)(b): a higher EXCELLENT ratio for the units of an agency."""

    name = "grant_organisation_quota_ratio"
    agency: Code
    year: Year
    ratio: Amount


class GrantQuotaRatio(Command):
    name = "grant_quota_ratio"
    agency: Code
    year: Year
    ratio: Amount


class DecideQuotaTie(Command):
    name = "decide_quota_tie"
    agency: Code
    year: Year
    peer_group: Code
    tied: Annotated[tuple[Code, ...], Field(max_length=500)]
    excellent: Annotated[tuple[Code, ...], Field(max_length=500)]


class AdoptPolicyVariant(Command):
    """The agency applies a registered reading of the policy from a date (a recorded
    decision, its document in ``source_ref``); no variant: back to the policy as published."""

    name = "adopt_policy_variant"
    agency: Code
    policy_id: Code = "ND335-2025"
    variant: Code | None = Field(None, description="A registered variant (GET /policies)")
    effective_from: Day = Field(description="Periods and years starting on or after it")


class ProposeClassification(Command):
    name = "propose_classification"
    servant: Code
    year: Year
    level: Level | None = Field(None, description="None: not classified")
    annual_score: Amount | None = None
    basis: Reason
    departure_reason: Text | None = Field(
        None, description="Required when the level differs from the computed proposal"
    )


class DecideClassification(Command):
    name = "decide_classification"
    servant: Code
    year: Year
    decision_no: Code
    level: Level
    minutes_ref: Code
    party_committee_ref: Code | None = None
    departure_reason: Text | None = Field(
        None, description="Required when the level differs from the computed proposal"
    )
    replaces: Code | None = None
    appeal_ref: Code | None = Field(None, description="The appeal this decision answers")


class NotifyResult(Command):
    """Record that the servant was notified of the decided classification."""

    name = "notify_result"
    servant: Code
    year: Year
    notified_on: Day | None = Field(None, description="Defaults to today")


class FileAppeal(Command):
    """A civil servant's petition against their notified classification (Art. 22)."""

    name = "file_appeal"
    appeal_no: Code
    servant: Code
    year: Year
    grounds: Reason


class AssignAppealReviewer(Command):
    name = "assign_appeal_reviewer"
    appeal_no: Code
    reviewer: Code = Field(description="The appeals reviewer principal")
    agency: Code | None = Field(
        None, description="The agency it is numbered in (default: the actor's own)"
    )


class ResolveAppeal(Command):
    """Upheld (nothing corrected), or amended (after corrective events naming it)."""

    name = "resolve_appeal"
    appeal_no: Code
    outcome: Literal["upheld", "amended"]
    reason: Reason
    agency: Code | None = Field(
        None, description="The agency it is numbered in (default: the actor's own)"
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


PrincipalRole = Literal[
    "civil_servant", "manager", "hr", "authority", "inspector", "appeals_reviewer", "admin"
]


class RegisterPrincipal(Command):
    """Someone who may sign in: a role, and the scope it is confined to."""

    name = "register_principal"
    principal: Code = Field(description="Sign-in name, unique")
    display_name: Reason
    role: PrincipalRole
    agency: Code | None = Field(None, description="HR, authority, reviewer: their one agency")
    servant: Code | None = Field(None, description="Civil servant, manager: their record")


class GrantRole(Command):
    name = "grant_role"
    principal: Code
    role: PrincipalRole
    agency: Code | None = None
    servant: Code | None = None


class IssueToken(Command):
    """Record a token's hash; the secret itself is shown once and never stored."""

    name = "issue_token"
    principal: Code
    token_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,32}$")]
    secret_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    label: Text = ""


class RevokeToken(Command):
    name = "revoke_token"
    principal: Code
    token_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,32}$")]


class DisablePrincipal(Command):
    name = "disable_principal"
    principal: Code
    reason: Reason


Argon2Hash = Annotated[
    str,
    StringConstraints(
        pattern=r"^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$"
    ),
]
SessionId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16,32}$")]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class SetPassword(Command):
    """HR (its own agency's staff) or an admin sets a first or a new password; the
    person is asked to change it at their next sign-in. Carries the hash only."""

    name = "set_password"
    principal: Code
    password_hash: Argon2Hash


class ChangePassword(Command):
    """A person changes their own password (the service checked the current one)."""

    name = "change_password"
    principal: Code
    password_hash: Argon2Hash


class SignIn(Command):
    """A person signed in with their password (checked by the service): a browser
    session opens, of which only the secret's hash is kept."""

    name = "sign_in"
    principal: Code
    session_id: SessionId
    secret_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    address: Address = ""


class RecordFailedSignIn(Command):
    name = "record_failed_sign_in"
    principal: Code
    reason: Literal["wrong_password", "locked", "disabled", "no_password"]
    address: Address = ""


class SignOut(Command):
    name = "sign_out"
    principal: Code
    session_id: SessionId
    address: Address = ""


COMMANDS: dict[str, type[Command]] = {
    cls.name: cls
    for cls in (
        RegisterAgency,
        OpenUnit,
        RegisterServant,
        PlaceServant,
        RecordLeave,
        RecordLeaving,
        AssignDeputyArea,
        AddProduct,
        ChangeFactor,
        WithdrawProduct,
        AssignTask,
        ReassignTask,
        CancelTask,
        CorrectTask,
        SubmitResult,
        AssessResult,
        AmendAssessment,
        ConfirmObjectiveCause,
        RecordDelay,
        SelfScoreCriteria,
        ScoreCriteria,
        ScoreLeaderComponent,
        RecordDiscipline,
        AnnulDiscipline,
        RecordConclusion,
        WithdrawConclusion,
        DecideOrganisationLevel,
        RecordPlanTask,
        SelfAssessOrganisation,
        AssessOrganisation,
        DecideForceMajeure,
        DecideOrganisationRating,
        GrantOrganisationQuotaRatio,
        GrantQuotaRatio,
        DecideQuotaTie,
        AdoptPolicyVariant,
        ProposeClassification,
        DecideClassification,
        PublishResults,
        NotifyResult,
        FileAppeal,
        AssignAppealReviewer,
        ResolveAppeal,
        ProposeDecision,
        ApproveDecision,
        ExecuteDecision,
        ReviewDecision,
        RegisterPrincipal,
        GrantRole,
        IssueToken,
        RevokeToken,
        DisablePrincipal,
        SetPassword,
        ChangePassword,
        SignIn,
        RecordFailedSignIn,
        SignOut,
    )
}
