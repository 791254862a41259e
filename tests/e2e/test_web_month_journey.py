"""A whole month in a real browser, from an empty agency: HR brings the staff and the
catalogue from Excel (a bad row refused with its row and column, nothing recorded
until confirmed, then corrected and applied), the head of the unit assigns tasks, the
civil servants submit results and self-score Form 01, the head fails one result
(resubmitted, then accepted) and confirms the scores. At each stage the
reconciliation console names exactly the steps still missing, and is empty at the
end; the month's scores shown are those of the policy's pure functions."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from api.bootstrap import issue
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.passwords import hash_new_password
from domain.policy import criteria_total, period_score, policy_in_force, task_ratio
from domain.policy.tasks import TaskOutcome, task_components
from domain.storage import storage_from_url
from tests.e2e.browser import DESKTOP, DemoServer, screenshot, serving_demo
from tests.e2e.test_web_month_browser import SCORES, self_score
from tests.workbooks import workbook
from web.formatting import show_decimal

AGENCY, UNIT = "SO-TN", "P1"
PASSWORD = "mật khẩu hành trình"
ADMIN = CommandContext(Actor("admin", Role.ADMIN))
# The month before today's (the server's clock is the machine's): every date is past.
LAST = datetime.now(UTC).date().replace(day=1) - timedelta(days=1)
FIRST = LAST.replace(day=1)
PERIOD, YEAR = f"{LAST:%Y-%m}", LAST.year
ASSIGNED, DEADLINE = FIRST + timedelta(days=1), FIRST + timedelta(days=19)
DONE = {"CV-1": FIRST + timedelta(days=9), "CV-2": FIRST + timedelta(days=11)}
REDONE = FIRST + timedelta(days=14)  # CV-1's second result, after the first failed
PRODUCTS = [
    ("BC-TH", "Báo cáo tổng hợp", "chuyen-vien", 3, 1.5, "2020-01-01"),
    ("VB-TL", "Văn bản trả lời", "chuyen-vien", 1, "0,5", "01/01/2020"),
]
STAFF = [
    ("CV-1", "Lê Minh Châu", UNIT, "", "chuyen-vien", "", "công chức", "2020-01-01"),
    ("CV-2", "Phạm Quốc Dũng", UNIT, "", "chuyen-vien", "", "", "31/02/2020"),  # no such day
]
TASKS = {"T-1": ("CV-1", "BC-TH", 2), "T-2": ("CV-2", "VB-TL", 4)}  # task: servant, product, qty
BOTH_TASKS = [("CV-1", "T-1"), ("CV-2", "T-2")]  # a console's lines: servant, task
BOTH_FORMS = [("CV-1", ""), ("CV-2", "")]  # servant, Form 01 (no task)
FACTORS = {"BC-TH": Decimal("1.5"), "VB-TL": Decimal("0.5")}


@dataclass
class Journey:
    server: DemoServer
    hr_token: str
    folder: Path


def set_up(app: MinhBach) -> str:
    """The minimum: the agency, its one unit and head, HR and the head able to sign in.
    Returns HR's bearer token (for the sign-ins of the staff it imports)."""
    app.execute(c.RegisterAgency(code=AGENCY, title="Sở Thử nghiệm"), ADMIN)
    app.execute(c.OpenUnit(agency=AGENCY, unit=UNIT, title="Phòng Một"), ADMIN)
    head = {"code": "TP-1", "full_name": "Trần Thị Bình", "agency": AGENCY, "unit": UNIT}
    app.execute(
        c.RegisterServant.model_validate(
            {
                **head,
                "position": "truong-phong",
                "leadership": "head",
                "employed_from": "2019-01-01",
            }
        ),
        ADMIN,
    )
    for name, role, scope in (
        ("hr-tn", "hr", {"agency": AGENCY}),
        ("tp-1", "manager", {"servant": "TP-1"}),
    ):
        app.execute(
            c.RegisterPrincipal.model_validate(
                {"principal": name, "display_name": name, "role": role, **scope}
            ),
            ADMIN,
        )
        own = CommandContext(Actor(scope.get("servant", name), Role(role), scope.get("agency")))
        app.execute(
            c.ChangePassword(principal=name, password_hash=hash_new_password(PASSWORD, name)), own
        )
    return issue(app, "hr-tn", "hành trình", ADMIN)


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    folder = tmp_path_factory.mktemp("web-journey")
    app = MinhBach(storage_from_url(f"sqlite:///{folder / 'demo.db'}"))
    token = set_up(app)
    app.close()
    with serving_demo(folder, demo=False) as server:
        yield Journey(server, token, folder)


@pytest.fixture
def tab(browser: Browser, journey: Journey) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, base_url=journey.server.base_url)
    yield context.new_page()
    context.close()


def enter(page: Page, login: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/signin")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def upload(page: Page, kind: str, path: Path) -> None:
    page.goto(f"/agencies/{AGENCY}/imports")
    page.locator(f"#upload-{kind}").get_by_label("Tệp Excel (.xlsx)").set_input_files(path)
    page.locator(f"#upload-{kind}").get_by_role("button", name="Kiểm tra tệp").click()


def console(page: Page) -> dict[str, list[tuple[str, str]]]:
    """The reconciliation console's lines: per section, (servant, task or Form 01 stage)."""
    page.goto(f"/agencies/{AGENCY}/years/{YEAR}/reconciliation?period={PERIOD}")
    found: dict[str, list[tuple[str, str]]] = {}
    for section in ("to_submit", "to_assess", "to_confirm", "not_scorable"):
        rows = page.locator(f"table#{section} tbody tr")
        tasks = section in ("to_submit", "to_assess")
        found[section] = sorted(
            (
                str(rows.nth(i).get_attribute("data-servant")),
                rows.nth(i).locator("td.wide .code").inner_text().strip("()") if tasks else "",
            )
            for i in range(rows.count())
        )
    return found


def shows(page: Page, expected: dict[str, list[tuple[str, str]]]) -> None:
    """The console shows ``expected`` once the views have followed the last write."""
    deadline = time.monotonic() + 20
    while (seen := console(page)) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    assert seen == expected


def expected_score(servant: str) -> Decimal:
    """The month's score by the policy's own functions, from what the forms sent."""
    policy = policy_in_force(FIRST)
    task, (_, product, quantity) = next((k, v) for k, v in TASKS.items() if v[0] == servant)
    units = quantity * FACTORS[product]
    failed = 1 if servant == "CV-1" else 0
    completed = REDONE if failed else DONE[servant]
    outcome = TaskOutcome(task, units, True, units, failed, DEADLINE, completed)
    components = task_components(policy, [outcome]).value
    assert components is not None
    ratio = task_ratio(policy, components, None).value
    total = criteria_total(policy, {k: Decimal(v) for k, v in SCORES.items()}).value
    return period_score(policy, total, ratio).value


def submit(page: Page, task: str, quantity: int, on: date) -> None:
    form = page.locator(f"#form-result-{task}")
    form.get_by_label("Số lượng đã hoàn thành").fill(str(quantity))
    form.get_by_label("Ngày hoàn thành").fill(on.isoformat())
    form.get_by_role("button", name="Gửi kết quả").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi kết quả")


def assess(page: Page, task: str, outcome: str) -> None:
    form = page.locator(f"#form-assess-{task}")
    form.get_by_label("Kết quả đánh giá").select_option(outcome)
    if outcome == "failed":
        form.get_by_label("Ghi chú").fill("Sai số liệu tổng hợp")
    form.get_by_role("button", name="Ghi kết quả đánh giá").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi kết quả đánh giá.")


def test_a_month_from_an_empty_agency(tab: Page, journey: Journey, tmp_path: Path) -> None:
    page = tab
    enter(page, "hr-tn")
    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Thử nghiệm")

    # Staff: one bad row is refused with its row and column; nothing is recorded (the
    # corrected file's rows are all still to add).
    bad = tmp_path / "cong-chuc.xlsx"
    bad.write_bytes(workbook("staff", STAFF))
    upload(page, "staff", bad)
    row = page.locator("#row-3")
    expect(row).to_contain_text("Lỗi")
    expect(row).to_contain_text("Làm việc từ ngày (employed_from): Không phải ngày")
    expect(page.locator("#row-2")).to_contain_text("Sẽ thêm")
    expect(page.locator("#form-confirm")).to_have_count(0)
    screenshot(page, "upload-preview-error")
    unit_month = f"/agencies/{AGENCY}/units/{UNIT}/periods/{PERIOD}"
    good = tmp_path / "cong-chuc-da-sua.xlsx"
    good.write_bytes(workbook("staff", [STAFF[0], (*STAFF[1][:-1], "01/02/2020")]))
    upload(page, "staff", good)
    expect(page.locator("#upload-rows tbody tr.upload-add")).to_have_count(2)
    page.get_by_role("button", name="Xác nhận: ghi nhận 2 dòng").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi nhận 2 dòng, 0 dòng không thay đổi.")
    screenshot(page, "upload-applied")
    products = tmp_path / "danh-muc.xlsx"
    products.write_bytes(workbook("catalogue", PRODUCTS))
    upload(page, "catalogue", products)
    page.get_by_role("button", name="Xác nhận: ghi nhận 2 dòng").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận 2 dòng")
    upload(page, "staff", good)  # again: nothing to record
    expect(page.get_by_role("status")).to_have_text(
        "Mọi dòng đều đã được ghi nhận y như vậy: không có gì để ghi nhận."
    )

    # The staff's sign-ins: registered for HR's own staff, first passwords set by HR.
    api = httpx.Client(
        base_url=journey.server.base_url,
        headers={"Authorization": f"Bearer {journey.hr_token}"},
        timeout=60,
    )
    for code in ("CV-1", "CV-2"):
        body = {
            "principal": code.lower(),
            "display_name": code,
            "role": "civil_servant",
            "servant": code,
        }
        assert api.post("/api/v1/commands/register-principal", json=body).status_code == 200
        page.goto("/people/password")
        form = page.locator("form.stack")
        form.get_by_label("Tên đăng nhập").fill(code.lower())
        form.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill(PASSWORD)
        form.get_by_label("Nhập lại mật khẩu mới").fill(PASSWORD)
        form.get_by_role("button", name="Đặt mật khẩu").click()
        expect(page.get_by_role("status")).to_contain_text(code.lower())
    empty: dict[str, list[tuple[str, str]]] = {
        s: [] for s in ("to_submit", "to_assess", "to_confirm", "not_scorable")
    }
    shows(page, empty)

    # The head assigns the month's tasks.
    enter(page, "tp-1")
    page.goto(unit_month)
    for task, (servant, product, quantity) in TASKS.items():
        form = page.locator("#form-assign")
        form.get_by_label("Mã nhiệm vụ").fill(task)
        form.get_by_label("Công chức").select_option(servant)
        form.get_by_label("Sản phẩm (hệ số được giữ cố định trên nhiệm vụ)").select_option(product)
        form.get_by_label("Số lượng").fill(str(quantity))
        form.get_by_label("Ngày giao").fill(ASSIGNED.isoformat())
        form.get_by_label("Thời hạn").fill(DEADLINE.isoformat())
        form.get_by_role("button", name="Giao nhiệm vụ").click()
        expect(page.get_by_role("status")).to_have_text("Đã giao nhiệm vụ.")
    enter(page, "hr-tn")
    shows(page, {**empty, "to_submit": BOTH_TASKS, "to_confirm": BOTH_FORMS})

    # Each servant: first sign-in (their own password), a result, Form 01 self-scored.
    for servant in ("CV-1", "CV-2"):
        enter(page, servant.lower())
        page.get_by_label("Mật khẩu hiện tại").fill(PASSWORD)
        page.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill(PASSWORD + " mới")
        page.get_by_label("Nhập lại mật khẩu mới").fill(PASSWORD + " mới")
        page.get_by_role("button", name="Đổi mật khẩu").click()
        page.goto(f"/me/periods/{PERIOD}")
        task, (_, _, quantity) = next((k, v) for k, v in TASKS.items() if v[0] == servant)
        submit(page, task, quantity, DONE[servant])
        self_score(page)
    enter(page, "hr-tn")
    shows(page, {**empty, "to_assess": BOTH_TASKS, "to_confirm": BOTH_FORMS})

    # The head fails CV-1's result, accepts CV-2's and confirms both Form 01.
    enter(page, "tp-1")
    page.goto(unit_month)
    assess(page, "T-1", "failed")
    assess(page, "T-2", "accepted")
    for servant in ("CV-1", "CV-2"):
        page.locator(f"#form-score-{servant}").get_by_role(
            "button", name="Xác nhận Mẫu số 01"
        ).click()
        expect(page.get_by_role("status")).to_have_text("Đã chấm và xác nhận Mẫu số 01.")
    enter(page, "hr-tn")
    shows(page, {**empty, "to_submit": [("CV-1", "T-1")]})

    # CV-1 resubmits; the head accepts: nothing is missing any more.
    enter(page, "cv-1", PASSWORD + " mới")
    page.goto(f"/me/periods/{PERIOD}")
    submit(page, "T-1", 2, REDONE)
    enter(page, "tp-1")
    page.goto(unit_month)
    assess(page, "T-1", "accepted")
    enter(page, "hr-tn")
    shows(page, empty)
    for servant in ("CV-1", "CV-2"):
        enter(page, servant.lower(), PASSWORD + " mới")
        page.goto(f"/me/periods/{PERIOD}")
        assert page.locator(".month-score").inner_text() == show_decimal(
            expected_score(servant), "vi"
        )
    assert expected_score("CV-1") < expected_score("CV-2")  # the failed result counts
