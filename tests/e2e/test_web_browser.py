"""The web pages in a real browser (the machine's Chromium) against a real
``minhbach serve --demo``: signing in, the HR screens and their downloads, a
manager's unit, CSRF, refused sign-ins in the event log, a civil servant's 403,
the API docs with no internet, and a screenshot of each screen at a desktop's
and a phone's width (docs/screens/)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, Route, expect

from tests.e2e.browser import (
    DemoServer,
    screenshot,
    sign_in,
    unlabelled_fields,
)

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
    # 52 in all (45 in the ordinary units, 7 in the lenient one), 50 a page.
    expect(page.get_by_text("52 công chức phù hợp.")).to_be_visible()
    assert len(everyone) == 50
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


TIED_GROUP = "chuyen-vien"


def _tied_servant(server: DemoServer) -> tuple[str, str]:
    """The demo's servant tied across the EXCELLENT limit, and the one tied with them."""
    with server.api("hr") as api:
        answer = api.get(
            "/api/v1/standings",
            params={"agency": AGENCY, "year": YEAR, "peer_group": TIED_GROUP, "page_size": 500},
        )
    assert answer.status_code == 200, answer.text
    tied = sorted(r["servant_code"] for r in answer.json()["items"] if r["status"] == "pending_tie")
    assert len(tied) == 2, tied
    return tied[0], tied[1]


def _rescore_december(server: DemoServer, servant: str, lower_by: Decimal) -> tuple[int, int]:
    """The unit head re-scores December's general criteria lower by mistake, then
    corrects it back: the log positions of the mistake and of the correction."""
    with server.api("inspector") as inspector:
        explained = inspector.get(f"/api/v1/servants/{servant}/years/{YEAR}/explanation")
        assert explained.status_code == 200, explained.text
        scored = [
            i["position"]
            for i in explained.json()["inputs"]
            if i["type"] == "minhbach.evaluation:CriteriaScored"
        ][-1]
        event = inspector.get("/api/v1/events", params={"after": scored - 1, "limit": 1})
        state = event.json()["items"][0]["state"]
    scores = {k: Decimal(v["_data_"]) for k, v in state["scores"].items()}
    lowered = dict(scores, **{"I.1": scores["I.1"] - lower_by})
    positions = []
    with server.api("manager") as manager:
        for chosen, document in ((lowered, "BB 12/TCBC"), (scores, "BB 13/TCBC")):
            body = {
                "servant": servant,
                "period": f"{YEAR}-12",
                "scores": {k: str(v) for k, v in chosen.items()},
                "source_ref": document,
            }
            answer = manager.post("/api/v1/commands/score-criteria", json=body)
            assert answer.status_code == 200, answer.text
            positions.append(int(answer.json()["position"]))
    return positions[0], positions[1]


def test_an_inspector_reads_a_servants_year(
    page: Page, demo_server: DemoServer, tmp_path: Path
) -> None:
    servant, other = _tied_servant(demo_server)
    mistake, correction = _rescore_december(demo_server, servant, Decimal(2))

    sign_in(page, demo_server, "inspector")
    page.goto(f"{BASE}/standings?peer_group={TIED_GROUP}")
    page.locator(f"tr[data-servant='{servant}'] td:nth-child(2) a").click()
    expect(page).to_have_url(re.compile(rf"/servants/{servant}/years/{YEAR}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Kết quả năm {YEAR}")

    # The one-page reason: still tied (the correction restored December), by the quota's article.
    verdict = page.locator("section.verdict")
    expect(verdict.locator(".badge.big")).to_have_text("Chờ quyết định: bằng điểm tại ngưỡng tỷ lệ")
    tie = verdict.locator("li[data-kind='quota_tie']")
    expect(tie).to_contain_text(f"nhóm tương đồng {TIED_GROUP}")
    expect(tie).to_contain_text("giới hạn 2")
    expect(tie).to_contain_text(other)
    expect(tie.get_by_role("link", name="khoản 5 Điều 20")).to_have_attribute(
        "href", "/decree#dieu-20"
    )
    screenshot(page, "servant-year")

    # A month unfolds into its arithmetic, a task into its events.
    march = page.locator(f"details#month-{YEAR}-03")
    march.locator("summary").first.click()
    steps = march.locator("table.steps")
    expect(steps).to_be_visible()
    expect(steps).to_contain_text("Số lượng (a)")
    expect(steps).to_contain_text("Tỷ lệ hoàn thành nhiệm vụ")
    task = march.locator("details.task").first
    task.locator("summary").click()
    expect(task.locator("ul.events li").first).to_contain_text("Giao nhiệm vụ")
    screenshot(page, "servant-year-month")

    # Every event with the change it made: the mistake lowered December, the correction restored it.
    timeline = page.locator("#timeline-table")
    expect(timeline.locator(f"tr[data-position='{mistake}']")).to_contain_text("12/2026")
    corrected = timeline.locator(f"tr[data-position='{correction}']")
    expect(corrected).to_contain_text("BB 13/TCBC")
    expect(corrected).to_have_class(re.compile("changed"))

    # As of before the correction: the old result, moved down by the quota, and what changed since.
    page.get_by_label("hoặc vị trí trong nhật ký").fill(str(correction - 1))
    page.get_by_role("button", name="Xem kết quả khi đó").click()
    expect(page).to_have_url(re.compile(rf"as_of_position={correction - 1}"))
    expect(page.locator(".notice.asof")).to_contain_text(str(correction - 1))
    expect(page.locator("section.verdict .badge.big")).to_have_text("Hoàn thành tốt nhiệm vụ")
    moved = page.locator("section.verdict li[data-kind='quota_moved_down']")
    expect(moved).to_contain_text("xếp thứ 3")
    changed = page.locator("#changes")
    expect(changed.locator("tr[data-field='proposed_level']")).to_contain_text(
        "Hoàn thành tốt nhiệm vụ"
    )
    expect(changed.locator("tr[data-field='status']")).to_be_visible()
    screenshot(page, "servant-year-as-of")

    # The ledger's word, and the evidence bundle checked offline by the command line.
    page.goto(f"/servants/{servant}/years/{YEAR}")
    ledger = page.locator("section.ledger")
    expect(ledger).to_contain_text("điểm kiểm tra")
    with page.expect_download() as downloading:
        ledger.get_by_role("link", name="Tải gói chứng cứ").click()
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8"))["subject"] == {
        "servant": servant,
        "year": YEAR,
    }
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "verify-bundle",
            str(saved),
            "--public-key",
            str(demo_server.folder / "demo-ledger.pub"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("valid:")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"The year {YEAR} of")
    expect(page.locator("section.verdict li[data-kind='quota_tie']")).to_contain_text("Art. 20(5)")


def test_a_civil_servant_may_not_open_another_servants_year(
    page: Page, demo_server: DemoServer
) -> None:
    servant, other = _tied_servant(demo_server)  # the demo civil servant is the first
    sign_in(page, demo_server, "civil_servant")
    own = page.goto(f"/servants/{servant}/years/{YEAR}")
    assert own is not None and own.status == 200
    refused = page.goto(f"/servants/{other}/years/{YEAR}")
    assert refused is not None and refused.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Bạn không có quyền xem trang này")
    bundle = page.request.get(f"/servants/{other}/years/{YEAR}/evidence.json")
    assert bundle.status == 403


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
    assert link.get_attribute("href") == f"/servants/{code}/years/{YEAR}"
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
