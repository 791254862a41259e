"""The what-if and leniency pages in a real browser against ``minhbach serve --demo``:
an inspector compares the year under another variant and finds the demo's lenient
unit; a unit manager has neither tab and is refused both pages."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    DemoServer,
    screenshot,
    sign_in,
)

AGENCY, YEAR = "SNV-HN", 2026
BASE = f"/agencies/{AGENCY}/years/{YEAR}"
ORDINARY_UNITS = {"BGD", "TCBC", "CCHC", "VP", "TTR"}


def test_an_inspector_asks_what_if_and_reads_the_leniency_flags(
    page: Page, demo_server: DemoServer
) -> None:
    sign_in(page, demo_server, "inspector")
    page.goto(f"{BASE}/standings")
    page.get_by_role("link", name="Nếu áp dụng phương án khác").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Nếu năm {YEAR} áp dụng phương án chính sách khác"
    )
    page.get_by_label("Phương án chính sách").select_option("quota-good-or-better")
    page.get_by_role("button", name="So sánh").click()
    expect(page).to_have_url(re.compile(r"policy=quota-good-or-better"))
    rows = page.locator("table#whatif tbody tr[data-servant]")
    assert rows.count() == 52
    changed = page.locator("table#whatif tbody tr.changed")
    assert changed.count() >= 1
    # Those who change level come first, each with the step that differs (the quota).
    expect(changed.first.locator("td").last).to_contain_text("EXCELLENT limit")
    totals = page.locator("table#whatif-totals tbody tr")
    assert totals.count() == 5
    screenshot(page, "whatif")

    page.get_by_role("link", name="Đánh giá dễ dãi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Chỉ số đánh giá dễ dãi, nâng điểm năm {YEAR}"
    )
    flags = page.locator("table#leniency-flags tbody tr")
    groups = set(flags.evaluate_all("rows => rows.map(r => r.dataset.group)"))
    assert "CCVTLT" in groups and not groups & ORDINARY_UNITS
    expect(flags.first.locator("td").last).to_contain_text(re.compile(r"\d+"))  # its events
    screenshot(page, "leniency")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Leniency and inflation indicators {YEAR}"
    )
    page.goto(f"{BASE}/whatif?policy=late-working-days&unit=CCVTLT")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"What if another reading applied in {YEAR}"
    )
    units = page.locator("table#whatif tbody tr td:nth-child(2) .code").all_inner_texts()
    assert units and set(units) == {"(CCVTLT)"}


def test_a_unit_manager_may_not_compare_the_agency(page: Page, demo_server: DemoServer) -> None:
    sign_in(page, demo_server, "manager")
    page.goto(f"{BASE}/standings")
    expect(page.get_by_role("link", name="Nếu áp dụng phương án khác")).to_have_count(0)
    for screen in ("whatif", "leniency"):
        refused = page.goto(f"{BASE}/{screen}")
        assert refused is not None and refused.status == 403
    unknown = page.goto(f"{BASE}/whatif?policy=no-such-variant")
    assert unknown is not None and unknown.status == 403  # refused before the question
