"""An organisation's year of rating in a real browser against the demo: the city's
People's Committee recognises its departments, whose quota bites (Art. 8(5)); a
department's unit with tasks excused for force majeure (Art. 8(4)(b)); the
organisations under an agency rated first (Art. 9(1)). Screenshots in docs/screens/."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.browser import DemoServer, screenshot, sign_in

YEAR = 2026


def test_the_authority_reads_a_department_beyond_the_quota(
    page: Page, demo_server: DemoServer
) -> None:
    sign_in(page, demo_server, "authority")
    page.goto(f"/organisations/SKHCN-HN/years/{YEAR}")
    expect(page.locator("h1")).to_contain_text("Đánh giá, xếp loại chất lượng tổ chức năm 2026")
    expect(page.locator("#org-status")).to_have_text("Đã quyết định")
    expect(page.locator("#org-decided")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    expect(page.locator("#org-computed")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    expect(page.locator("#org-quota-place")).to_have_text("Vượt tỷ lệ: Hoàn thành tốt nhiệm vụ")
    expect(page.locator("body")).to_contain_text("Ủy ban nhân dân thành phố Hà Nội")
    expect(page.locator("body")).to_contain_text("Kết quả nhiệm vụ đúng như báo cáo")
    # scored criterion by criterion on the city's set (Art. 7(2))
    plan_criterion = page.locator("#org-criteria tr[data-criterion='NV2']")
    expect(plan_criterion).to_contain_text("Tỷ lệ hoàn thành nhiệm vụ")
    rule = page.locator("#org-explanation tr[data-step='conditions_excellent'] a.rule")
    expect(rule).to_have_text("khoản 1 Điều 8")
    screenshot(page, "organisation-year")
    # the department's units, rated first, link to their own years
    page.get_by_role("link", name="SKHCN-HN/QLKH").click()
    expect(page.locator(".lead")).to_contain_text("Phòng Quản lý khoa học")


def test_a_unit_with_tasks_excused_for_force_majeure(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "authority")
    page.goto(f"/organisations/SXD-HN/years/{YEAR}?unit=QLXD")
    expect(page.locator("body")).to_contain_text("Bão số 3")
    expect(page.locator("#org-tasks tr[data-task='KH-01']")).to_contain_text("có")
    expect(page.locator("#org-decided")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    screenshot(page, "organisation-unit-year")


def test_a_civil_servant_may_not_read_an_organisations_year(
    page: Page, demo_server: DemoServer
) -> None:
    sign_in(page, demo_server, "civil_servant")
    answer = page.goto(f"/organisations/SNV-HN/years/{YEAR}")
    assert answer is not None and answer.status == 403
