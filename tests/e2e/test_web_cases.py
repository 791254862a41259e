"""The petitions, the inspector's lists, the documents and /verify as web pages, in
process: the same scopes as the API's routes (a reviewer reads their own cases
only; an inspector every agency; a civil servant neither), the deadline in
working days, the files streamed as the API streams them, and the public check."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from api.auth import caller_of
from api.bootstrap import issue
from api.http import create_app
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.passwords import hash_new_password
from domain.principal import Principal, principal_id
from domain.values import Level
from forms.extract import receipt_from_bytes
from projections.signing import KEY_ENV, generate
from tests.app.scenario import AUTHORITY, HR, build_agency, servant
from tests.app.test_projection_properties import History
from tests.conftest import FakeClock
from tests.e2e.test_web_pages import PASSWORD, register

YEAR = 2026
KEY = generate()
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
HR2 = CommandContext(Actor("hr-snv-2", Role.HR))


@dataclass
class Cases:
    app: MinhBach
    client: TestClient
    clock: FakeClock

    def sign_in(self, login: str) -> None:
        self.client.cookies.clear()
        form = self.client.get("/signin").text
        token = CSRF.search(form)
        assert token
        answer = self.client.post(
            "/signin",
            data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text


def classify(app: MinhBach, code: str, level: Level, number: str, reason: str | None) -> None:
    app.execute(
        c.ProposeClassification(
            servant=code, year=YEAR, level=level, basis="views", departure_reason=reason
        ),
        HR,
    )
    app.execute(
        c.DecideClassification(
            servant=code,
            year=YEAR,
            decision_no=number,
            level=level,
            minutes_ref="BB 1",
            departure_reason=reason,
        ),
        AUTHORITY,
    )
    app.execute(c.NotifyResult(servant=code, year=YEAR), HR)


@pytest.fixture
def cases(app: MinhBach, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cases]:
    monkeypatch.setenv(KEY_ENV, base64.b64encode(KEY.private.private_bytes_raw()).decode())
    build_agency(app)
    history = History(app)
    for month in range(1, 13):  # a good year for CV1 and CV2
        for code in ("CV1", "CV2"):
            history.work(code, month, late=0, failures=0, ad_hoc=False, finish=True)
            history.criteria(code, month, "2.5")
    for name, role, scope in (
        ("hr", "hr", {"agency": "SNV"}),
        ("reviewer", "appeals_reviewer", {"agency": "SNV"}),
        ("other-reviewer", "appeals_reviewer", {"agency": "SNV"}),
        ("inspector", "inspector", {}),
        ("cv1", "civil_servant", {"servant": "CV1"}),
    ):
        register(app, name, role, password=None, **scope)
        found = app.find(Principal, principal_id(name))
        assert found is not None
        app.execute(  # chosen by the person: no change asked at sign-in
            c.ChangePassword(principal=name, password_hash=hash_new_password(PASSWORD, name)),
            caller_of(found).context("test"),
        )
    with TestClient(create_app(app, follow=False), raise_server_exceptions=False) as client:
        yield Cases(app, client, clock)


def story(cases: Cases) -> None:
    """CV1 decided a level below the computed one (a departure) and petitions;
    CV2's commendation rests on a decision later replaced (a flag)."""
    app = cases.app
    classify(app, "CV1", Level.COMPLETE, "QĐ 10/QĐ-SNV", "Chưa chủ động trong công việc")
    app.execute(
        c.FileAppeal(appeal_no="KN-01", servant="CV1", year=YEAR, grounds="x"), servant("CV1")
    )
    app.execute(c.AssignAppealReviewer(appeal_no="KN-01", reviewer="reviewer", agency="SNV"), HR)
    classify(app, "CV2", Level.GOOD, "QĐ 20/QĐ-SNV", None)
    app.execute(
        c.ProposeDecision(
            decision_no="QĐ-KT 1",
            kind="commendation",
            servant="CV2",
            basis_years=(YEAR,),
            reason="Hoàn thành tốt",
        ),
        HR,
    )
    app.execute(c.ApproveDecision(decision_no="QĐ-KT 1", agency="SNV"), HR2)
    app.execute(
        c.DecideClassification(
            servant="CV2",
            year=YEAR,
            decision_no="QĐ 21/QĐ-SNV",
            level=Level.COMPLETE,
            minutes_ref="BB 2",
            departure_reason="Xem xét lại",
            replaces="QĐ 20/QĐ-SNV",
        ),
        AUTHORITY,
    )
    cases.clock.advance(days=20)


def test_a_reviewer_reads_their_cases_overdue_first_with_working_days(cases: Cases) -> None:
    story(cases)
    cases.sign_in("reviewer")
    page = cases.client.get("/appeals")
    assert page.status_code == 200, page.text
    assert 'data-appeal="KN-01" class="overdue"' in page.text
    assert "Quá hạn" in page.text
    case = cases.client.get("/appeals/SNV/KN-01")
    assert case.status_code == 200, case.text
    assert "Đơn kiến nghị KN-01" in case.text
    assert "29/12/2026" in case.text  # due 7 working days after Sunday 20 Dec
    assert "QĐ 10/QĐ-SNV" in case.text
    token = issue(cases.app, "reviewer", "test")
    bearer = {"Authorization": f"Bearer {token}"}
    listed = cases.client.get("/api/v1/appeals", headers=bearer).json()["items"]  # the same list
    [item] = listed
    # Due Tuesday 29 Dec 2026; on Saturday 9 Jan: 30, 31 Dec and 4–8 Jan (1 Jan is off).
    assert item["overdue"] and item["working_days_left"] == -7
    assert (item["level_as_filed"], item["level_now"]) == ("COMPLETE", "COMPLETE")
    cases.sign_in("other-reviewer")
    assert "KN-01" not in cases.client.get("/appeals").text
    assert cases.client.get("/appeals/SNV/KN-01").status_code == 403


def test_an_inspector_sees_the_three_lists_and_a_servant_does_not(cases: Cases) -> None:
    story(cases)
    cases.sign_in("inspector")
    page = cases.client.get(f"/agencies/SNV/years/{YEAR}/inspection")
    assert page.status_code == 200, page.text
    departures = page.text.split('id="departures"')[1].split("</table>")[0]
    assert "CV1" in re.findall(r'data-servant="([^"]+)"', departures)
    assert "Chưa chủ động trong công việc" in departures  # the written reason
    assert f'href="/servants/CV1/years/{YEAR}"' in departures
    assert 'data-decision="QĐ-KT 1"' in page.text
    overdue = page.text.split('id="overdue"')[1].split("</table>")[0]
    assert 'href="/appeals/SNV/KN-01"' in overdue
    cases.sign_in("cv1")
    assert cases.client.get(f"/agencies/SNV/years/{YEAR}/inspection").status_code == 403


def test_forms_download_within_the_viewers_scope(cases: Cases) -> None:
    cases.sign_in("hr")
    standings = cases.client.get(f"/agencies/SNV/years/{YEAR}/standings").text
    assert f'href="/servants/CV1/years/{YEAR}/forms/02.pdf"' in standings
    form = cases.client.get(f"/servants/CV1/years/{YEAR}/forms/02.pdf")
    assert form.status_code == 200 and form.headers["content-type"] == "application/pdf"
    assert receipt_from_bytes(form.content).subject == {"servant": "CV1", "year": YEAR}
    assert "PHIẾU XẾP LOẠI" in PdfReader(io.BytesIO(form.content)).pages[0].extract_text()
    period = cases.client.get("/servants/CV1/periods/2026-03/forms/01.pdf")
    assert period.status_code == 200 and period.content.startswith(b"%PDF")
    summary = cases.client.get(f"/agencies/SNV/years/{YEAR}/summary.xlsx")
    assert summary.status_code == 200, summary.text
    rows = list(load_workbook(io.BytesIO(summary.content))["Tổng hợp"].iter_rows(values_only=True))
    assert {"CV1", "CV2"} <= {r[1] for r in rows[5:]}
    assert cases.client.get(f"/agencies/SNV/years/{YEAR}/summary.doc").status_code == 422
    cases.sign_in("cv1")
    assert cases.client.get(f"/servants/CV2/years/{YEAR}/forms/02.pdf").status_code == 403
    assert cases.client.get(f"/agencies/SNV/years/{YEAR}/summary.pdf").status_code == 403
    cases.client.cookies.clear()
    anonymous = cases.client.get(f"/servants/CV1/years/{YEAR}/forms/02.pdf", follow_redirects=False)
    assert anonymous.status_code == 303


def test_verify_is_public_and_tells_a_match_from_an_altered_receipt(cases: Cases) -> None:
    cases.sign_in("hr")
    form = cases.client.get(f"/servants/CV1/years/{YEAR}/forms/02.pdf")
    receipt = receipt_from_bytes(form.content)
    cases.client.cookies.clear()
    page = cases.client.get("/verify")
    assert page.status_code == 200 and '<label for="receipt">' in page.text
    matched = cases.client.post("/verify", data={"receipt": receipt.text()})
    assert matched.status_code == 200 and 'class="verdict valid"' in matched.text
    forged = receipt.text().replace(receipt.digest, "0" * 64)
    refused = cases.client.post("/verify", data={"receipt": forged})
    assert refused.status_code == 200 and 'class="verdict refused"' in refused.text
    cases.client.cookies.set("minhbach_lang", "en")
    english = cases.client.post("/verify", data={"receipt": receipt.text()})
    assert "MATCHES: the document shows the signed records" in english.text
