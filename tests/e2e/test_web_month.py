"""The month's pages in process, on both backends: a manager assigns from the
catalogue, a servant submits and self-scores, the manager assesses and confirms
Form 01 and scores đ/e — each form posting the API's own command, each domain
refusal shown beside its form, a CSRF-less post refused, a double submit
recorded once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.auth import caller_of
from api.http import create_app
from api.live import OPEN_YEARS_SETTING
from domain import commands as c
from domain.application import MinhBach
from domain.passwords import hash_new_password
from domain.principal import Principal, principal_id
from domain.task import Task, task_id
from tests.app.scenario import FULL_CRITERIA, build_agency, log_size
from tests.conftest import FakeClock
from tests.e2e.test_web_pages import PASSWORD, register

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
UNIT = "/agencies/SNV/units/P1/periods/2026-03"
MINE = "/me/periods/2026-03"


@dataclass
class Month:
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
        """The hidden fields of one rendered form: its CSRF token and its own key."""
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        start = page.text.index(f'id="form-{form}"')
        token = CSRF.search(page.text, start)
        key = re.compile(r'name="form_key" value="([0-9a-f]{32})"').search(page.text, start)
        assert token and key, form
        return {"csrf_token": token.group(1), "form_key": key.group(1)}

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        answer = self.client.post(path, data=fields, follow_redirects=False)
        return answer.status_code, answer.text


@pytest.fixture
def month(app: MinhBach, clock: FakeClock) -> Iterator[Month]:
    yield from _month(app)


@pytest.fixture
def month_every_year_closed(
    app: MinhBach, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Month]:
    """The service's follower closes every year: each page reads tasks and Form 01
    back from the log (projections.records)."""
    monkeypatch.setenv(OPEN_YEARS_SETTING, "0")
    yield from _month(app)


def _month(app: MinhBach) -> Iterator[Month]:
    build_agency(app)
    for name, role, scope in (
        ("tp1", "manager", {"servant": "TP1"}),
        ("gd", "manager", {"servant": "GD"}),
        ("cv1", "civil_servant", {"servant": "CV1"}),
        ("cv2", "civil_servant", {"servant": "CV2"}),
    ):
        register(app, name, role, password=None, **scope)
        found = app.find(Principal, principal_id(name))
        assert found is not None
        app.execute(  # chosen by the person: no change asked at sign-in
            c.ChangePassword(principal=name, password_hash=hash_new_password(PASSWORD, name)),
            caller_of(found).context("test"),
        )
    with TestClient(create_app(app, follow=False), raise_server_exceptions=False) as client:
        yield Month(app, client)


def assign(month: Month, task: str = "T1", **extra: str) -> tuple[int, str]:
    fields = {
        "task": task,
        "servant": "CV1",
        "product": "BC",
        "quantity": "2",
        "assigned_on": "2026-03-02",
        "deadline": "2026-03-20",
        **extra,
    }
    return month.post(f"{UNIT}/assign", month.form(UNIT, "assign") | fields)


def submit(month: Month, task: str = "T1", **extra: str) -> tuple[int, str]:
    fields = {"task": task, "completed_quantity": "2", "completed_on": "2026-03-18", **extra}
    return month.post(f"{MINE}/result", month.form(MINE, f"result-{task}") | fields)


def criteria(prefix: str = "score-") -> dict[str, str]:
    return {f"{prefix}{code}": value for code, value in FULL_CRITERIA.items()}


def test_the_month_from_assignment_to_a_confirmed_score(month: Month) -> None:
    _assign_to_confirm(month)


def test_the_month_with_every_year_out_of_memory(month_every_year_closed: Month) -> None:
    views = month_every_year_closed.client.app.state.services.views  # type: ignore[attr-defined]
    assert views.projector.open_years == 0
    _assign_to_confirm(month_every_year_closed)
    views.catch_up()  # what the last page read back leaves memory again
    records = views.projector.state.by_id
    assert records.evicted and not [a for a in dict.values(records) if isinstance(a, Task)]


def _assign_to_confirm(month: Month) -> None:
    month.sign_in("tp1")
    page = month.client.get(UNIT).text
    assert "Sản phẩm BC (BC) · hệ số 1,50" in page  # the factor the task will copy
    assert assign(month)[0] == 303

    month.sign_in("cv1")
    mine = month.client.get(MINE).text
    assert 'id="task-T1"' in mine and "3,00" in mine  # 2 × 1.5 standard units
    assert "Ý thức kỷ luật, kỷ cương trong thực thi công vụ" in mine  # Form 01's words
    assert submit(month, document="BC-12/2026")[0] == 303
    status, _ = month.post(f"{MINE}/self-score", month.form(MINE, "self-score") | criteria())
    assert status == 303
    task = month.app.find(Task, task_id("T1"))
    assert task is not None and task.submissions[0].completed_quantity == 2

    month.sign_in("tp1")
    assess = month.form(UNIT, "assess-T1") | {"task": "T1", "outcome": "accepted"}
    assert month.post(f"{UNIT}/assess", assess)[0] == 303
    page = month.client.get(UNIT).text
    assert 'value="2.5"' in page  # the servant's self-scores offered to confirm
    score = month.form(UNIT, "score-CV1") | {"servant": "CV1"} | criteria()
    assert month.post(f"{UNIT}/score", score)[0] == 303

    month.sign_in("cv1")
    mine = month.client.get(MINE).text
    shown = re.search(r'class="month-score">([^<]+)<', mine)
    assert shown and shown.group(1) == "100,00"  # one task done on time + full criteria
    assert 'href="/servants/CV1/years/2026"' in mine


def test_a_deputy_s_leader_components_are_the_domain_s_to_judge(month: Month) -> None:
    month.sign_in("tp1")
    leader = month.form(UNIT, "leader-PP1") | {"servant": "PP1", "component": "dd"}
    status, page = month.post(f"{UNIT}/leader", leader | {"value": "0.7", "reason": "thử"})
    assert status == 400 and 'id="refusal-leader-PP1"' in page  # 100% or 50% only
    assert month.post(f"{UNIT}/leader", leader | {"value": "0.5", "reason": "chưa đạt"})[0] == 303


def test_refusals_are_shown_beside_their_form(month: Month) -> None:
    month.sign_in("tp1")
    status, page = assign(month, quantity="-1")
    assert status == 400 and 'id="refusal-assign"' in page and "Hệ số" not in page
    status, page = assign(month, product="XX")
    assert status == 400 and 'data-code="product_not_in_catalogue"' in page
    assert "Sản phẩm không có trong danh mục của cơ quan" in page
    assert assign(month)[0] == 303
    assert assign(month, task="T2", servant="CV3")[0] == 400  # another unit's servant

    month.sign_in("cv1")
    status, page = submit(month, completed_on="2099-01-01")
    assert status == 400 and 'id="refusal-result-T1"' in page
    assert 'value="2099-01-01"' in page  # what was typed stays in the field
    # Another servant's task: the form names it, the domain refuses.
    month.sign_in("cv2")
    before = log_size(month.app)
    fields = month.form(MINE, "self-score") | {
        "task": "T1",
        "completed_quantity": "2",
        "completed_on": "2026-03-18",
    }
    status, page = month.post(f"{MINE}/result", fields)
    assert status == 400 and 'data-code="not_authorised"' in page
    high = month.form(MINE, "self-score") | criteria() | {"score-I.1": "9"}
    status, page = month.post(f"{MINE}/self-score", high)
    assert status == 400 and 'data-code="criteria_score_above_maximum"' in page
    assert log_size(month.app) == before
    task = month.app.find(Task, task_id("T1"))
    assert task is not None and task.submissions == []


def test_a_post_without_its_csrf_token_is_refused(month: Month) -> None:
    month.sign_in("tp1")
    fields = month.form(UNIT, "assign")
    del fields["csrf_token"]
    status, page = month.post(f"{UNIT}/assign", fields | {"task": "T1", "servant": "CV1"})
    assert status == 403 and "Biểu mẫu đã hết hiệu lực" in page
    assert month.app.find(Task, task_id("T1")) is None


def test_a_double_submit_records_one_event(month: Month) -> None:
    month.sign_in("tp1")
    assert assign(month)[0] == 303
    month.sign_in("cv1")
    fields = month.form(MINE, "result-T1") | {
        "task": "T1",
        "completed_quantity": "2",
        "completed_on": "2026-03-18",
    }
    before = log_size(month.app)
    assert month.post(f"{MINE}/result", fields)[0] == 303
    once = log_size(month.app)
    assert once > before
    assert month.post(f"{MINE}/result", fields)[0] == 303  # the same form sent twice
    assert log_size(month.app) == once
    task = month.app.find(Task, task_id("T1"))
    assert task is not None and len(task.submissions) == 1
    kinds = [type(e).__name__ for e in month.app.events.get(task_id("T1"))]
    assert kinds == ["Assigned", "ResultSubmitted"]


def test_a_civil_servant_may_not_open_a_unit_s_month(month: Month) -> None:
    month.sign_in("cv1")
    assert month.client.get(UNIT).status_code == 403
    home = month.client.get("/").text
    assert 'href="/me/periods/2026-12"' in home
    month.sign_in("tp1")
    assert 'href="/agencies/SNV/units/P1/periods/2026-12"' in month.client.get("/").text


def test_a_reassignment_names_its_cause(month: Month) -> None:
    month.sign_in("tp1")
    assert assign(month)[0] == 303
    fields = month.form(UNIT, "reassign-T1") | {
        "task": "T1",
        "to_servant": "CV2",
        "on": "2026-03-10",
        "cause": "cannot_complete",
        "reason": "ốm dài ngày",
    }
    status, page = month.post(f"{UNIT}/reassign", fields)  # no report from the holder
    assert status == 400 and 'id="refusal-reassign-T1"' in page
    assert month.post(f"{UNIT}/reassign", fields | {"report_ref": "BC-07"})[0] == 303
    task = month.app.find(Task, task_id("T1"))
    assert task is not None and (task.holder, task.counted_for) == ("CV2", "CV1")
