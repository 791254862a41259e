"""The month in a real browser against ``minhbach serve --demo``: the head of a
unit assigns a task from the catalogue, the civil servant submits a late result
with its document attached and self-scores Form 01, the head accepts it and
confirms the scores, and the month's score on the servant's page is the one the
policy's pure functions give; once the head confirms an objective cause for the
delay, the score is the one without the progress deduction."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal

from playwright.sync_api import Page, expect

from demo.load import demo_people
from domain.policy import criteria_total, period_score, policy_in_force, task_ratio
from domain.policy.tasks import TaskOutcome, task_components
from tests.e2e.browser import (
    DemoServer,
    screenshot,
    sign_in,
)
from web.formatting import show_decimal

PERIOD = "2027-01"  # after the demo year: the month is empty until this test works it
UNIT = f"/agencies/SNV-HN/units/TCBC/periods/{PERIOD}"
MINE = f"/me/periods/{PERIOD}"
SCORES = {
    "I.1": "4.5",
    "I.2": "5",
    **{f"{g}.{n}": "2.25" for g in ("II", "III") for n in (1, 2, 3, 4)},
}
DEADLINE, DONE_ON = date(2027, 1, 5), date(2027, 1, 8)  # three days late
DOCUMENT = "Biên bản nghiệm thu WEB-2027-01".encode()
SHA = hashlib.sha256(DOCUMENT).hexdigest()


def expected_score(factor: Decimal, progress_exempt: bool = False) -> Decimal:
    """The month's score by the policy's own functions, from what the forms sent."""
    policy = policy_in_force(date(2027, 1, 1))
    units = 2 * factor
    outcome = TaskOutcome(
        "T", units, True, units, 0, DEADLINE, DONE_ON, progress_exempt=progress_exempt
    )
    components = task_components(policy, [outcome]).value
    assert components is not None
    ratio = task_ratio(policy, components, None).value
    total = criteria_total(policy, {k: Decimal(v) for k, v in SCORES.items()}).value
    return period_score(policy, total, ratio).value


def self_score(page: Page) -> None:
    """The servant self-scores Form 01 with ``SCORES`` on their month's page."""
    own = page.locator("#form-self-score")
    for code, value in SCORES.items():
        own.locator(f'[id="self-{code}"]').fill(value)
    own.get_by_role("button", name="Ghi điểm tự chấm").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi điểm tự chấm.")


def switch_to(page: Page, server: DemoServer, role: str) -> None:
    page.context.clear_cookies()  # the one signed in before leaves
    sign_in(page, server, role)


def test_a_month_assigned_submitted_assessed_and_confirmed(
    page: Page, demo_server: DemoServer
) -> None:
    servant = demo_people()["civil_servant"].code
    switch_to(page, demo_server, "manager")
    page.goto(UNIT)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"tháng {PERIOD}")
    form = page.locator("#form-assign")
    form.get_by_label("Mã nhiệm vụ").fill("WEB-2027-01")
    form.get_by_label("Công chức").select_option(servant)
    product = form.get_by_label("Sản phẩm (hệ số được giữ cố định trên nhiệm vụ)")
    factor = Decimal(product.locator("option").first.get_attribute("data-factor") or "")
    form.get_by_label("Số lượng").fill("2")
    form.get_by_label("Ngày giao").fill("2027-01-02")
    form.get_by_label("Thời hạn").fill(DEADLINE.isoformat())
    form.get_by_role("button", name="Giao nhiệm vụ").click()
    expect(page.get_by_role("status")).to_have_text("Đã giao nhiệm vụ.")

    switch_to(page, demo_server, "civil_servant")
    page.get_by_role("link", name=re.compile("Tháng .* của tôi")).first.click()
    page.goto(MINE)
    expect(page.locator("#task-WEB-2027-01")).to_contain_text(show_decimal(2 * factor, "vi"))
    result = page.locator("#form-result-WEB-2027-01")
    result.get_by_label("Số lượng đã hoàn thành").fill("2")
    result.get_by_label("Ngày hoàn thành").fill(DONE_ON.isoformat())
    result.get_by_label("Đính kèm tài liệu (không bắt buộc, tối đa 20 MB)").set_input_files(
        {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": DOCUMENT}
    )
    result.get_by_role("button", name="Gửi kết quả").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi kết quả")
    fingerprint = page.locator("#task-WEB-2027-01 abbr.hash")
    expect(fingerprint).to_have_attribute("title", f"SHA-256 {SHA}")
    expect(fingerprint).to_have_text(f"SHA-256 {SHA[:12]}…")
    self_score(page)
    screenshot(page, "my-month")

    switch_to(page, demo_server, "manager")
    page.goto(UNIT)
    assess = page.locator("#form-assess-WEB-2027-01")
    assess.get_by_label("Kết quả đánh giá").select_option("accepted")
    assess.get_by_role("button", name="Ghi kết quả đánh giá").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi kết quả đánh giá.")
    expect(page.locator(f'[id="score-{servant}-I.1"]')).to_have_value("4.5")  # to confirm
    expect(page.locator("#task-WEB-2027-01 abbr.hash")).to_have_attribute("title", f"SHA-256 {SHA}")
    page.locator("#task-WEB-2027-01 summary", has_text="Nguyên nhân khách quan").click()
    screenshot(page, "unit-month")
    page.locator(f"#form-score-{servant}").get_by_role("button", name="Xác nhận Mẫu số 01").click()
    expect(page.get_by_role("status")).to_have_text("Đã chấm và xác nhận Mẫu số 01.")

    switch_to(page, demo_server, "civil_servant")
    page.goto(MINE)
    shown = page.locator(".month-score").inner_text()
    assert shown == show_decimal(expected_score(factor), "vi")
    assert expected_score(factor) < Decimal(100)  # the late days count

    # Art. 14(2)(c): the delay had an objective cause, confirmed by its document.
    switch_to(page, demo_server, "manager")
    page.goto(UNIT)
    page.locator(f"#servant-{servant} > summary").click()  # closed: nothing awaits there
    page.locator("#task-WEB-2027-01 summary", has_text="Nguyên nhân khách quan").click()
    exempt = page.locator("#form-exempt-WEB-2027-01")
    exempt.get_by_label("Không trừ điểm về (Điều 14 khoản 2 điểm b, c)").select_option("progress")
    exempt.get_by_label("Nội dung nguyên nhân khách quan").fill("Chờ số liệu của Bộ")
    exempt.get_by_role("button", name="Xác nhận nguyên nhân khách quan").click()
    refusal = page.locator('[data-field="document"]')  # no document: refused beside it
    expect(refusal).to_contain_text("văn bản")
    expect(refusal).to_be_visible()
    screenshot(page, "unit-month-exemption-refused")
    exempt = page.locator("#form-exempt-WEB-2027-01")
    exempt.get_by_label("Văn bản xác nhận của cấp có thẩm quyền").fill("CV-12/UBND")
    exempt.get_by_role("button", name="Xác nhận nguyên nhân khách quan").click()
    expect(page.get_by_role("status")).to_have_text(
        "Đã xác nhận nguyên nhân khách quan: không trừ điểm."
    )
    expect(page.locator("#task-WEB-2027-01")).to_contain_text(
        "đã xác nhận nguyên nhân khách quan: tiến độ"
    )
    switch_to(page, demo_server, "civil_servant")
    page.goto(MINE)
    shown = page.locator(".month-score").inner_text()
    assert shown == show_decimal(expected_score(factor, progress_exempt=True), "vi")
