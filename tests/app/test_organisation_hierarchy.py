"""Chapter II's hierarchy on both backends: units are rated before their agency
(Art. 9(1)); a complaint or a sign of disunity is verified before the decision
(Art. 9(2)(a)); the agencies a managing agency recognises share one EXCELLENT quota
(Art. 5(1–2), 8(5)); the result is notified (Art. 9(2)(b)); and the head's
classification waits for the organisation's decision (Art. 20(6))."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.organisation_year import OrganisationYear, organisation_year_id
from projections.explain import Explainer, StoreEvents
from projections.replay import replay
from tests.app.scenario import ADMIN, AUTHORITY, FULL_CRITERIA, YEAR, build_agency, with_source
from tests.app.scenario import work as record_work
from tests.app.test_decision_rules import refused, year_row
from tests.app.test_organisation_rating import assess, org_year, plan, rate, run


@pytest.fixture
def agency(app: MinhBach) -> Iterator[MinhBach]:
    build_agency(app)
    yield app


def verify(app: MinhBach, command: type[c.Command], ref: str, **fields: Any) -> Any:
    return run(app, command, with_source(AUTHORITY, ref), unit="P1", **fields)


def test_the_agency_is_rated_after_its_units(agency: MinhBach) -> None:
    """Art. 9(1): «Việc đánh giá, xếp loại chất lượng đối với tổ chức cấp dưới được
    tiến hành trước khi đánh giá, xếp loại chất lượng đối với tổ chức cấp trên»."""
    plan(agency, "P1", late=1)
    assess(agency, "P1", "25", "50")
    plan(agency, None)
    assess(agency, None, "25", "55")
    error = refused(agency, "subordinates_not_rated", lambda: rate(agency, None, "GOOD", "A"))
    assert error.details["undecided"] == ["SNV/P1"]
    rate(agency, "P1", "COMPLETE")
    rate(agency, None, "GOOD", "A")
    assert org_year(agency, None).level == "GOOD"


def test_a_complaint_is_verified_before_the_decision(agency: MinhBach) -> None:
    plan(agency, "P1", late=1)
    assess(agency, "P1", "25", "50")
    opened = {"kind": "complaint", "grounds": "đơn phản ánh về kết quả nhiệm vụ NV3"}
    refused(
        agency,
        "missing_source_document",
        lambda: verify(agency, c.OpenOrganisationVerification, "", **opened),
    )
    verify(agency, c.OpenOrganisationVerification, "Đơn 12/2026", **opened)
    refused(
        agency,
        "already_exists",
        lambda: verify(agency, c.OpenOrganisationVerification, "Đơn 12/2026", **opened),
    )
    error = refused(agency, "verification_open", lambda: rate(agency, "P1", "COMPLETE"))
    assert error.details["opened"] == ["Đơn 12/2026"]
    closing = {"findings": "đơn không có cơ sở"}
    refused(
        agency,
        "not_found",
        lambda: verify(agency, c.CloseOrganisationVerification, "BC 1", opened_ref="X", **closing),
    )
    verify(agency, c.CloseOrganisationVerification, "BC 1", opened_ref="Đơn 12/2026", **closing)
    refused(
        agency,
        "invalid_state",
        lambda: verify(
            agency, c.CloseOrganisationVerification, "BC 2", opened_ref="Đơn 12/2026", **closing
        ),
    )
    rate(agency, "P1", "COMPLETE")
    org = org_year(agency, "P1")
    assert org.verifications["Đơn 12/2026"].closed_ref == "BC 1"


def test_a_sign_of_disunity_opens_a_verification_after_a_decision_too(agency: MinhBach) -> None:
    plan(agency, "P1", late=1)
    assess(agency, "P1", "25", "50")
    rate(agency, "P1", "COMPLETE")
    verify(
        agency,
        c.OpenOrganisationVerification,
        "CV 7-ĐU",
        kind="disunity",
        grounds="dấu hiệu mất đoàn kết nội bộ",
    )
    refused(agency, "verification_open", lambda: rate(agency, "P1", "COMPLETE", "QĐ-TC 2"))
    with pytest.raises(ValidationError):
        verify(agency, c.OpenOrganisationVerification, "X", kind="other", grounds="x")


def test_the_result_is_notified_once(agency: MinhBach) -> None:
    plan(agency, "P1", late=1)
    assess(agency, "P1", "25", "50")
    notify = {"decision_no": "QĐ-TC 1", "recipients": ["SNV/P1", "UBND"]}
    send = partial(run, agency, c.NotifyOrganisationRating, unit="P1", **notify)
    refused(agency, "not_found", send)
    rate(agency, "P1", "COMPLETE")
    send()
    refused(agency, "already_exists", send)
    assert org_year(agency, "P1").notified == {"QĐ-TC 1": ("SNV/P1", "UBND")}


def managed(app: MinhBach, codes: list[str]) -> None:
    app.execute(c.RegisterAgency(code="BNV", title="Bộ Nội vụ"), ADMIN)
    for code in codes:
        app.execute(c.RegisterAgency(code=code, title=f"Cục {code}", managing_agency="BNV"), ADMIN)


def rate_agency(app: MinhBach, code: str, level: str, **extra: Any) -> Any:
    return app.execute(
        c.DecideOrganisationRating.model_validate(
            {"agency": code, "year": YEAR, "decision_no": f"QĐ {code}", "level": level, **extra}
        ),
        with_source(AUTHORITY, f"QĐ {code}"),
    )


def planned_agency(app: MinhBach, code: str, general: str, tasks: str, exceeded: int) -> None:
    for i in range(10):
        app.execute(
            c.RecordPlanTask(
                agency=code,
                year=YEAR,
                task=f"NV{i}",
                completed=True,
                on_time=True,
                exceeded=i < exceeded,
            ),
            AUTHORITY,
        )
    app.execute(
        c.AssessOrganisation.model_validate(
            {"agency": code, "year": YEAR, "general_points": general, "task_points": tasks}
        ),
        AUTHORITY,
    )


def test_agencies_under_one_managing_agency_share_the_quota(app: MinhBach) -> None:
    """Art. 8(5)(a) «trong phạm vi quản lý của cấp có thẩm quyền công nhận»: the
    agencies whose results the managing agency's head recognises (Art. 5(1–2)).
    Five GOOD allow one EXCELLENT; C1 and C2 tie at 95 across the limit."""
    goods = [f"G{i}" for i in range(5)]
    managed(app, ["C1", "C2", *goods])
    for code in goods:
        planned_agency(app, code, "25", "55", exceeded=0)
    planned_agency(app, "C1", "30", "65", exceeded=3)
    planned_agency(app, "C2", "30", "65", exceeded=3)
    bnv: Agency = app.repository.get(agency_id("BNV"))
    assert bnv.rated_agencies[YEAR] == {"C1", "C2", *goods}
    refused(app, "quota_exceeded", lambda: rate_agency(app, "C1", "EXCELLENT"))
    refused(app, "departure_without_reason", lambda: rate_agency(app, "C1", "GOOD"))
    rate_agency(app, "C1", "GOOD", departure_reason="chọn C2 theo biên bản họp Ban cán sự")
    rate_agency(app, "C2", "EXCELLENT")
    # C2 EXCELLENT uses the one place: a third candidate is beyond the limit
    managed_more = "C3"
    app.execute(c.RegisterAgency(code=managed_more, title="Cục C3", managing_agency="BNV"), ADMIN)
    planned_agency(app, managed_more, "30", "64", exceeded=3)
    refused(app, "quota_exceeded", lambda: rate_agency(app, managed_more, "EXCELLENT"))
    rate_agency(app, managed_more, "GOOD")  # moved down by the quota: no reason needed


def test_the_heads_classification_waits_for_the_organisation(agency: MinhBach) -> None:
    """Art. 20(6): pending until the unit's level is decided, capped after it,
    re-derived when a new decision replaces it."""
    record_work(agency, "TP1", FULL_CRITERIA)
    assert year_row(agency, "TP1")["status"] == "pending_organisation"
    plan(agency, "P1", late=1)
    assess(agency, "P1", "25", "50")
    assert year_row(agency, "TP1")["status"] == "pending_organisation"
    rate(agency, "P1", "COMPLETE")
    row = year_row(agency, "TP1")
    assert (row["proposed_level"], row["reason"]) == ("COMPLETE", "organisation_cap")
    # the head's explanation cites the organisation's own: its decision and computed level
    findings = Explainer(StoreEvents(agency), replay(agency)).year("TP1", YEAR)["findings"]
    cap = next(f for f in findings if f["kind"] == "organisation_cap")
    assert (cap["organisation_unit"], cap["organisation_decision"]) == ("P1", "QĐ-TC 1")
    assert (cap["organisation_computed"], cap["rule"]) == ("COMPLETE", "Art. 20(6); Art. 8")
    rate(agency, "P1", "GOOD", "QĐ-TC 2", departure_reason="theo kết luận phúc tra")
    assert year_row(agency, "TP1")["proposed_level"] != "COMPLETE"


CRITERIA = [
    {
        "code": "TC1",
        "clause": "6(1)",
        "title": "Chấp hành đường lối, chủ trương",
        "max_points": "10",
    },
    {"code": "TC2", "clause": "6(2)", "title": "Quản lý, sử dụng công chức", "max_points": "10"},
    {"code": "TC3", "clause": "6(3)", "title": "Cải cách hành chính", "max_points": "10"},
    {"code": "NV1", "clause": "7(1)(a)", "title": "Thể chế hóa", "max_points": "20"},
    {"code": "NV2", "clause": "7(1)(b)", "title": "Tỷ lệ hoàn thành kế hoạch", "max_points": "50"},
]


def adopt(app: MinhBach, agency: str, version: int, criteria: list[dict[str, str]]) -> Any:
    body = {"agency": agency, "version": version, "effective_year": YEAR, "criteria": criteria}
    return app.execute(
        c.AdoptOrganisationCriteria.model_validate(body), with_source(AUTHORITY, f"QĐ {version}")
    )


def test_a_criteria_set_adopted_by_the_managing_agency_scores_its_agencies(
    app: MinhBach,
) -> None:
    """Art. 7(2): the province sets the criteria; the authority scores criterion by
    criterion, and the totals are their sums."""
    managed(app, ["C1"])
    short = [{**CRITERIA[4], "max_points": "49"}, *CRITERIA[:4]]
    refused(app, "invalid_value", lambda: adopt(app, "BNV", 1, short))
    adopt(app, "BNV", 1, CRITERIA)
    refused(app, "already_exists", lambda: adopt(app, "BNV", 1, CRITERIA))
    scores = {"TC1": "10", "TC2": "9", "TC3": "8", "NV1": "15", "NV2": "45"}
    body = {"agency": "C1", "year": YEAR, "general_points": "27", "task_points": "60"}

    def assess_c1(**extra: Any) -> Any:
        return app.execute(c.AssessOrganisation.model_validate({**body, **extra}), AUTHORITY)

    refused(app, "invalid_value", lambda: assess_c1(scores={**scores, "NV2": "44"}))
    refused(app, "criteria_score_above_maximum", lambda: assess_c1(scores={**scores, "TC1": "11"}))
    refused(app, "unknown_criterion", lambda: assess_c1(scores={**scores, "X": "0"}))
    assess_c1(scores=scores)
    org: OrganisationYear = app.repository.get(organisation_year_id("C1", None, YEAR))
    assert org.criteria_scores == ("BNV", 1, {k: Decimal(v) for k, v in scores.items()})
    # an agency with no set in force records its totals only
    app.execute(c.RegisterAgency(code="SOLO", title="Sở độc lập"), ADMIN)
    solo = {**body, "agency": "SOLO", "scores": {}}
    refused(
        app,
        "invalid_state",
        lambda: app.execute(c.AssessOrganisation.model_validate(solo), AUTHORITY),
    )
