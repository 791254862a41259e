"""Every command validates and raises a named error; a rejected command writes nothing.

Runs on SQLite and on PostgreSQL (the ``app`` fixture).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain import errors
from domain.actors import Actor, CommandContext, Role
from domain.application import CommandResult, MinhBach
from domain.task import Task, task_id
from tests.app.scenario import (
    ADMIN,
    AUTHORITY,
    GOOD_CRITERIA,
    HR,
    assign,
    build_agency,
    log_size,
    manager,
    servant,
    with_source,
    work,
)


@pytest.fixture
def agency(app: MinhBach) -> MinhBach:
    build_agency(app)
    return app


def rejected(app: MinhBach, error: type[errors.DomainError], action: Callable[[], Any]) -> None:
    """``action`` raises ``error`` and leaves the event log as it was."""
    before = log_size(app)
    with pytest.raises(error) as raised:
        action()
    assert raised.value.code == error.code
    assert log_size(app) == before


def submit(
    app: MinhBach, task: str, by: str = "CV1", on: str = "2026-03-09", qty: str = "2"
) -> None:
    app.execute(
        c.SubmitResult.model_validate(
            {"task": task, "completed_quantity": qty, "completed_on": on}
        ),
        servant(by),
    )


def test_assessing_a_task_with_no_result(agency: MinhBach) -> None:
    assign(agency, "T1")
    rejected(
        agency,
        errors.NoResultToAssess,
        lambda: agency.execute(c.AssessResult(task="T1", outcome="accepted"), manager("TP1")),
    )


def test_each_failed_assessment_needs_a_new_result(agency: MinhBach) -> None:
    assign(agency, "T1")
    submit(agency, "T1")
    agency.execute(c.AssessResult(task="T1", outcome="failed"), manager("TP1"))
    rejected(
        agency,
        errors.NoResultToAssess,
        lambda: agency.execute(c.AssessResult(task="T1", outcome="failed"), manager("TP1")),
    )
    submit(agency, "T1", on="2026-03-12")
    agency.execute(c.AssessResult(task="T1", outcome="accepted"), manager("TP1"))
    task = agency.load(Task, task_id("T1"), "task")
    assert [a.outcome.value for a in task.assessments.values()] == ["failed", "accepted"]
    rejected(agency, errors.InvalidState, lambda: submit(agency, "T1", on="2026-03-13"))


def test_criteria_score_above_its_maximum(agency: MinhBach) -> None:
    rejected(
        agency,
        errors.CriteriaScoreAboveMaximum,
        lambda: agency.execute(
            c.ScoreCriteria(servant="CV1", period="2026-03", scores={"II.1": Decimal("2.6")}),
            manager("TP1"),
        ),
    )


def test_unknown_criterion(agency: MinhBach) -> None:
    rejected(
        agency,
        errors.UnknownCriterion,
        lambda: agency.execute(
            c.ScoreCriteria(servant="CV1", period="2026-03", scores={"IV.1": Decimal(1)}),
            manager("TP1"),
        ),
    )


@pytest.mark.parametrize("value", ["0.75", "0", "1.5", "100"])
def test_leader_component_other_than_100_or_50_percent(agency: MinhBach, value: str) -> None:
    rejected(
        agency,
        errors.InvalidLeaderComponent,
        lambda: agency.execute(
            c.ScoreLeaderComponent(
                servant="PP1", period="2026-03", component="dd", value=Decimal(value), reason="x"
            ),
            manager("TP1"),
        ),
    )


def test_leader_component_only_for_leaders(agency: MinhBach) -> None:
    rejected(
        agency,
        errors.InvalidState,
        lambda: agency.execute(
            c.ScoreLeaderComponent(
                servant="CV1", period="2026-03", component="e", value=Decimal("0.5"), reason="x"
            ),
            manager("TP1"),
        ),
    )


@pytest.mark.parametrize(
    ("by", "to"),
    [
        ("TP2", "CV1"),  # a head of another unit
        ("PP1", "TP1"),  # a deputy over their own head
        ("PP1", "PP1"),  # themselves
        ("CV2", "CV1"),  # a staff member
    ],
)
def test_manager_acting_outside_their_unit(agency: MinhBach, by: str, to: str) -> None:
    rejected(agency, errors.OutsideUnit, lambda: assign(agency, "T1", to=to, by=by))


@pytest.mark.parametrize(
    ("by", "to"), [("TP1", "CV1"), ("PP1", "CV2"), ("GD", "TP2"), ("GD", "CV3")]
)
def test_managers_within_their_authority(agency: MinhBach, by: str, to: str) -> None:
    assign(agency, "T1", to=to, by=by)


def test_only_the_authority_evaluates_the_board(agency: MinhBach) -> None:
    rejected(
        agency,
        errors.OutsideUnit,
        lambda: agency.execute(
            c.AssignTask.model_validate(
                {
                    "task": "T9",
                    "servant": "CV1",
                    "product": "BC",
                    "quantity": "1",
                    "period": "2026-03",
                    "assigned_on": "2026-03-01",
                    "deadline": "2026-03-05",
                }
            ),
            AUTHORITY,
        ),
    )
    agency.execute(
        c.AssignTask.model_validate(
            {
                "task": "T9",
                "servant": "GD",
                "product": "BC",
                "quantity": "1",
                "period": "2026-03",
                "assigned_on": "2026-03-01",
                "deadline": "2026-03-05",
            }
        ),
        AUTHORITY,
    )


def test_civil_servant_cannot_submit_for_another(agency: MinhBach) -> None:
    assign(agency, "T1", to="CV1")
    rejected(agency, errors.NotAuthorised, lambda: submit(agency, "T1", by="CV2"))


@pytest.mark.parametrize("factor", ["0", "-1", "-0.001"])
def test_conversion_factor_must_be_positive(agency: MinhBach, factor: str) -> None:
    rejected(
        agency,
        errors.InvalidConversionFactor,
        lambda: agency.execute(
            c.AddProduct(
                agency="SNV",
                product="NEW",
                title="Mới",
                position="chuyen-vien",
                complexity_group=1,
                factor=Decimal(factor),
                effective_from=date(2026, 1, 1),
            ),
            HR,
        ),
    )


@pytest.mark.parametrize("quantity", ["0", "-2"])
def test_quantity_must_be_positive(agency: MinhBach, quantity: str) -> None:
    rejected(agency, errors.InvalidQuantity, lambda: assign(agency, "T1", quantity=quantity))


def test_task_for_a_product_outside_the_catalogue(agency: MinhBach) -> None:
    rejected(agency, errors.ProductNotInCatalogue, lambda: assign(agency, "T1", product="XX"))


def test_withdrawn_product_cannot_be_assigned(agency: MinhBach) -> None:
    agency.execute(
        c.WithdrawProduct(agency="SNV", product="VB", effective_from=date(2026, 3, 1)), HR
    )
    assign(agency, "T0", product="VB", period="2026-02")
    rejected(agency, errors.ProductNotInCatalogue, lambda: assign(agency, "T1", product="VB"))


def test_period_outside_the_servants_employment(agency: MinhBach) -> None:
    agency.execute(c.RecordLeaving(servant="CV1", on=date(2026, 2, 28), reason="nghỉ hưu"), HR)
    rejected(agency, errors.OutsideEmployment, lambda: assign(agency, "T1", period="2026-03"))
    assign(agency, "T1", period="2026-02")


def test_task_keeps_the_factor_in_force_when_assigned(agency: MinhBach) -> None:
    assign(agency, "OLD", period="2026-03", quantity="2")
    agency.execute(
        c.ChangeFactor(
            agency="SNV", product="BC", factor=Decimal(2), effective_from=date(2026, 4, 1)
        ),
        HR,
    )
    result = assign(agency, "NEW", period="2026-04", quantity="2")
    assert result.result["factor"] == "2"
    old = agency.load(Task, task_id("OLD"), "task")
    new = agency.load(Task, task_id("NEW"), "task")
    assert (old.factor, old.units) == (Decimal("1.5"), Decimal("3.0"))
    assert (new.factor, new.units) == (Decimal(2), Decimal(4))


def test_reassignment_keeps_the_task_with_its_first_holder(agency: MinhBach) -> None:
    assign(agency, "T1", to="CV1")
    agency.execute(
        c.ReassignTask(
            task="T1",
            to_servant="CV2",
            on=date(2026, 3, 5),
            reason="nghỉ ốm",
            cause="cannot_complete",
            report_ref="DON-01",
        ),
        manager("TP1"),
    )
    rejected(agency, errors.NotAuthorised, lambda: submit(agency, "T1", by="CV1"))
    submit(agency, "T1", by="CV2")
    task = agency.load(Task, task_id("T1"), "task")
    assert (task.assignee, task.holder) == ("CV1", "CV2")
    assert task.submissions[-1].servant_code == "CV2"


def test_result_cannot_be_dated_in_the_future(agency: MinhBach) -> None:
    assign(agency, "T1", period="2026-12")
    rejected(agency, errors.InvalidValue, lambda: submit(agency, "T1", on="2026-12-21"))


def test_duplicate_codes_are_rejected(agency: MinhBach) -> None:
    assign(agency, "T1")
    rejected(agency, errors.AlreadyExists, lambda: assign(agency, "T1"))
    rejected(
        agency,
        errors.AlreadyExists,
        lambda: agency.execute(c.RegisterAgency(code="SNV", title="Sở Nội vụ"), HR),
    )


def test_period_must_match_the_agencys_period_kind(agency: MinhBach) -> None:
    rejected(agency, errors.InvalidValue, lambda: assign(agency, "T1", period="2026-Q1"))


def test_discipline_needs_its_decision_document(agency: MinhBach) -> None:
    command = c.RecordDiscipline.model_validate(
        {
            "decision_no": "KL-1",
            "servant": "CV1",
            "form": "reprimand",
            "public_service_related": True,
            "decided_on": "2026-05-04",
        }
    )
    rejected(agency, errors.MissingSourceDocument, lambda: agency.execute(command, HR))
    agency.execute(command, with_source(HR, "QĐ 12/QĐ-SNV"))
    agency.execute(c.AnnulDiscipline(decision_no="KL-1", reason="sai thủ tục"), AUTHORITY)
    rejected(
        agency,
        errors.InvalidState,
        lambda: agency.execute(c.AnnulDiscipline(decision_no="KL-1", reason="again"), AUTHORITY),
    )


def test_wrong_role_is_not_authorised(agency: MinhBach) -> None:
    rejected(
        agency,
        errors.NotAuthorised,
        lambda: agency.execute(c.RegisterAgency(code="X", title="X"), servant("CV1")),
    )


def test_quota_ratio_grant_is_bounded(agency: MinhBach) -> None:
    rejected(
        agency,
        errors.InvalidValue,
        lambda: agency.execute(
            c.GrantQuotaRatio(agency="SNV", year=2026, ratio=Decimal("0.3")), AUTHORITY
        ),
    )
    agency.execute(c.GrantQuotaRatio(agency="SNV", year=2026, ratio=Decimal("0.25")), AUTHORITY)


def test_quota_tie_decision_names_only_tied_servants(agency: MinhBach) -> None:
    def decide(
        tied: tuple[str, ...], chosen: tuple[str, ...], ctx: CommandContext = AUTHORITY
    ) -> CommandResult:
        command = c.DecideQuotaTie(
            agency="SNV", year=2026, peer_group="cv", tied=tied, excellent=chosen
        )
        return agency.execute(command, ctx)

    rejected(agency, errors.InvalidValue, lambda: decide(("CV1", "CV2"), ("CV3",)))
    rejected(agency, errors.InvalidValue, lambda: decide(("CV1",), ("CV1",)))
    rejected(
        agency,
        errors.NotAuthorised,
        lambda: decide(("CV1", "CV2"), ("CV1",), with_source(manager("TP1"), "BB 3")),
    )
    decide(("CV1", "CV2"), ("CV1",), with_source(manager("GD"), "BB 3"))


def test_decided_level_departing_from_the_proposal_needs_a_reason(agency: MinhBach) -> None:
    def decide(**fields: str) -> CommandResult:
        command = c.DecideClassification.model_validate(
            {"servant": "CV1", "year": 2026, "minutes_ref": "BB 9", **fields}
        )
        return agency.execute(command, AUTHORITY)

    work(agency, "CV1", GOOD_CRITERIA)  # 85: GOOD
    rejected(agency, errors.InvalidState, lambda: decide(decision_no="D1", level="GOOD"))
    agency.execute(
        c.ProposeClassification(servant="CV1", year=2026, level="GOOD", basis="log 1"), HR
    )
    rejected(
        agency, errors.DepartureWithoutReason, lambda: decide(decision_no="D1", level="COMPLETE")
    )
    decide(decision_no="D1", level="GOOD")
    # Art. 21(3): a later decision replaces the earlier one, naming it.
    rejected(agency, errors.InvalidValue, lambda: decide(decision_no="D2", level="GOOD"))
    decide(decision_no="D2", level="COMPLETE", departure_reason="vi phạm quy chế", replaces="D1")


def test_leaders_classification_needs_the_party_committee_view(agency: MinhBach) -> None:
    work(agency, "TP1", GOOD_CRITERIA)
    agency.execute(
        c.DecideOrganisationLevel.model_validate(
            {"agency": "SNV", "year": 2026, "level": "GOOD", "unit": "P1"}
        ),
        AUTHORITY,
    )
    agency.execute(
        c.ProposeClassification(servant="TP1", year=2026, level="GOOD", basis="log 1"), HR
    )
    command = c.DecideClassification(
        servant="TP1", year=2026, decision_no="D1", level="GOOD", minutes_ref="BB 9"
    )
    rejected(agency, errors.MissingSourceDocument, lambda: agency.execute(command, AUTHORITY))
    agency.execute(command.model_copy(update={"party_committee_ref": "CV 5-ĐU"}), AUTHORITY)


def test_an_actor_confined_to_an_agency_acts_only_there(agency: MinhBach) -> None:
    other_hr = CommandContext(Actor("hr-khac", Role.HR, agency="SYT"))
    rejected(
        agency,
        errors.OutsideAgency,
        lambda: agency.execute(
            c.RecordLeave.model_validate(
                {"servant": "CV1", "kind": "sick", "start": "2026-05-01", "end": "2026-05-02"}
            ),
            other_hr,
        ),
    )
    own_hr = CommandContext(Actor("hr-snv", Role.HR, agency="SNV"))
    agency.execute(
        c.RecordLeave.model_validate(
            {"servant": "CV1", "kind": "sick", "start": "2026-05-01", "end": "2026-05-02"}
        ),
        own_hr,
    )


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"role": "civil_servant"}, errors.InvalidValue),  # no personnel record
        ({"role": "civil_servant", "servant": "NOBODY"}, errors.NotFound),
        ({"role": "hr"}, errors.InvalidValue),  # no agency
        ({"role": "inspector", "servant": "CV1"}, errors.InvalidValue),
        ({"role": "hr", "agency": "SYT"}, errors.NotFound),
    ],
)
def test_principal_grants_name_the_scope_their_role_needs(
    agency: MinhBach, fields: dict[str, str], error: type[errors.DomainError]
) -> None:
    command = c.RegisterPrincipal.model_validate(
        {"principal": "someone", "display_name": "Ai đó", **fields}
    )
    rejected(agency, error, lambda: agency.execute(command, ADMIN))


def test_hr_grants_only_servant_roles_in_its_agency(agency: MinhBach) -> None:
    hr = CommandContext(Actor("hr-snv", Role.HR, agency="SNV"))
    register = c.RegisterPrincipal.model_validate(
        {"principal": "boss", "display_name": "Boss", "role": "admin"}
    )
    rejected(agency, errors.NotAuthorised, lambda: agency.execute(register, hr))
    agency.execute(
        c.RegisterPrincipal(
            principal="cv1", display_name="CV1", role="civil_servant", servant="CV1"
        ),
        hr,
    )
    rejected(
        agency,
        errors.NotAuthorised,
        lambda: agency.execute(c.GrantRole(principal="cv1", role="inspector"), hr),
    )
    agency.execute(c.GrantRole(principal="cv1", role="manager", servant="CV1"), hr)
