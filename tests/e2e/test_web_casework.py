"""Petitions and personnel decisions in the web forms, in process: a servant
petitions from their year page (refused before the notification, beside the
form; filed after it), the personnel office assigns the reviewer, the reviewer
re-scores a month under the petition, the authority replaces the decision and
the reviewer resolves it; a personnel decision is proposed on a checked basis,
approved by a second person only, executed, flagged when its basis is replaced
and reviewed. The same commands as the API's; scope and double submits besides."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from domain import commands as c
from domain.appeal import Appeal
from domain.personnel import PersonnelDecision
from tests.app.scenario import AUTHORITY, HR, YEAR
from tests.e2e.test_web_year_end import BASE, Desk, desk, enrol, propose

__all__ = ["desk"]  # the fixture, used here as in the year-end forms' tests

YEAR_PAGE = f"/servants/CV3/years/{YEAR}"
CASE = "/appeals/SNV/KN-CV3"
PERSONNEL = f"{BASE}/personnel"


@pytest.fixture
def office(desk: Desk) -> Iterator[Desk]:
    """The year-end desk with CV3 decided GOOD (not notified yet), CV3 and CV1 as
    servants who sign in, and an appeals reviewer."""
    enrol(desk.app, "cv3", "civil_servant", servant="CV3")
    enrol(desk.app, "cv1", "civil_servant", servant="CV1")
    enrol(desk.app, "reviewer", "appeals_reviewer", agency="SNV")
    propose(desk.app, "CV3")
    desk.app.execute(
        c.DecideClassification(
            servant="CV3", year=YEAR, decision_no="QĐ 1/QĐ-SNV", level="GOOD", minutes_ref="BB 1"
        ),
        AUTHORITY,
    )
    yield desk


def notify(desk: Desk) -> None:
    desk.app.execute(c.NotifyResult(servant="CV3", year=YEAR), HR)


def petition(desk: Desk, grounds: str = "Đề nghị xem xét lại điểm tháng 3") -> dict[str, str]:
    return {**desk.form(YEAR_PAGE, "petition"), "appeal_no": "KN-CV3", "grounds": grounds}


def case_form(desk: Desk, form: str, **fields: str) -> dict[str, str]:
    return {**desk.form(CASE, form), "form": form, **fields}


def test_a_petition_follows_the_notification_and_is_filed_once(office: Desk) -> None:
    office.sign_in("cv3")
    form = petition(office)
    refused = office.post(f"{YEAR_PAGE}/petitions", form)
    assert refused.status_code == 400
    assert "theo sau việc thông báo" in refused.text  # the Vietnamese words, beside the form
    assert 'id="e-petition"' in refused.text
    assert office.events(Appeal.Filed.TOPIC) == 0

    notify(office)
    filed = office.client.post(f"{YEAR_PAGE}/petitions", data=form, follow_redirects=False)
    assert filed.status_code == 303 and filed.headers["location"] == CASE
    again = office.client.post(f"{YEAR_PAGE}/petitions", data=form, follow_redirects=False)
    assert again.status_code == 303  # the first answer replayed
    assert office.events(Appeal.Filed.TOPIC) == 1
    case = office.client.get(CASE)
    assert case.status_code == 200 and "KN-CV3" in case.text


def test_only_the_servant_petitions_and_a_number_is_used_once(office: Desk) -> None:
    notify(office)
    office.sign_in("cv1")
    other = office.client.get(YEAR_PAGE)
    assert other.status_code == 403  # another servant's year: not even readable
    office.sign_in("cv3")
    office.post(f"{YEAR_PAGE}/petitions", petition(office))
    twice = office.post(f"{YEAR_PAGE}/petitions", petition(office, "lần hai"))
    assert twice.status_code == 400
    assert 'id="e-appeal_no"' in twice.text and "đã được dùng" in twice.text
    assert office.events(Appeal.Filed.TOPIC) == 1


def test_the_reviewer_corrects_and_resolves_under_the_petition(office: Desk) -> None:
    notify(office)
    office.sign_in("cv3")
    office.post(f"{YEAR_PAGE}/petitions", petition(office))
    # The servant sees the case but its review is not theirs to do.
    assert 'id="resolve"' not in office.client.get(CASE).text

    office.sign_in("hr")
    assigned = office.post(CASE, case_form(office, "reviewer", reviewer="reviewer"))
    assert assigned.status_code == 200, assigned.text
    office.sign_in("reviewer")
    upheld = case_form(office, "resolve", outcome="amended", reason="x")
    refused = office.post(CASE, upheld)
    assert refused.status_code == 400 and 'id="e-resolve"' in refused.text
    rescored = office.post(
        CASE, case_form(office, "rescore", period=f"{YEAR}-03", criterion="II.3", score="2.5")
    )
    assert rescored.status_code == 200, rescored.text
    office.sign_in("ubnd")
    replaced = office.post(
        CASE,
        case_form(
            office,
            "replace",
            decision_no="QĐ 2/QĐ-SNV",
            level="GOOD",
            minutes_ref="BB 2",
            document="QĐ 2/QĐ-SNV",
        ),
    )
    assert replaced.status_code == 200, replaced.text
    office.sign_in("reviewer")
    done = office.post(
        CASE, case_form(office, "resolve", outcome="amended", reason="Chấm lại tiêu chí II.3")
    )
    assert done.status_code == 200, done.text
    assert 'id="replacing"' in done.text and "QĐ 2/QĐ-SNV" in done.text
    assert 'id="resolve"' not in done.text  # resolved: no more forms
    assert office.events(Appeal.Resolved.TOPIC) == 1
    assert office.row("CV3")["decision_no"] == "QĐ 2/QĐ-SNV"


def test_a_personnel_decision_on_a_checked_basis_with_four_eyes(office: Desk) -> None:
    office.sign_in("hr")
    propose_form = {
        **office.form(PERSONNEL, "propose"),
        "form": "propose",
        "decision_no": "TV-1",
        "kind": "dismissal",
        "servant": "CV3",
        "basis_years": str(YEAR),
        "reason": "x",
    }
    refused = office.post(PERSONNEL, propose_form)
    assert refused.status_code == 400
    assert 'id="e-propose-years"' in refused.text and "không làm căn cứ" in refused.text
    assert 'id="basis"' in refused.text and "QĐ 1/QĐ-SNV" in refused.text  # what was checked
    commend = {**propose_form, "decision_no": "KT-1", "kind": "commendation", "reason": "Tốt"}
    assert office.post(PERSONNEL, commend).status_code == 200
    assert office.post(PERSONNEL, commend).status_code == 200  # a double submit
    assert office.events(PersonnelDecision.Proposed.TOPIC) == 1

    approve = {**office.form(PERSONNEL, "approve-KT-1"), "form": "approve", "decision_no": "KT-1"}
    own = office.post(PERSONNEL, approve)
    assert own.status_code == 400 and "người thứ hai" in own.text
    office.sign_in("cv3")
    assert (
        office.post(
            PERSONNEL, {**approve, "csrf_token": petition(office)["csrf_token"]}
        ).status_code
        == 403
    )
    office.sign_in("ubnd")
    approve = {**office.form(PERSONNEL, "approve-KT-1"), "form": "approve", "decision_no": "KT-1"}
    assert office.post(PERSONNEL, approve).status_code == 200
    assert office.events(PersonnelDecision.Approved.TOPIC) == 1

    office.sign_in("hr")
    execute = {
        **office.form(PERSONNEL, "execute-KT-1"),
        "form": "execute",
        "decision_no": "KT-1",
        "executed_on": f"{YEAR}-12-20",
    }
    assert office.post(PERSONNEL, execute).status_code == 200
    office.app.execute(
        c.DecideClassification(
            servant="CV3",
            year=YEAR,
            decision_no="QĐ 3/QĐ-SNV",
            level="COMPLETE",
            minutes_ref="BB 3",
            departure_reason="xem xét lại",
            replaces="QĐ 1/QĐ-SNV",
        ),
        AUTHORITY,
    )
    office.client.app.state.services.views.catch_up()  # type: ignore[attr-defined]
    page = office.client.get(PERSONNEL)
    assert 'id="flag-why"' in page.text and "QĐ 3/QĐ-SNV" in page.text
    shown = re.search(r'id="review-KT-1".*?name="acknowledged" value="([^"]+)"', page.text, re.S)
    assert shown, "the review form carries the basis as the page showed it"
    review = {
        **office.form(PERSONNEL, "review-KT-1"),
        "acknowledged": html.unescape(shown.group(1)),
        "form": "review",
        "decision_no": "KT-1",
        "outcome": "revoked",
        "reason": "Căn cứ đã thay đổi",
    }
    reviewed = office.post(PERSONNEL, review)
    assert reviewed.status_code == 200, reviewed.text
    assert 'id="flag-why"' not in reviewed.text
    assert office.events(PersonnelDecision.Reviewed.TOPIC) == 1


def test_the_case_page_path_keeps_a_number_with_a_slash(office: Desk) -> None:
    notify(office)
    office.sign_in("cv3")
    form = {**petition(office), "appeal_no": "KN 1/2027"}
    filed = office.client.post(f"{YEAR_PAGE}/petitions", data=form, follow_redirects=False)
    assert filed.headers["location"] == f"/appeals/SNV/{quote('KN 1/2027', safe='/')}"
    assert office.client.get(filed.headers["location"]).status_code == 200


def test_bad_input_is_a_clear_refusal_and_records_nothing(office: Desk) -> None:
    notify(office)
    office.sign_in("cv3")
    form = petition(office)
    del form["csrf_token"]
    assert office.post(f"{YEAR_PAGE}/petitions", form).status_code == 403
    too_long = office.post(f"{YEAR_PAGE}/petitions", {**petition(office), "grounds": "x" * 2001})
    assert 400 <= too_long.status_code < 500
    assert office.events(Appeal.Filed.TOPIC) == 0

    office.sign_in("hr")
    page = office.form(PERSONNEL, "propose")
    unknown = office.post(PERSONNEL, {**page, "form": "bogus"})
    assert 400 <= unknown.status_code < 500
    years = office.post(
        PERSONNEL,
        {
            **page,
            "form": "propose",
            "decision_no": "KT-9",
            "kind": "commendation",
            "servant": "CV3",
            "basis_years": "năm ngoái",
            "reason": "x",
        },
    )
    assert years.status_code == 400 and 'id="e-propose"' in years.text
    assert office.events(PersonnelDecision.Proposed.TOPIC) == 0
