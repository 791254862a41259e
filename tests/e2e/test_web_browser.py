"""The web pages in a real browser (the machine's Chromium) against a real
``minhbach serve --demo``: signing in, the HR screens and their downloads, a
manager's unit, CSRF, refused sign-ins in the event log, a civil servant's 403,
the API docs with no internet, and a screenshot of each screen at a desktop's
and a phone's width (docs/screens/)."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, Route, expect

from tests.e2e.browser import (
    DemoServer,
    browser,
    demo_server,
    page,
    playwright_session,
    screenshot,
    sign_in,
    unlabelled_fields,
)

__all__ = ["browser", "demo_server", "page", "playwright_session"]  # the fixtures

AGENCY, YEAR = "SNV-HN", 2026
BASE = f"/agencies/{AGENCY}/years/{YEAR}"
MANAGER_UNIT = "TCBC"  # the demo manager heads Phòng Tổ chức, biên chế (demo/people.py)


def servant_codes(page: Page) -> list[str]:
    return [
        str(code)
        for code in page.locator("table#standings tbody tr[data-servant]").evaluate_all(
            "rows => rows.map(r => r.dataset.servant)"
        )
    ]


def test_hr_signs_in_filters_the_standings_and_downloads_them(
    page: Page, demo_server: DemoServer
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2F$"))
    assert unlabelled_fields(page) == []
    screenshot(page, "sign-in")
    sign_in(page, demo_server, "hr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    screenshot(page, "home-hr")

    page.get_by_role("link", name="Xếp hạng").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bảng xếp hạng năm {YEAR}")
    assert unlabelled_fields(page) == []
    everyone = servant_codes(page)
    assert len(everyone) == 45
    screenshot(page, "standings")

    page.get_by_label("Đơn vị").select_option(MANAGER_UNIT)
    page.get_by_label("Mức xếp loại").select_option("GOOD")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(rf"unit={MANAGER_UNIT}.*level=GOOD"))
    shown = servant_codes(page)
    assert shown and set(shown) < set(everyone)
    badges = page.locator("table#standings tbody tr td:nth-child(6) .badge")
    expect(badges.first).to_have_text("Hoàn thành tốt nhiệm vụ")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = downloading.value
    assert download.suggested_filename == f"xep-hang-{AGENCY}-{YEAR}.xlsx"
    sheet = load_workbook(BytesIO(Path(download.path()).read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Hạng", "Mã công chức", "Họ và tên")
    with demo_server.api("hr") as api:
        answer = api.get(
            "/api/v1/standings",
            params={
                "agency": AGENCY,
                "year": YEAR,
                "unit": MANAGER_UNIT,
                "level": "GOOD",
                "page_size": 500,
            },
        )
    assert answer.status_code == 200, answer.text
    expected = [
        (item["rank"], item["servant_code"], item["unit_code"], Decimal(item["annual_score"]))
        for item in answer.json()["items"]
    ]
    got = [(row[0], row[1], row[3], Decimal(str(row[6]))) for row in rows[1:]]
    assert got == expected
    assert [code for _, code, _, _ in expected] == shown
    assert all(row[11] is None or row[11] == "Hoàn thành tốt nhiệm vụ" for row in rows[1:])

    csv = page.request.get(f"{BASE}/standings.csv?unit={MANAGER_UNIT}&level=GOOD")
    assert csv.ok and csv.body().startswith("\ufeffHạng,Mã công chức".encode())


def test_the_other_hr_screens(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "hr")
    page.goto(f"{BASE}/distribution")
    expect(page.locator(".chart svg").first).to_be_visible()
    assert page.locator(".chart").count() == 2
    screenshot(page, "distribution")

    page.goto(f"{BASE}/quota")
    group = page.locator("section.quota", has_text="Nhóm chuyen-vien").first
    expect(group).to_contain_text("Chờ quyết định")  # the demo's tie across the limit
    screenshot(page, "quota")

    page.goto(f"{BASE}/worklist")
    expect(page.get_by_role("heading", name=re.compile("Chờ bộ phận tổ chức cán bộ đề xuất")))
    screenshot(page, "worklist")

    page.goto("/people/password")
    assert unlabelled_fields(page) == []
    screenshot(page, "set-password")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a password")
    page.goto(f"{BASE}/standings")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Standings {YEAR}")
    expect(page.locator(".badge").first).to_have_text(re.compile("completion of duties"))


def test_a_manager_sees_only_their_unit(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "manager")
    page.goto(f"{BASE}/standings")
    units = page.locator("table#standings tbody tr td:nth-child(3) .code").all_inner_texts()
    assert units and set(units) == {f"({MANAGER_UNIT})"}
    options = page.get_by_label("Đơn vị").locator("option").all_inner_texts()
    assert len(options) == 1 and options[0].endswith(f"({MANAGER_UNIT})")
    screenshot(page, "standings-manager")

    refused = page.goto(f"{BASE}/standings?unit=CCHC")
    assert refused is not None and refused.status == 403
    download = page.request.get(f"{BASE}/standings.csv?unit=CCHC")
    assert download.status == 403


def test_a_form_post_without_its_csrf_token_is_refused(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "hr")
    forged = page.request.post(
        "/people/password",
        form={
            "login": "demo-civil-servant",
            "new": "x" * 12,
            "repeat": "x" * 12,
            "form_key": "0" * 32,
        },
    )
    assert forged.status == 403
    assert "Biểu mẫu đã hết hiệu lực" in forged.text()
    signing_out = page.request.post("/signout", form={})
    assert signing_out.status == 403
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")  # still signed in


def test_a_wrong_password_is_refused_and_recorded(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "hr", password="not the password")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    expect(page).to_have_url(re.compile("/signin"))
    failures = []
    with demo_server.api("inspector") as inspector:
        after = 0
        while True:
            answer = inspector.get("/api/v1/events", params={"after": after, "limit": 1000})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            failures += [
                e["state"] for e in body["items"] if e["topic"] == "minhbach.principal:SignInFailed"
            ]
            if body["next_after"] is None:
                break
            after = body["next_after"]
    assert any(f["reason"] == "wrong_password" and f["address"] == "127.0.0.1" for f in failures), (
        failures
    )


def test_a_civil_servant_gets_a_403_page_outside_their_scope(
    page: Page, demo_server: DemoServer
) -> None:
    sign_in(page, demo_server, "civil_servant")
    screenshot(page, "home-civil-servant")
    answer = page.goto(f"{BASE}/standings")
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Bạn không có quyền xem trang này")
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    assert "Traceback" not in page.content()
    screenshot(page, "forbidden")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_render_with_no_internet(
    page: Page, demo_server: DemoServer, path: str
) -> None:
    here = urlparse(demo_server.base_url).netloc
    elsewhere: list[str] = []

    def only_this_service(route: Route) -> None:
        if urlparse(route.request.url).netloc == here:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_service)
    page.goto(path)
    if path == "/docs":
        expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
        assert page.locator(".opblock").count() > 20
        expect(page.get_by_role("button", name=re.compile("Authorize"))).to_be_visible()
        screenshot(page, "api-docs", full_page=False)
    else:
        expect(page.get_by_text("Civil-servant appraisal").first).to_be_visible(timeout=30_000)
        expect(page.get_by_text("standings").first).to_be_attached()
    assert elsewhere == []


def test_the_reconciliation_console(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "hr")
    page.get_by_role("link", name="Đối soát").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đối soát năm {YEAR}")
    # After the year (the demo's clock is in January), the console opens on December.
    expect(page.get_by_label("Kỳ đánh giá")).to_have_value(f"{YEAR}-12")
    expect(page.locator("#days-basis")).to_contain_text("VN-civil-service")
    to_propose = page.locator("table#to_propose tbody tr[data-servant]")
    expect(to_propose.first).to_be_visible()
    link = to_propose.first.get_by_role("link")
    code = to_propose.first.get_attribute("data-servant")
    assert link.get_attribute("href") == f"{BASE}/servants/{code}"
    expect(link).to_contain_text(f"({code})")
    screenshot(page, "reconciliation")

    page.get_by_label("Kỳ đánh giá").select_option(f"{YEAR}-03")
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(rf"period={YEAR}-03"))
    expect(page.get_by_role("heading", level=2).first).to_have_text(f"Tháng 03/{YEAR}")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reconciliation {YEAR}")


def test_a_manager_reconciles_their_unit_only(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "manager")
    page.goto(f"{BASE}/reconciliation")
    options = page.get_by_label("Đơn vị").locator("option").all_inner_texts()
    assert len(options) == 1 and options[0].endswith(f"({MANAGER_UNIT})")
    units = page.locator("table.data tbody tr td:nth-child(2) .code").all_inner_texts()
    assert set(units) <= {f"({MANAGER_UNIT})"}
    refused = page.goto(f"{BASE}/reconciliation?unit=CCHC")
    assert refused is not None and refused.status == 403
