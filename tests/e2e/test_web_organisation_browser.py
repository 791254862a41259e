"""An organisation's year of rating in a real browser against the demo: the city's
People's Committee recognises its departments, whose quota bites (Art. 8(5)); a
department's unit with tasks excused for force majeure (Art. 8(4)(b)); the
organisations under an agency rated first (Art. 9(1)), decided in the special case of
Art. 9(1); the year's evidence bundle downloaded and checked offline; the
organisations' results published from the decisions page (Art. 9(2)(b)).
Screenshots in docs/screens/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def test_the_decision_day_and_the_evidence_bundle(
    page: Page, demo_server: DemoServer, tmp_path: Path
) -> None:
    """Decided in January, within the special case the city set (Art. 9(1)); the
    bundle of the organisation's year verifies against the ledger's public key."""
    sign_in(page, demo_server, "authority")
    page.goto(f"/organisations/STP-HN/years/{YEAR}")
    decision = page.locator("#org-decision-list tbody tr").first
    expect(decision).to_have_attribute("data-timing", "special_case")
    expect(decision).to_contain_text("trường hợp đặc biệt: trước ngày 15 tháng 01 năm sau")
    expect(decision).to_contain_text("QĐ 5120/QĐ-UBND")
    with page.expect_download() as downloading:
        page.locator("#org-evidence").click()
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert saved.name == f"chung-cu-STP-HN-{YEAR}.json"
    assert json.loads(saved.read_text(encoding="utf-8"))["subject"]["agency"] == "STP-HN"
    key = str(demo_server.folder / "demo-ledger.pub")
    checked = subprocess.run(
        [sys.executable, "-m", "api.cli", "verify-bundle", str(saved), "--public-key", key],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("valid:")


def test_the_city_publishes_its_departments_results(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "authority")
    page.goto(f"/agencies/UBND-HN/years/{YEAR}/decisions")
    section = page.locator("section[aria-labelledby='h-publish_organisations']")
    expect(section.locator("h2")).to_contain_text("Công khai kết quả xếp loại chất lượng tổ chức")
    section.get_by_label("Thông báo công khai").fill("TB 40/TB-UBND")
    section.get_by_role("button", name="Công khai").click()
    published = page.locator("section[aria-labelledby='h-publish_organisations'] table tbody tr")
    expect(published).to_have_count(1)
    expect(published.first.locator("td").nth(2)).to_have_text(
        "7"
    )  # the demo agency and six other departments
    screenshot(page, "organisation-publication")


def test_a_civil_servant_may_not_read_an_organisations_year(
    page: Page, demo_server: DemoServer
) -> None:
    sign_in(page, demo_server, "civil_servant")
    answer = page.goto(f"/organisations/SNV-HN/years/{YEAR}")
    assert answer is not None and answer.status == 403
