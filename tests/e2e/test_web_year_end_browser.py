"""The year-end forms in a real browser against a demo service of their own (they
change what the shared demo's screens show: the tie, the worklist): HR proposes a
unit from the computed proposal, the competent authority decides one servant at
another level (refused without the reason, beside the field; accepted with it),
decides the tie across the EXCELLENT limit on its document, and notifies."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import (
    DESKTOP,
    DemoServer,
    screenshot,
    serving_demo,
    sign_in,
)

AGENCY, YEAR = "SNV-HN", 2026
BASE = f"/agencies/{AGENCY}/years/{YEAR}"
UNIT = "TCBC"  # Phòng Tổ chức, biên chế (demo/people.py)
TIED_GROUP = "chuyen-vien"


@pytest.fixture(scope="module")
def year_end_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with serving_demo(tmp_path_factory.mktemp("web-year-end")) as server:
        assert "authority" in server.logins, server.logins.keys()
        yield server


@pytest.fixture
def desk(browser: Browser, year_end_server: DemoServer) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, base_url=year_end_server.base_url)
    opened = context.new_page()
    yield opened
    context.close()


def _a_good_servant_of_the_unit(server: DemoServer) -> str:
    with server.api("hr") as api:
        answer = api.get(
            "/api/v1/standings",
            params={"agency": AGENCY, "year": YEAR, "unit": UNIT, "page_size": 500},
        )
    assert answer.status_code == 200, answer.text
    rows = answer.json()["items"]
    good = [
        r["servant_code"]
        for r in rows
        if r["proposed_level"] == "GOOD" and r["status"] != "pending_tie"
    ]
    assert good, rows
    return str(good[0])


def test_hr_proposes_the_authority_decides_the_tie_and_notifies(
    desk: Page, year_end_server: DemoServer
) -> None:
    page, server = desk, year_end_server
    chosen = _a_good_servant_of_the_unit(server)

    sign_in(page, server, "hr")
    page.goto(f"{BASE}/proposals?unit={UNIT}")
    table = page.locator("#propose table")
    expect(table.locator(f"tr[data-servant='{chosen}']")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    screenshot(page, "proposals")
    page.get_by_role("button", name="Đề xuất các dòng đã chọn").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đề xuất")
    expect(page.get_by_text("Không còn trường hợp nào chờ đề xuất.")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, server, "authority")
    page.goto(f"{BASE}/decisions?servant={chosen}")
    page.get_by_label("Số quyết định").fill("QĐ 45/QĐ-UBND")
    page.get_by_label("Số biên bản cuộc họp").fill("BB 12/BB-UBND")
    page.get_by_label("Ý kiến của cấp ủy (số văn bản)").fill("VB 3/ĐU")
    page.get_by_label(f"Mức quyết định cho {chosen}").select_option("COMPLETE")
    page.get_by_role("button", name="Quyết định các dòng đã chọn").click()
    beside = page.locator(f"#e-dr-{re.escape(chosen)}")
    expect(beside).to_contain_text("khác với đề xuất được tính")
    screenshot(page, "decisions-refused")

    page.get_by_label(f"Lý do cho {chosen}").fill("Chưa chủ động trong công việc được giao")
    page.get_by_role("button", name="Quyết định các dòng đã chọn").click()
    expect(page.locator("#h-decide + p.notice")).to_contain_text("Đã ghi nhận: 1")
    expect(page.locator(f"#notify tr[data-servant='{chosen}']")).to_contain_text(
        "Hoàn thành nhiệm vụ"
    )

    page.goto(f"{BASE}/quota")
    group = page.locator("section.quota", has_text=f"Nhóm {TIED_GROUP}").first
    tie = group.locator("form.tie")
    tie.locator("input[name=excellent]").first.check()
    tie.get_by_label("Văn bản quyết định trường hợp bằng điểm").fill("QĐ 46/QĐ-UBND")
    screenshot(page, "quota-tie")
    tie.get_by_role("button", name="Quyết định trường hợp bằng điểm").click()
    group = page.locator("section.quota", has_text=f"Nhóm {TIED_GROUP}").first
    expect(group.get_by_role("status")).to_contain_text("Đã quyết định trường hợp bằng điểm")
    expect(group.locator("form.tie")).to_have_count(0)

    page.goto(f"{BASE}/decisions")
    form = page.locator("#notify")
    for box in form.locator("input[name=servant]").all():
        box.uncheck()
    form.get_by_label(f"Thông báo cho {chosen}").check()
    form.get_by_label("Số văn bản thông báo").fill("TB 7/TB-UBND")
    form.get_by_role("button", name="Ghi nhận đã thông báo cho các dòng đã chọn").click()
    expect(page.locator("#h-notify + p.notice")).to_contain_text("Đã ghi nhận: 1")
    expect(page.locator(f"#notify tr[data-servant='{chosen}']")).to_have_count(0)
    screenshot(page, "decisions")
