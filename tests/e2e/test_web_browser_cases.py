"""Petitions, the inspector's lists, the documents and /verify in a real browser
against a real ``minhbach serve --demo`` whose log holds the demo's petition story
(demo/petitions.py: two decisions at another level than computed, a petition
three weeks old assigned to the demo's appeals reviewer, a flagged commendation),
recorded first with a clock of its own; the demo runs on from its newest time."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from api.bootstrap import record_demo_petitions
from demo import AGENCY
from demo.clock import DEMO_YEAR
from demo.petitions import PetitionStory
from forms.extract import receipt_from_bytes
from tests.e2e.browser import (
    DemoServer,
    screenshot,
    serving_demo,
    sign_in,
    unlabelled_fields,
)

BASE = f"/agencies/{AGENCY}/years/{DEMO_YEAR}"


@pytest.fixture(scope="module")
def story_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[DemoServer, PetitionStory]]:
    folder = tmp_path_factory.mktemp("web-petitions")
    story = record_demo_petitions(f"sqlite:///{folder / 'demo.db'}")
    with serving_demo(folder) as server:
        yield server, story


@pytest.fixture
def demo_server(story_server: tuple[DemoServer, PetitionStory]) -> DemoServer:
    """The ``page`` fixture's server: the one with the story."""
    return story_server[0]


def test_a_reviewer_opens_an_overdue_case(
    page: Page, story_server: tuple[DemoServer, PetitionStory]
) -> None:
    server, story = story_server
    sign_in(page, server, "appeals_reviewer")
    page.get_by_role("link", name="Kiến nghị", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiến nghị")
    first = page.locator("table#appeals tbody tr").first
    expect(first).to_have_attribute("data-appeal", story.appeal_no)
    expect(first).to_have_class("overdue")
    expect(first).to_contain_text("Quá hạn")
    expect(first).to_contain_text(story.petitioner)
    expect(first.locator("td").nth(4)).to_contain_text("Hoàn thành nhiệm vụ")  # as filed
    screenshot(page, "appeals")

    first.get_by_role("link", name=story.appeal_no).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đơn kiến nghị {story.appeal_no}")
    expect(page.get_by_role("status")).to_contain_text("Quá hạn: hạn giải quyết")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("10/01/2027")  # received on the demo's day
    expect(facts).to_contain_text("QĐ 101/QĐ-SNV")
    rows = page.locator("table#results tbody tr")
    expect(rows.nth(0)).to_contain_text("Hoàn thành nhiệm vụ")
    expect(rows.nth(1)).to_contain_text("QĐ 101/QĐ-SNV")
    screenshot(page, "appeal-case")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Petition {story.appeal_no}")
    expect(page.get_by_role("status")).to_contain_text("Overdue: due on")


def test_an_inspector_sees_the_three_lists(
    page: Page, story_server: tuple[DemoServer, PetitionStory]
) -> None:
    server, story = story_server
    sign_in(page, server, "inspector")
    page.get_by_role("link", name="Thanh tra").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Thanh tra năm {DEMO_YEAR}")
    departures = page.locator("table#departures tbody tr")
    codes = departures.evaluate_all("rows => rows.map(r => r.dataset.servant)")
    assert set(codes) >= {story.petitioner, story.commended}
    link = page.locator(f"table#departures tr[data-servant='{story.petitioner}'] a").first
    expect(link).to_have_attribute("href", f"/servants/{story.petitioner}/years/{DEMO_YEAR}")
    flagged = page.locator(f"table#flagged tr[data-decision='{story.commendation}']")
    expect(flagged).to_contain_text("Khen thưởng")
    expect(flagged).to_contain_text("QĐ 103/QĐ-SNV")  # the basis now
    overdue = page.locator("table#overdue tbody tr")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("demo-appeals-reviewer")
    screenshot(page, "inspection")
    overdue.get_by_role("link", name=story.appeal_no).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đơn kiến nghị {story.appeal_no}")


def test_hr_downloads_form_02_and_the_summary_then_verifies_the_receipt(
    page: Page, story_server: tuple[DemoServer, PetitionStory]
) -> None:
    server, _ = story_server
    sign_in(page, server, "hr")
    page.goto(f"{BASE}/standings")
    row = page.locator("table#standings tbody tr[data-servant]").first
    code = row.get_attribute("data-servant")
    name = row.locator("td").nth(1).inner_text().split(" (")[0]
    with page.expect_download() as downloading:
        row.get_by_role("link", name=re.compile("^Mẫu 02 của")).click()
    form = Path(downloading.value.path()).read_bytes()
    assert form.startswith(b"%PDF")
    text = " ".join(PdfReader(io.BytesIO(form)).pages[0].extract_text().split())
    assert name in text and "PHIẾU XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC" in text

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Bảng tổng hợp (XLSX)").click()
    assert downloading.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(downloading.value.path()).read_bytes()))["Tổng hợp"]
    assert code in {r[1] for r in sheet.iter_rows(values_only=True)}

    receipt = receipt_from_bytes(form)
    assert receipt.subject == {"servant": code, "year": DEMO_YEAR}
    page.get_by_role("link", name="Kiểm chứng biên nhận").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm chứng biên nhận")
    assert unlabelled_fields(page) == []
    page.get_by_label("Biên nhận").fill(receipt.text())
    page.get_by_role("button", name="Kiểm chứng").click()
    expect(page.locator("#verdict")).to_have_text(re.compile("^KHỚP: phiếu đúng"))
    screenshot(page, "verify")

    altered = receipt.text().replace(receipt.digest, receipt.digest[::-1])
    page.get_by_label("Biên nhận").fill(altered)
    page.get_by_role("button", name="Kiểm chứng").click()
    expect(page.locator("#verdict")).to_have_text(re.compile("^KHÔNG KHỚP"))


def test_verify_needs_no_sign_in(page: Page) -> None:
    answer = page.goto("/verify")
    assert answer is not None and answer.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm chứng biên nhận")
    page.get_by_role("button", name="Kiểm chứng").click()
    expect(page.get_by_role("alert")).to_contain_text("Dán biên nhận hoặc chọn tệp")
