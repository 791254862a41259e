"""The decision step enforces what the decree makes mandatory, on SQLite and PostgreSQL.

A competent authority may depart from the computed proposal, with a written
reason, only where the decree leaves room (Art. 21). It may never classify a
servant with under 6 months worked (Art. 11(1)), decide above FAIL under a
FAIL trigger (Art. 11(3)(a), 20(4)), put a head above their organisation
(Art. 20(6)) or push a quota pool over its limit (Art. 20(5)). Each refusal is
a named error and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from domain import commands as c
from domain.application import MinhBach
from domain.errors import DomainError
from domain.handlers.yearly import decide_classification
from projections.queries import annual_classification
from projections.runner import Projector
from tests.app.scenario import (
    ADMIN,
    AUTHORITY,
    FULL_CRITERIA,
    GOOD_CRITERIA,
    HR,
    YEAR,
    build_agency,
    log_size,
    with_source,
    work,
)


def propose(app: MinhBach, code: str, level: str | None, **extra: str) -> None:
    app.execute(
        c.ProposeClassification.model_validate(
            {"servant": code, "year": YEAR, "level": level, "basis": "views", **extra}
        ),
        HR,
    )


def decide(app: MinhBach, code: str, level: str, number: str = "QĐ 1", **extra: Any) -> None:
    app.execute(
        c.DecideClassification.model_validate(
            {
                "servant": code,
                "year": YEAR,
                "decision_no": number,
                "level": level,
                "minutes_ref": "BB 1",
                **extra,
            }
        ),
        with_source(AUTHORITY, number),
    )


def refused(app: MinhBach, code: str, action: Callable[[], Any]) -> DomainError:
    """``action`` raises the domain error ``code`` and writes nothing."""
    before = log_size(app)
    with pytest.raises(DomainError) as raised:
        action()
    assert raised.value.code == code, raised.value.message
    assert log_size(app) == before
    return raised.value


def org_level(app: MinhBach, level: str, unit: str | None = None) -> None:
    app.execute(
        c.DecideOrganisationLevel.model_validate(
            {"agency": "SNV", "year": YEAR, "level": level, "unit": unit}
        ),
        AUTHORITY,
    )


def year_row(app: MinhBach, code: str) -> dict[str, Any]:
    projector = Projector(app)
    try:
        projector.catch_up()
        with projector.engine.connect() as conn:
            row = annual_classification(conn, code, YEAR)
    finally:
        projector.engine.dispose()
    assert row is not None
    return row


@pytest.fixture
def agency(app: MinhBach) -> Iterator[MinhBach]:
    build_agency(app)
    yield app


def test_art_20_4_no_level_above_fail_under_a_fail_trigger(agency: MinhBach) -> None:
    """Art. 11(3)(a), 20(4)(c): a reprimand for a public-service violation in the year
    makes the year FAIL; the authority may not decide better, even with a reason."""
    work(agency, "CV1", GOOD_CRITERIA)
    agency.execute(
        c.RecordDiscipline.model_validate(
            {
                "decision_no": "KL-1",
                "servant": "CV1",
                "form": "reprimand",
                "public_service_related": True,
                "decided_on": f"{YEAR}-02-15",
            }
        ),
        with_source(AUTHORITY, "QĐ KL-1"),
    )
    propose(agency, "CV1", "FAIL")
    refused(
        agency,
        "fail_trigger_applies",
        lambda: decide(agency, "CV1", "GOOD", departure_reason="thành tích tốt"),
    )
    refused(
        agency,
        "fail_trigger_applies",
        lambda: propose(agency, "CV1", "GOOD", departure_reason="thành tích tốt"),
    )
    decide(agency, "CV1", "FAIL")
    assert year_row(agency, "CV1")["decided_level"] == "FAIL"


def test_art_11_1_under_six_months_worked_is_never_classified(agency: MinhBach) -> None:
    """Art. 11(1): «không xếp loại chất lượng» — no level, whatever the reason given."""
    agency.execute(
        c.RegisterServant.model_validate(
            {
                "code": "CV9",
                "full_name": "Công chức mới",
                "agency": "SNV",
                "unit": "P1",
                "position": "chuyen-vien",
                "employed_from": f"{YEAR}-08-01",
            }
        ),
        HR,
    )
    work(agency, "CV9", FULL_CRITERIA, month=9)
    assert year_row(agency, "CV9")["status"] == "not_classified"
    propose(agency, "CV9", None)
    refused(
        agency,
        "not_classifiable",
        lambda: decide(agency, "CV9", "GOOD", departure_reason="làm việc tốt"),
    )
    refused(
        agency,
        "not_classifiable",
        lambda: propose(agency, "CV9", "GOOD", departure_reason="làm việc tốt"),
    )


def test_art_20_5_a_decision_may_not_push_the_pool_over_its_quota(agency: MinhBach) -> None:
    """Art. 20(5)(a): EXCELLENT ≤ 20% of those rated GOOD. Alone in the pool with
    nobody rated GOOD, an EXCELLENT score is proposed GOOD, and may not be decided
    EXCELLENT even with a reason."""
    work(agency, "CV1", FULL_CRITERIA)
    row = year_row(agency, "CV1")
    assert (row["proposed_level"], row["reason"]) == ("GOOD", "quota")
    propose(agency, "CV1", "GOOD")
    error = refused(
        agency,
        "quota_exceeded",
        lambda: decide(agency, "CV1", "EXCELLENT", departure_reason="sáng kiến cấp tỉnh"),
    )
    assert "Art. 20(5)" in error.message
    decide(agency, "CV1", "GOOD")


def test_art_20_5_decided_levels_count_in_the_quota(agency: MinhBach) -> None:
    """Art. 20(5)(a) counts final levels: a decided EXCELLENT takes a place, and lowering
    someone rated GOOD shrinks the base — never past what is already decided."""
    work(agency, "CV1", FULL_CRITERIA)  # 100: the one candidate
    for code in ("CV2", "CV3", "PP1", "PGD", "TP2"):
        work(agency, code, GOOD_CRITERIA)  # 85: five rated GOOD, so one EXCELLENT is allowed
    org_level(agency, "GOOD", "P2")  # TP2 heads P2
    assert year_row(agency, "CV1")["proposed_level"] == "EXCELLENT"
    propose(agency, "CV1", "EXCELLENT")
    decide(agency, "CV1", "EXCELLENT", "QĐ 1")
    propose(agency, "CV2", "GOOD")
    # One fewer rated GOOD leaves 4: 20% of 4 is 0, below the EXCELLENT already decided.
    refused(
        agency,
        "quota_exceeded",
        lambda: decide(agency, "CV2", "COMPLETE", "QĐ 2", departure_reason="vi phạm quy chế"),
    )
    decide(agency, "CV2", "GOOD", "QĐ 2")


def test_art_20_6_no_head_above_the_organisation(agency: MinhBach) -> None:
    """Art. 20(6): «Mức xếp loại chất lượng của người đứng đầu tổ chức không cao hơn mức
    xếp loại chất lượng của tổ chức đó.»"""
    work(agency, "TP1", FULL_CRITERIA)
    org_level(agency, "GOOD", "P1")
    row = year_row(agency, "TP1")
    assert (row["proposed_level"], row["reason"]) == ("GOOD", "organisation_cap")
    propose(agency, "TP1", "GOOD")
    refused(
        agency,
        "above_organisation_level",
        lambda: decide(
            agency, "TP1", "EXCELLENT", departure_reason="xuất sắc", party_committee_ref="CV 5-ĐU"
        ),
    )
    decide(agency, "TP1", "GOOD", party_committee_ref="CV 5-ĐU")


def test_art_20_6_a_head_waits_for_the_organisations_level(agency: MinhBach) -> None:
    """Art. 20(6): a head whose organisation's level is not yet recorded is pending,
    never silently uncapped, and cannot be decided until it is."""
    work(agency, "TP1", FULL_CRITERIA)
    work(agency, "CV1", GOOD_CRITERIA)
    row = year_row(agency, "TP1")
    assert (row["status"], row["reason"], row["proposed_level"]) == (
        "pending_organisation",
        "organisation_level_pending",
        None,
    )
    assert row["level_by_score"] == "EXCELLENT"
    for level in ("GOOD", None):
        refused(
            agency,
            "organisation_level_pending",
            partial(propose, agency, "TP1", level, departure_reason="theo đánh giá"),
        )
    org_level(agency, "COMPLETE", "P1")
    row = year_row(agency, "TP1")
    assert (row["status"], row["proposed_level"]) == ("proposed", "COMPLETE")
    propose(agency, "TP1", "COMPLETE")
    decide(agency, "TP1", "COMPLETE", party_committee_ref="CV 5-ĐU")


def test_art_20_5_a_only_those_rated_good_count_in_the_base(agency: MinhBach) -> None:
    """Art. 20(5)(a) counts those *rated* GOOD: a head whom the organisation caps below
    GOOD is not one, so with him five GOOD scores are only four rated GOOD."""
    work(agency, "CV1", FULL_CRITERIA)
    for code in ("CV2", "CV3", "PP1", "PGD", "TP1"):
        work(agency, code, GOOD_CRITERIA)
    org_level(agency, "COMPLETE", "P1")  # TP1 heads P1: capped to COMPLETE
    head = year_row(agency, "TP1")
    assert (head["level_by_score"], head["proposed_level"]) == ("GOOD", "COMPLETE")
    row = year_row(agency, "CV1")
    # 20% of the four rated GOOD (and the one moved down) admits nobody.
    assert (row["proposed_level"], row["reason"], row["quota_limit"]) == ("GOOD", "quota", 0)


def test_art_21_departures_are_measured_against_the_computed_proposal(agency: MinhBach) -> None:
    """Art. 21(1)(d): HR proposes, the authority decides. Both are compared with the level
    the facts give; HR's proposal does not make a departure look like none."""
    work(agency, "CV1", GOOD_CRITERIA)
    refused(agency, "departure_without_reason", lambda: propose(agency, "CV1", "COMPLETE"))
    propose(agency, "CV1", "COMPLETE", departure_reason="chậm tiến độ quý 4")
    refused(agency, "departure_without_reason", lambda: decide(agency, "CV1", "COMPLETE"))
    decide(agency, "CV1", "COMPLETE", departure_reason="chậm tiến độ quý 4")
    row = year_row(agency, "CV1")
    assert (row["proposed_level"], row["hr_proposed_level"], row["decided_level"]) == (
        "GOOD",
        "COMPLETE",
        "COMPLETE",
    )
    assert row["hr_departs"] and row["departs_from_proposal"]
    assert row["hr_departure_reason"] == row["departure_reason"] == "chậm tiến độ quý 4"


def test_art_10_2_a_agency_heads_share_the_managing_agencys_pool(app: MinhBach) -> None:
    """Art. 10(2)(a): the managing agency's head classifies the heads of its employing
    agencies; their EXCELLENT share is counted among them, across the agencies, not in a
    group of one in their own agency where 20% of nobody is always 0."""
    app.execute(c.RegisterAgency(code="UBND", title="Ủy ban nhân dân tỉnh"), ADMIN)
    heads = [f"GD{n}" for n in range(1, 7)]
    for n, head in enumerate(heads, start=1):
        code = f"S{n}"
        app.execute(c.RegisterAgency(code=code, title=f"Sở {n}", managing_agency="UBND"), ADMIN)
        app.execute(
            c.OpenUnit(agency=code, unit="BGD", title="Ban giám đốc", is_leadership=True), ADMIN
        )
        app.execute(
            c.RegisterServant.model_validate(
                {
                    "code": head,
                    "full_name": f"Giám đốc {n}",
                    "agency": code,
                    "unit": "BGD",
                    "position": "giam-doc",
                    "leadership": "head",
                    "employed_from": "2020-01-01",
                }
            ),
            HR,
        )
        app.execute(
            c.AddProduct.model_validate(
                {
                    "agency": code,
                    "product": "BC",
                    "title": "Báo cáo",
                    "position": "giam-doc",
                    "complexity_group": 2,
                    "factor": "1",
                    "effective_from": f"{YEAR}-01-01",
                }
            ),
            HR,
        )
        work(app, head, FULL_CRITERIA if n == 1 else GOOD_CRITERIA, by=AUTHORITY)
        app.execute(
            c.DecideOrganisationLevel.model_validate(
                {"agency": code, "year": YEAR, "level": "EXCELLENT"}
            ),
            AUTHORITY,
        )
    first = year_row(app, "GD1")
    assert (first["pool_authority"], first["pool_group"]) == ("UBND", "nguoi-dung-dau")
    assert first["peer_group"] == "giam-doc"  # their own agency's group, kept for standings
    # One candidate against five heads rated GOOD: 20% of 5 admits one.
    assert (first["proposed_level"], first["quota_limit"]) == ("EXCELLENT", 1)


def test_art_20_5_decisions_in_one_pool_are_checked_one_after_another(agency: MinhBach) -> None:
    """Two decisions checked against the same standing of a pool cannot both be saved:
    each alone fits the quota, both together would not (Art. 20(5))."""
    for code in ("CV1", "CV2"):
        work(agency, code, FULL_CRITERIA)  # tied at 100 for one place
    for code in ("CV3", "PP1", "PGD", "TP2", "TP1"):
        work(agency, code, GOOD_CRITERIA)
    org_level(agency, "GOOD", "P1")
    org_level(agency, "GOOD", "P2")
    assert year_row(agency, "CV1")["status"] == "pending_tie"

    def command(code: str) -> c.DecideClassification:
        propose(agency, code, "EXCELLENT", departure_reason="chọn trong số bằng điểm")
        return c.DecideClassification(
            servant=code,
            year=YEAR,
            decision_no=f"QĐ {code}",
            level="EXCELLENT",
            minutes_ref="BB 1",
            departure_reason="chọn trong số bằng điểm",
        )

    first, second = command("CV1"), command("CV2")
    at = agency.clock()
    checked = [decide_classification(agency, cmd, AUTHORITY, at) for cmd in (first, second)]
    agency.save(*checked[0].aggregates)
    with pytest.raises(IntegrityError):  # the pool moved on: nothing of the second is saved
        agency.save(*checked[1].aggregates)
    refused(agency, "quota_exceeded", lambda: agency.execute(second, AUTHORITY))
