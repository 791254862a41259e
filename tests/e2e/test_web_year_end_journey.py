"""The year's end in a real browser, from the proposals to a corrected petition, on a
demo service of its own: HR proposes the unit, the competent authority decides
one servant at another level (refused without the reason, accepted with it),
decides the tie and notifies; HR proposes a commendation on the tied servant's
result, a second person approves it; the servant petitions from their year
page; HR assigns the reviewer, who re-scores a month under the petition; the
authority replaces the decision, the reviewer resolves it, the case shows the
result as filed beside the result now and the replacing decision, and the
commendation built on the old result is flagged with why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from demo import demo_people
from tests.e2e.browser import DESKTOP, DemoServer, screenshot, serving_demo, sign_in

AGENCY, YEAR = "SNV-HN", 2026
BASE = f"/agencies/{AGENCY}/years/{YEAR}"
PETITION = "KN 09/2027"
COMMENDATION = "QĐ 21/QĐ-KT"


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with serving_demo(tmp_path_factory.mktemp("web-year-end-journey")) as server:
        yield server


@pytest.fixture
def desk(browser: Browser, journey_server: DemoServer) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, base_url=journey_server.base_url)
    yield context.new_page()
    context.close()


def _standings(server: DemoServer) -> list[dict[str, Any]]:
    with server.api("hr") as api:
        answer = api.get(
            "/api/v1/standings", params={"agency": AGENCY, "year": YEAR, "page_size": 500}
        )
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["items"]
    return rows


def _as(page: Page, server: DemoServer, role: str) -> None:
    page.context.clear_cookies()
    sign_in(page, server, role)


def _decision(page: Page, code: str, number: str) -> None:
    """The authority's decision form for one servant, its documents filled."""
    page.goto(f"{BASE}/decisions?servant={code}")
    page.get_by_label("Số quyết định").fill(number)
    page.get_by_label("Số biên bản cuộc họp").fill("BB 12/BB-UBND")
    page.get_by_label("Ý kiến của cấp ủy (số văn bản)").fill("VB 3/ĐU")


def _propose_unit(page: Page, unit: str) -> None:
    page.goto(f"{BASE}/proposals?unit={unit}")
    page.get_by_role("button", name="Đề xuất các dòng đã chọn").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đề xuất")


def test_from_the_proposals_to_a_corrected_petition(desk: Page, journey_server: DemoServer) -> None:
    page, server = desk, journey_server
    me = demo_people()["civil_servant"].code  # the tied servant, who signs in
    rows = _standings(server)
    [mine] = [r for r in rows if r["servant_code"] == me]
    unit, group = mine["unit_code"], mine["peer_group"]
    others = [
        r["servant_code"]
        for r in rows
        if r["unit_code"] == unit
        and r["servant_code"] != me
        and r["proposed_level"] == "GOOD"
        and r["status"] != "pending_tie"
        and r["leadership"] == "staff"
    ]
    assert others, rows
    departing = others[0]

    # HR proposes the unit; the authority decides one servant at another level.
    _as(page, server, "hr")
    _propose_unit(page, unit)
    _as(page, server, "authority")
    _decision(page, departing, "QĐ 45/QĐ-UBND")
    page.get_by_label(f"Mức quyết định cho {departing}").select_option("COMPLETE")
    page.get_by_role("button", name="Quyết định các dòng đã chọn").click()
    expect(page.locator(f"#e-dr-{re.escape(departing)}")).to_contain_text(
        "khác với đề xuất được tính"
    )
    page.get_by_label(f"Lý do cho {departing}").fill("Chưa chủ động trong công việc được giao")
    page.get_by_role("button", name="Quyết định các dòng đã chọn").click()
    expect(page.locator("#h-decide + p.notice")).to_contain_text("Đã ghi nhận: 1")

    # The tie: another of the tied takes the place; the servant stays GOOD.
    page.goto(f"{BASE}/quota")
    tie = page.locator("section.quota", has_text=f"Nhóm {group}").first.locator("form.tie")
    tie.locator(f"input[name=excellent]:not([value='{me}'])").first.check()
    tie.get_by_label("Văn bản quyết định trường hợp bằng điểm").fill("QĐ 46/QĐ-UBND")
    tie.get_by_role("button", name="Quyết định trường hợp bằng điểm").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã quyết định trường hợp bằng điểm")

    _decision(page, me, "QĐ 47/QĐ-UBND")  # proposed with the unit, decided once the tie is
    page.get_by_role("button", name="Quyết định các dòng đã chọn").click()
    expect(page.locator("#h-decide + p.notice")).to_contain_text("Đã ghi nhận: 1")
    page.goto(f"{BASE}/decisions")
    form = page.locator("#notify")
    for box in form.locator("input[name=servant]").all():
        box.uncheck()
    for code in (departing, me):
        form.get_by_label(f"Thông báo cho {code}").check()
    form.get_by_label("Số văn bản thông báo").fill("TB 7/TB-UBND")
    form.get_by_role("button", name="Ghi nhận đã thông báo cho các dòng đã chọn").click()
    expect(page.locator("#h-notify + p.notice")).to_contain_text("Đã ghi nhận: 2")

    # A commendation on the servant's result: proposed by HR, approved by another.
    _as(page, server, "hr")
    page.goto(f"{BASE}/personnel?servant={me}")
    expect(page.locator("#basis")).to_contain_text("QĐ 47/QĐ-UBND")
    propose = page.locator("#propose")
    propose.get_by_label("Số quyết định").fill(COMMENDATION)
    propose.get_by_label("Loại quyết định").select_option("dismissal")
    propose.get_by_label("Lý do").fill(f"Hoàn thành tốt nhiệm vụ năm {YEAR}")
    propose.get_by_role("button", name="Đề xuất").click()
    expect(page.locator("#e-propose-years")).to_contain_text("không làm căn cứ")
    screenshot(page, "personnel-refused")
    page.locator("#propose").get_by_label("Loại quyết định").select_option("commendation")
    page.locator("#propose").get_by_role("button", name="Đề xuất").click()
    expect(page.get_by_role("status").first).to_contain_text(COMMENDATION)
    card = page.locator(f"article[data-decision='{COMMENDATION}']")
    card.get_by_text("Phê duyệt (người thứ hai)").first.click()
    card.get_by_role("button", name="Phê duyệt (người thứ hai)").click()
    expect(page.get_by_role("alert").first).to_contain_text("người thứ hai phê duyệt")
    _as(page, server, "authority")
    page.goto(f"{BASE}/personnel")
    card = page.locator(f"article[data-decision='{COMMENDATION}']")
    card.get_by_text("Phê duyệt (người thứ hai)").first.click()
    card.get_by_role("button", name="Phê duyệt (người thứ hai)").click()
    expect(card).to_contain_text("Đã phê duyệt")

    # The servant petitions from their year page.
    _as(page, server, "civil_servant")
    page.goto(f"/servants/{me}/years/{YEAR}")
    page.get_by_label("Số đơn kiến nghị").fill(PETITION)
    page.get_by_label("Nội dung kiến nghị").fill("Đề nghị chấm lại tiêu chí I.1")
    screenshot(page, "servant-year-petition")
    page.get_by_role("button", name="Gửi đơn kiến nghị").click()
    expect(page.locator("h1")).to_contain_text(PETITION)
    case_url = page.url

    # HR assigns the reviewer; the reviewer re-scores a month under the petition.
    _as(page, server, "hr")
    page.goto(case_url)
    page.get_by_label("Tên đăng nhập của người giải quyết").fill(
        server.logins["appeals_reviewer"].login
    )
    page.locator("#reviewer").get_by_role("button", name="Phân công").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã ghi nhận")
    _as(page, server, "appeals_reviewer")
    page.goto(case_url)
    page.locator("#resolve").get_by_label("Lý do").fill("Giữ nguyên")
    page.locator("#resolve").get_by_label("Kết quả giải quyết").select_option("amended")
    page.locator("#resolve").get_by_role("button", name="Giải quyết").click()
    expect(page.locator("#e-resolve")).to_be_visible()  # amended needs its corrections first
    page.get_by_text("Chấm lại một tiêu chí thành phần của một tháng").click()
    rescore = page.locator("#rescore")
    rescore.get_by_label("Tiêu chí thành phần (ví dụ I.1)").fill("I.1")
    rescore.get_by_label("Điểm").fill("4")
    rescore.get_by_label("Văn bản (số, ký hiệu)").fill("BB 2/BB-KN")
    screenshot(page, "appeal-review")
    rescore.get_by_role("button", name="Ghi nhận điều chỉnh").click()
    expect(page.locator("dl.facts")).to_contain_text("score_criteria")

    # The authority decides again; the reviewer resolves.
    _as(page, server, "authority")
    page.goto(case_url)
    page.get_by_text("Quyết định thay thế QĐ 47/QĐ-UBND").click()
    replace = page.locator("#replace")
    replace.get_by_label("Số quyết định mới").fill("QĐ 48/QĐ-UBND")
    replace.get_by_label("Số biên bản cuộc họp").fill("BB 13/BB-UBND")
    replace.get_by_label("Ý kiến của cấp ủy (số văn bản)").fill("VB 4/ĐU")
    replace.get_by_role("button", name="Quyết định").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã ghi nhận")
    _as(page, server, "appeals_reviewer")
    page.goto(case_url)
    resolve = page.locator("#resolve")
    resolve.get_by_label("Kết quả giải quyết").select_option("amended")
    resolve.get_by_label("Văn bản giải quyết").fill("QĐ 5/QĐ-KN")
    resolve.get_by_label("Lý do").fill("Chấm lại tiêu chí I.1")
    resolve.get_by_role("button", name="Giải quyết").click()
    expect(page.locator("#replacing")).to_contain_text("QĐ 48/QĐ-UBND")
    expect(page.locator("#results")).to_contain_text("QĐ 47/QĐ-UBND")  # as filed
    expect(page.locator("#results")).to_contain_text("QĐ 48/QĐ-UBND")  # now
    expect(page.locator("#resolve")).to_have_count(0)
    screenshot(page, "appeal-resolved")

    # The commendation built on the replaced result is flagged, with why.
    _as(page, server, "hr")
    page.goto(f"{BASE}/personnel")
    why = page.locator(f"#flag-why li[data-decision='{COMMENDATION}']")
    expect(why).to_contain_text("QĐ 47/QĐ-UBND")
    expect(why).to_contain_text("QĐ 48/QĐ-UBND")
    screenshot(page, "personnel")
    page.goto(f"{BASE}/inspection")
    expect(page.locator(f"#flagged tr[data-decision='{COMMENDATION}']")).to_be_visible()
