"""The year-end forms in process: HR proposes a unit from the computed proposal,
the competent authority decides (a departure refused without its reason, beside
the field, and accepted with it), decides a tie on its document, records the
organisation's level, notifies and publishes (its servants' and its organisations'
results). The same commands as the API's;
CSRF, a manager's scope and a double submit (one event) besides."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import caller_of
from api.http import create_app
from domain import commands as c
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.classification import Classification
from domain.passwords import hash_new_password
from domain.principal import Principal, principal_id
from projections.publication import ORGANISATIONS, reproduce
from projections.queries import annual_classification
from projections.runner import Projector
from tests.app.scenario import (
    AUTHORITY,
    FULL_CRITERIA,
    GOOD_CRITERIA,
    HR,
    YEAR,
    build_agency,
    work,
)
from tests.app.test_organisation_rating import assess, plan, rate
from tests.conftest import FakeClock
from tests.e2e.test_web_pages import PASSWORD, register

BASE = f"/agencies/SNV/years/{YEAR}"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
FORM_KEY = re.compile(r'id="{form}".*?name="form_key" value="([0-9a-f]{{32}})"', re.S)
DEPARTURE = "khác với đề xuất được tính"  # the Vietnamese words of departure_without_reason


@dataclass
class Desk:
    app: MinhBach
    client: TestClient

    def sign_in(self, login: str) -> None:
        self.client.cookies.clear()
        token = CSRF.search(self.client.get("/signin").text)
        assert token
        answer = self.client.post(
            "/signin",
            data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text

    def form(self, path: str, form: str) -> dict[str, str]:
        """The CSRF token and the form key of ``form`` as the page rendered them (the
        views caught up first, as the service's follower would)."""
        self.client.app.state.services.views.catch_up()  # type: ignore[attr-defined]
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        token = CSRF.search(page.text)
        key = re.search(FORM_KEY.pattern.format(form=form), page.text, re.S)
        assert token and key, form
        return {"csrf_token": token.group(1), "form_key": key.group(1)}

    def post(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(path, data=data)

    def row(self, code: str) -> dict[str, Any]:
        projector = Projector(self.app)
        try:
            projector.catch_up()
            with projector.engine.connect() as conn:
                found = annual_classification(conn, code, YEAR)
        finally:
            projector.engine.dispose()
        assert found is not None
        return found

    def events(self, topic: str) -> int:
        found = self.app.recorder.select_notifications(0, 100_000, topics=[topic])
        return len(found)


@pytest.fixture
def desk(app: MinhBach, clock: FakeClock) -> Iterator[Desk]:
    """SNV with CV1 and CV2 tied at 100 for one EXCELLENT place, the others GOOD."""
    build_agency(app)
    for code in ("CV1", "CV2"):
        work(app, code, FULL_CRITERIA)
    for code in ("CV3", "PP1", "PGD", "TP2", "TP1"):
        work(app, code, GOOD_CRITERIA)
    for unit in ("P1", "P2"):
        app.execute(
            c.DecideOrganisationLevel(agency="SNV", year=YEAR, level="GOOD", unit=unit),
            AUTHORITY,
        )
    for name, role, scope in (
        ("hr", "hr", {"agency": "SNV"}),
        ("ubnd", "authority", {"agency": "SNV"}),
        ("tp1", "manager", {"servant": "TP1"}),
    ):
        enrol(app, name, role, **scope)
    with TestClient(create_app(app, follow=False), raise_server_exceptions=False) as client:
        yield Desk(app, client)


def enrol(app: MinhBach, name: str, role: str, **scope: str) -> None:
    """A principal with a password of their own (none to change at sign-in)."""
    register(app, name, role, password=None, **scope)
    found = app.find(Principal, principal_id(name))
    assert found is not None
    app.execute(
        c.ChangePassword(principal=name, password_hash=hash_new_password(PASSWORD, name)),
        caller_of(found).context("test"),
    )


def propose(app: MinhBach, code: str) -> None:
    """HR proposes the computed level."""
    app.execute(c.ProposeClassification(servant=code, year=YEAR, level="GOOD", basis="views"), HR)


def decide_form(desk: Desk, code: str, level: str, reason: str = "") -> dict[str, Any]:
    return {
        **desk.form(f"{BASE}/decisions?servant={code}", "decide"),
        "only": code,
        "servant": [code],
        "decision_no": f"QĐ {code}/QĐ-UBND",
        "minutes_ref": "BB 12/BB-HĐ",
        f"level-{code}": level,
        f"reason-{code}": reason,
    }


def test_hr_proposes_a_unit_and_a_departure_needs_its_reason(desk: Desk) -> None:
    desk.sign_in("hr")
    page = desk.client.get(f"{BASE}/proposals?unit=P2")
    assert page.status_code == 200
    assert 'data-servant="CV3"' in page.text and 'data-servant="TP2"' in page.text
    assert 'data-servant="CV1"' not in page.text  # another unit
    form = {
        **desk.form(f"{BASE}/proposals?unit=P2", "propose"),
        "unit": "P2",
        "servant": ["CV3", "TP2"],
        "level-CV3": "EXCELLENT",  # above the computed GOOD, with no reason
        "reason-CV3": "",
        "level-TP2": "GOOD",
        "reason-TP2": "",
    }
    refused = desk.post(f"{BASE}/proposals", form)
    assert refused.status_code == 400
    beside = re.search(r'id="e-r-CV3"[^>]*>([^<]+)<', refused.text)
    assert beside and DEPARTURE in beside.group(1)
    assert desk.row("TP2")["proposal_recorded"] is True  # the other row went through
    assert desk.row("CV3")["proposal_recorded"] is False

    form["level-CV3"] = "GOOD"  # back to the computed proposal: the same form again
    answer = desk.post(f"{BASE}/proposals", form)
    assert answer.status_code == 200, answer.text
    assert desk.row("CV3")["proposal_recorded"] is True
    assert desk.events(Classification.Proposed.TOPIC) == 2  # TP2 once, CV3 once


def test_the_authority_decides_a_departure_with_its_reason_only(desk: Desk) -> None:
    propose(desk.app, "CV3")
    desk.sign_in("ubnd")
    refused = desk.post(f"{BASE}/decisions", decide_form(desk, "CV3", "COMPLETE"))
    assert refused.status_code == 400
    beside = re.search(r'id="e-dr-CV3"[^>]*>([^<]+)<', refused.text)
    assert beside and DEPARTURE in beside.group(1)
    assert desk.events(Classification.Decided.TOPIC) == 0

    reason = "Chưa chủ động trong công việc được giao"
    answer = desk.post(f"{BASE}/decisions", decide_form(desk, "CV3", "COMPLETE", reason))
    assert answer.status_code == 200, answer.text
    row = desk.row("CV3")
    assert (row["decided_level"], row["departure_reason"]) == ("COMPLETE", reason)
    assert row["decision_no"] == "QĐ CV3/QĐ-UBND"


def test_a_double_submit_records_one_decision(desk: Desk) -> None:
    propose(desk.app, "CV3")
    desk.sign_in("ubnd")
    form = decide_form(desk, "CV3", "GOOD")
    first = desk.post(f"{BASE}/decisions", form)
    second = desk.post(f"{BASE}/decisions", form)
    assert (first.status_code, second.status_code) == (200, 200)
    assert desk.events(Classification.Decided.TOPIC) == 1


def test_a_form_without_its_csrf_token_records_nothing(desk: Desk) -> None:
    propose(desk.app, "CV3")
    desk.sign_in("ubnd")
    form = decide_form(desk, "CV3", "GOOD")
    del form["csrf_token"]
    answer = desk.post(f"{BASE}/decisions", form)
    assert answer.status_code == 403
    assert desk.events(Classification.Decided.TOPIC) == 0


def test_a_manager_may_not_decide(desk: Desk) -> None:
    propose(desk.app, "PP1")
    desk.sign_in("tp1")
    form = decide_form(desk, "PP1", "GOOD")
    answer = desk.post(f"{BASE}/decisions", form)
    assert answer.status_code == 400
    assert "Vai trò của bạn không được làm việc này" in answer.text
    assert desk.events(Classification.Decided.TOPIC) == 0


def test_the_tie_is_decided_on_its_document(desk: Desk) -> None:
    assert desk.row("CV1")["status"] == "pending_tie"
    desk.sign_in("ubnd")
    form = {
        **desk.form(f"{BASE}/quota", "tie-1"),
        "peer_group": desk.row("CV1")["peer_group"],
        "tied": ["CV1", "CV2"],
        "excellent": ["CV1"],
        "document": "",
    }
    refused = desk.post(f"{BASE}/quota/ties", form)
    assert refused.status_code == 400
    assert re.search(r'id="e-tie-doc-1"[^>]*>[^<]*văn bản', refused.text)
    assert desk.events(Agency.QuotaTieDecided.TOPIC) == 0

    form["document"] = "QĐ 7/QĐ-UBND"
    answer = desk.post(f"{BASE}/quota/ties", form)
    assert answer.status_code == 200, answer.text
    assert desk.events(Agency.QuotaTieDecided.TOPIC) == 1
    assert desk.row("CV1")["status"] != "pending_tie"
    assert desk.row("CV2")["status"] != "pending_tie"


def test_the_organisation_level_notification_and_publication(desk: Desk) -> None:
    desk.sign_in("ubnd")
    level = {**desk.form(f"{BASE}/decisions", "organisation"), "unit": "BGD", "level": "GOOD"}
    refused = desk.post(f"{BASE}/organisation-level", {**level, "document": ""})
    assert refused.status_code == 400 and 'id="e-o-document"' in refused.text
    recorded = desk.post(f"{BASE}/organisation-level", {**level, "document": "QĐ 3/QĐ-UBND"})
    assert recorded.status_code == 200, recorded.text
    assert desk.events(Agency.OrganisationLevelDecided.TOPIC) == 3  # P1, P2 before

    propose(desk.app, "CV3")
    assert desk.post(f"{BASE}/decisions", decide_form(desk, "CV3", "GOOD")).status_code == 200
    notify = {
        **desk.form(f"{BASE}/decisions", "notify"),
        "servant": ["CV3"],
        "notice_ref": "TB 4/TB-SNV",
    }
    assert desk.post(f"{BASE}/notifications", notify).status_code == 200
    assert desk.row("CV3")["notified_on"] is not None

    publish = {**desk.form(f"{BASE}/decisions", "publish"), "notice": "TB 5/TB-SNV"}
    answer = desk.post(f"{BASE}/publications", publish)
    assert answer.status_code == 200, answer.text
    digest = re.search(r'class="wide digest">([0-9a-f]{64})<', answer.text)
    assert digest
    agency = desk.app.find(Agency, agency_id("SNV"))
    assert agency is not None and agency.publications[-1].digest == digest.group(1)


def test_a_publication_sent_twice_is_recorded_once(desk: Desk) -> None:
    """The second send of the same form would publish the log as it stands after the
    first (another position, another command): the key refuses it, nothing is added."""
    desk.sign_in("ubnd")
    publish = {**desk.form(f"{BASE}/decisions", "publish"), "notice": "TB 5/TB-SNV"}
    assert desk.post(f"{BASE}/publications", publish).status_code == 200
    again = desk.post(f"{BASE}/publications", publish)
    assert again.status_code == 400
    assert "Biểu mẫu này đã được gửi" in again.text
    assert desk.events(Agency.ResultsPublished.TOPIC) == 1


def test_the_refusal_reads_in_english_on_the_switch(desk: Desk) -> None:
    propose(desk.app, "CV3")
    desk.sign_in("ubnd")
    desk.client.cookies.set("minhbach_lang", "en")
    refused = desk.post(f"{BASE}/decisions", decide_form(desk, "CV3", "FAIL"))
    assert refused.status_code == 400
    beside = re.search(r'id="e-dr-CV3"[^>]*>([^<]+)<', refused.text)
    assert beside and beside.group(1).startswith("This level departs from the computed proposal")


def test_the_organisations_results_are_published_from_the_same_page(desk: Desk) -> None:
    """Art. 9(2)(b): the levels of the units the director recognises, published with
    their digest by the same command as the API's, and reproduced from the events."""
    desk.sign_in("ubnd")
    nothing = {**desk.form(f"{BASE}/decisions", "publish_organisations"), "notice": "TB 6"}
    refused = desk.post(f"{BASE}/organisation-publications", nothing)
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    plan(desk.app, "P1", late=1)
    assess(desk.app, "P1", "25", "50")
    rate(desk.app, "P1", "COMPLETE")
    form = {**desk.form(f"{BASE}/decisions", "publish_organisations"), "notice": "TB 6"}
    answer = desk.post(f"{BASE}/organisation-publications", form)
    assert answer.status_code == 200, answer.text
    agency = desk.app.find(Agency, agency_id("SNV"))
    assert agency is not None and agency.publications == []
    (published,) = agency.organisation_publications
    assert f'class="wide digest">{published.digest}<' in answer.text
    assert [row["organisation"] for row in published.rows] == ["SNV/P1"]
    assert reproduce(desk.app, "SNV", YEAR, 1, ORGANISATIONS).matches
