"""Chapter II on both backends: an organisation's year is rated from its work plan and
the recognising authority's points (Art. 8); the decided level caps its head
(Art. 20(6)). Each refusal is a named error and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest

from domain import commands as c
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.organisation_year import OrganisationYear, organisation_year_id
from tests.app.scenario import (
    ADMIN,
    AUTHORITY,
    FULL_CRITERIA,
    HR,
    YEAR,
    build_agency,
    with_source,
    work,
)
from tests.app.test_decision_rules import decide, propose, refused, year_row


def run(app: MinhBach, command: type[c.Command], ctx: Any = AUTHORITY, **fields: Any) -> Any:
    body = {"agency": "SNV", "year": YEAR, **fields}
    return app.execute(command.model_validate(body), ctx)


def plan(
    app: MinhBach, unit: str | None, n: int = 10, late: int = 0, exceeded: int = 3, undone: int = 0
) -> None:
    for i in range(n):
        done = i >= undone
        run(
            app,
            c.RecordPlanTask,
            HR,
            unit=unit,
            task=f"NV{i}",
            completed=done,
            on_time=done and i >= undone + late,
            exceeded=done and i >= n - exceeded,
        )


def assess(app: MinhBach, unit: str | None, general: str, tasks: str, **extra: Any) -> None:
    run(app, c.AssessOrganisation, unit=unit, general_points=general, task_points=tasks, **extra)


def rate(app: MinhBach, unit: str | None, level: str, number: str = "QĐ-TC 1", **extra: Any) -> Any:
    return run(
        app,
        c.DecideOrganisationRating,
        with_source(AUTHORITY, number),
        unit=unit,
        decision_no=number,
        level=level,
        **extra,
    )


def org_year(app: MinhBach, unit: str | None) -> OrganisationYear:
    org: OrganisationYear = app.repository.get(organisation_year_id("SNV", unit, YEAR))
    return org


def good_units(app: MinhBach, count: int = 5) -> None:
    """Units GOOD by their conditions, assessed and not yet decided: they count in the
    base of the quota at their computed level (Art. 8(5)(a))."""
    for i in range(count):
        unit = f"G{i}"
        app.execute(c.OpenUnit(agency="SNV", unit=unit, title=f"Phòng {unit}"), ADMIN)
        plan(app, unit, exceeded=0)
        assess(app, unit, "25", "55")


@pytest.fixture
def agency(app: MinhBach) -> Iterator[MinhBach]:
    build_agency(app)
    yield app


def test_a_rated_organisation_keeps_its_plan_scores_and_decision(agency: MinhBach) -> None:
    good_units(agency)
    plan(agency, "P1")
    run(
        agency,
        c.SelfAssessOrganisation,
        HR,
        unit="P1",
        general_points="30",
        task_points="65",
        proposed_level="EXCELLENT",
    )
    assess(agency, "P1", "28", "62")
    rate(agency, "P1", "EXCELLENT")
    org = org_year(agency, "P1")
    assert org.level == "EXCELLENT"
    assert org.self_assessment is not None and org.self_assessment[2] == "EXCELLENT"
    assert len(org.tasks) == 10


def test_the_decision_agrees_with_the_conditions_or_gives_a_reason(agency: MinhBach) -> None:
    good_units(agency)
    plan(agency, "P1", exceeded=2)  # 20% exceeded: not EXCELLENT
    assess(agency, "P1", "30", "65")
    refused(agency, "departure_without_reason", lambda: rate(agency, "P1", "EXCELLENT"))
    rate(agency, "P1", "EXCELLENT", departure_reason="thành tích nổi trội được ghi nhận")
    assert org_year(agency, "P1").level == "EXCELLENT"


def test_fail_triggers_are_mandatory(agency: MinhBach) -> None:
    plan(agency, "P1")
    assess(agency, "P1", "30", "65", violations=["KL 3/KL-TTr"])
    refused(
        agency,
        "fail_trigger_applies",
        lambda: rate(agency, "P1", "GOOD", departure_reason="xem xét"),
    )
    rate(agency, "P1", "FAIL")


def test_force_majeure_lifts_the_seventy_percent_trigger(agency: MinhBach) -> None:
    plan(agency, "P2", undone=4)
    assess(agency, "P2", "25", "55")
    refused(
        agency, "fail_trigger_applies", lambda: rate(agency, "P2", "GOOD", departure_reason="x")
    )
    refused(
        agency,
        "invalid_value",
        lambda: run(agency, c.DecideForceMajeure, unit="P2", reasons="bão", excused=["NV9"]),
    )
    run(
        agency,
        c.DecideForceMajeure,
        with_source(AUTHORITY, "QĐ-BKK 1"),
        unit="P2",
        reasons="bão số 3 làm ngừng công trình",
        excused=["NV0", "NV1", "NV2", "NV3"],
    )
    rate(agency, "P2", "GOOD")
    assert org_year(agency, "P2").force_majeure is not None


def test_excellent_units_are_within_the_quota(agency: MinhBach) -> None:
    # P1 and P2 both EXCELLENT by conditions, nobody GOOD: 0 EXCELLENT allowed.
    for unit in ("P1", "P2"):
        plan(agency, unit)
        assess(agency, unit, "30", "65")
    refused(agency, "quota_exceeded", lambda: rate(agency, "P1", "EXCELLENT"))
    # five GOOD: one EXCELLENT (1 ≤ ⌊0.2 × 5⌋), the tie at 95 points is the authority's
    good_units(agency)
    refused(agency, "quota_exceeded", lambda: rate(agency, "P1", "EXCELLENT"))
    assess(agency, "P2", "30", "64")
    rate(agency, "P1", "EXCELLENT")
    refused(agency, "quota_exceeded", lambda: rate(agency, "P2", "EXCELLENT", "QĐ-TC 2"))
    rate(agency, "P2", "GOOD", "QĐ-TC 2")  # moved down by the quota: no reason needed
    assert org_year(agency, "P2").level == "GOOD"


def test_a_tie_across_the_quota_limit_is_the_authoritys_choice(agency: MinhBach) -> None:
    good_units(agency)
    for unit in ("P1", "P2"):
        plan(agency, unit)
        assess(agency, unit, "30", "65")
    refused(agency, "quota_exceeded", lambda: rate(agency, "P1", "EXCELLENT"))
    refused(agency, "departure_without_reason", lambda: rate(agency, "P1", "GOOD"))
    rate(agency, "P1", "GOOD", departure_reason="chọn P2 theo biên bản họp")
    rate(agency, "P2", "EXCELLENT", "QĐ-TC 2")


def test_nothing_is_decided_before_the_assessment(agency: MinhBach) -> None:
    plan(agency, "P1")
    refused(agency, "invalid_state", lambda: rate(agency, "P1", "GOOD"))
    refused(
        agency,
        "invalid_value",
        lambda: run(
            agency, c.RecordPlanTask, HR, unit="P1", task="X", completed=False, on_time=True
        ),
    )
    refused(agency, "not_authorised", lambda: assess_as_hr(agency))
    refused(agency, "invalid_value", lambda: assess(agency, "BGD", "30", "60"))
    refused(agency, "invalid_value", lambda: assess(agency, "P1", "31", "60"))


def assess_as_hr(app: MinhBach) -> None:
    run(app, c.AssessOrganisation, HR, unit="P1", general_points="30", task_points="60")


def test_the_rated_level_caps_the_head(agency: MinhBach) -> None:
    """Art. 20(6) with the level rated under Chapter II."""
    work(agency, "TP1", FULL_CRITERIA)
    run(agency, c.DecideOrganisationLevel, unit="P1", level="GOOD")  # typed in first
    assert year_row(agency, "TP1")["proposed_level"] == "GOOD"
    plan(agency, "P1", late=1)
    assess(agency, "P1", "25", "50")
    rate(agency, "P1", "COMPLETE")
    row = year_row(agency, "TP1")
    assert (row["proposed_level"], row["reason"]) == ("COMPLETE", "organisation_cap")
    propose(agency, "TP1", "COMPLETE")
    decide(agency, "TP1", "COMPLETE", party_committee_ref="CV 5-ĐU")
    # a typed-in level may not overwrite the rated one
    refused(
        agency,
        "invalid_state",
        lambda: run(agency, c.DecideOrganisationLevel, unit="P1", level="GOOD"),
    )
    # and the rated facts are closed once decided
    refused(agency, "invalid_state", lambda: assess(agency, "P1", "30", "60"))


def test_a_recorded_grant_raises_the_quota_to_twenty_five_percent(agency: MinhBach) -> None:
    """Art. 8(5)(b): four GOOD units allow no EXCELLENT at 20%, one at 25%."""
    good_units(agency, 4)
    plan(agency, "P1")
    assess(agency, "P1", "30", "65")
    refused(agency, "quota_exceeded", lambda: rate(agency, "P1", "EXCELLENT"))
    grant = partial(run, agency, c.GrantOrganisationQuotaRatio, with_source(AUTHORITY, "QĐ-TL"))
    refused(agency, "invalid_value", lambda: grant(ratio="0.3"))
    refused(
        agency,
        "missing_source_document",
        lambda: run(
            agency, c.GrantOrganisationQuotaRatio, with_source(AUTHORITY, ""), ratio="0.25"
        ),
    )
    grant(ratio="0.25")
    rate(agency, "P1", "EXCELLENT")


def test_a_unit_rated_fail_bars_the_agency_from_excellent(agency: MinhBach) -> None:
    """Art. 8(1)(b): «Không có đơn vị cấp dưới trực tiếp … bị xếp loại … không hoàn
    thành nhiệm vụ» — the units' recorded levels count without being named again."""
    plan(agency, "P1", undone=5)
    assess(agency, "P1", "20", "40")
    rate(agency, "P1", "FAIL")
    plan(agency, None)
    assess(agency, None, "30", "65")
    # not a matter of judgement: refused with a reason too
    error = refused(
        agency,
        "subordinate_rated_fail",
        lambda: rate(agency, None, "EXCELLENT", "2", departure_reason="thành tích nổi trội"),
    )
    assert error.details["failed"] == ["SNV/P1"]
    rate(agency, None, "GOOD", "QĐ-TC 2")


def test_a_new_rating_decision_replaces_the_level(agency: MinhBach) -> None:
    plan(agency, "P1", late=1)
    assess(agency, "P1", "25", "50")
    rate(agency, "P1", "COMPLETE")
    refused(agency, "already_exists", lambda: rate(agency, "P1", "COMPLETE"))
    rate(agency, "P1", "GOOD", "QĐ-TC 2", departure_reason="theo kết luận phúc tra")
    org = org_year(agency, "P1")
    assert (org.decisions, org.level) == (["QĐ-TC 1", "QĐ-TC 2"], "GOOD")
    recorded: Agency = agency.repository.get(agency_id("SNV"))
    assert recorded.organisation_levels[(YEAR, "P1")] == "GOOD"  # the head's cap
