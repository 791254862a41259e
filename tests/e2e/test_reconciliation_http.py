"""The reconciliation console over HTTP: a manager gets their unit only, the agency's
head, HR and inspectors the whole agency; other agencies and civil servants are refused."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from domain.application import MinhBach
from tests.app.scenario import assign, log_size
from tests.e2e.test_http_roles import World, error, make_world, ok
from tests.e2e.test_web_pages import Site, change_first_password, register, site

__all__ = ["site"]  # the fixture

PATH = "/agencies/SNV/reconciliation"


@pytest.fixture
def world(app: MinhBach) -> Iterator[World]:
    for world in make_world(app, follow=False):
        assign(app, "T1", "CV1")
        assign(app, "T3", "CV3", by="TP2")
        yield world


def get(world: World, who: str | None, path: str = PATH, **params: str) -> httpx.Response:
    """Once the views hold every event written so far."""
    return world.get(who, path, min_position=str(log_size(world.app)), **params)


def submitters(world: World, who: str, **params: str) -> tuple[str | None, list[str]]:
    body = ok(get(world, who, period="2026-03", **params))
    return body["unit"], [row["servant_code"] for row in body["sections"]["to_submit"]]


def test_a_manager_gets_their_unit_and_no_other(world: World) -> None:
    assert submitters(world, "tp1") == ("P1", ["CV1"])
    assert submitters(world, "tp2") == ("P2", ["CV3"])
    error(get(world, "tp1", period="2026-03", unit="P2"), 403, "not_authorised")
    error(get(world, "tp1", year="2026", unit="P2"), 403, "not_authorised")
    assert ok(get(world, "tp2", year="2026"))["unit"] == "P2"


def test_hr_the_head_and_inspectors_get_the_agency(world: World) -> None:
    for who in ("hr-snv", "gd", "inspector"):
        assert submitters(world, who) == (None, ["CV1", "CV3"]), who
    assert submitters(world, "hr-snv", unit="P2") == ("P2", ["CV3"])
    body = ok(get(world, "hr-snv", period="2026-03"))
    assert body["calendar"] == "VN-civil-service" and body["as_of"] == "2026-12-20"
    assert set(body["sections"]) == {"to_submit", "to_assess", "to_confirm", "not_scorable"}


def test_others_are_refused_and_bad_questions_are_4xx(world: World) -> None:
    error(get(world, "cv1", period="2026-03"), 403)
    error(get(world, "hr-snv", "/agencies/SXD/reconciliation", period="2026-03"), 403)
    error(get(world, "hr-snv"), 422)
    error(get(world, "hr-snv", period="2026-03", year="2026"), 422)
    error(get(world, "hr-snv", period="2026-13"), 422)
    error(get(world, None, period="2026-03"), 401)


def test_the_page_names_each_person_and_links_to_their_year(app: MinhBach, site: Site) -> None:
    assign(app, "T1", "CV1")
    assign(app, "T3", "CV3", by="TP2")
    register(app, "tp2", "manager", servant="TP2")
    site.client.app.state.services.views.ensure(log_size(app))  # type: ignore[attr-defined]
    site.sign_in("hr")
    change_first_password(site)
    page = site.client.get("/agencies/SNV/years/2026/reconciliation?period=2026-03")
    assert page.status_code == 200, page.text
    assert "Đối soát năm 2026" in page.text and "Tháng 03/2026" in page.text
    assert 'href="/servants/CV1/years/2026">Công chức CV1' in page.text
    assert "Chưa nộp kết quả" in page.text and "10/03/2026" in page.text  # the deadline
    assert "20/12/2026" in page.text  # the day working days are counted to
    bad = site.client.get("/agencies/SNV/years/2026/reconciliation?period=2025-03")
    assert bad.status_code == 422

    site.client.cookies.clear()
    site.sign_in("tp2")
    change_first_password(site)
    mine = site.client.get("/agencies/SNV/years/2026/reconciliation?period=2026-03")
    assert "servants/CV3" in mine.text and "servants/CV1" not in mine.text
    other = site.client.get("/agencies/SNV/years/2026/reconciliation?period=2026-03&unit=P1")
    assert other.status_code == 403
