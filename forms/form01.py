"""Form 01 (Mẫu số 01, Appendix II): Phiếu theo dõi, đánh giá công chức — one servant,
one month or quarter: the general criteria (maxima, self-score, evaluator's score),
the tasks with quantity, quality and progress, the leader components, the totals.

Every number comes from the projections' own derivation of the period
(``Deriver.period_rows`` and ``Deriver.compute_period``); nothing is computed here.
"""

from __future__ import annotations

from typing import Any

from domain.errors import NotFound
from domain.policy import criteria_groups, criteria_total
from domain.policy.period import is_pending_confirmation
from domain.values import Period
from forms import pdf as layout
from forms import wording
from forms.receipt import Receipt
from forms.records import agency_header, agency_of, jsonable, servant_header, text
from projections.inputs import task_outcome
from projections.replay import Replayed

KIND = "form-01"


def content(replayed: Replayed, servant: str, period: str) -> dict[str, Any]:
    """The data Form 01 shows, as of the replayed position."""
    deriver, state = replayed.deriver, replayed.state
    row = deriver.period_rows.get((servant, period))
    computation = deriver.compute_period((servant, period))
    if row is None or computation is None:
        raise NotFound(f"no result for {servant} in {period} as of {replayed.position}")
    policy = computation.policy
    header = servant_header(state, servant, Period.parse(period).last_day)
    agency = agency_of(state, header["agency_code"])
    evaluation = state.evaluations.get((servant, period))
    self_scores = dict(evaluation.self_scores) if evaluation else {}
    scores = dict(evaluation.scores) if evaluation else {}
    items = {
        (step.key, step.refs[0]): step.result
        for step in computation.result.steps
        if step.key in ("item_quality", "item_progress") and step.refs
    }
    tasks = []
    for task in state.tasks((servant, period)):
        outcome = task_outcome(task, servant)
        tasks.append(
            {
                "code": task.code,
                "title": task.title,
                "product": task.product_code,
                "assigned_units": text(outcome.units) if outcome.counts_in_assigned else None,
                "extra": not outcome.counts_in_assigned,
                "completed_units": text(outcome.completed_units),
                "quality": items.get(("item_quality", task.code)),
                "progress": items.get(("item_progress", task.code)),
                "failed_assessments": outcome.failed_assessments,
                "deadline": outcome.deadline.isoformat(),
                "completed_on": outcome.completed_on.isoformat() if outcome.completed_on else None,
            }
        )
    self_groups = {g: total for g, _, total in criteria_groups(policy, self_scores)}
    return {
        "document": KIND,
        "agency": agency_header(agency),
        "servant": header,
        "period": period,
        "period_label": wording.period_label(period),
        "criteria": [
            {
                "code": c.code,
                "maximum": text(c.maximum),
                "self_score": text(self_scores.get(c.code)),
                "score": text(scores.get(c.code)),
            }
            for c in policy.criteria_maxima
        ],
        "criteria_groups": [
            {
                "group": group,
                "maximum": text(maximum.normalize()),
                "self_score": text(self_groups.get(group)),
                "score": text(total),
            }
            for group, maximum, total in criteria_groups(policy, scores)
        ],
        "criteria_maximum": text(policy.criteria_total_maximum.normalize()),
        "criteria_self_total": text(criteria_total(policy, self_scores).value)
        if self_scores
        else None,
        "task_weight": text(policy.task_weight),
        "tasks": tasks,
        # The row as documents have always carried it: its later ``status`` column is
        # left out, so the digest of a receipt issued before it still matches.
        "result": jsonable({k: v for k, v in row.items() if k != "status"}),
    }


def _score_cell(value: str | None) -> str:
    return wording.number(value) if value is not None else ""


def render(data: dict[str, Any], receipt: Receipt) -> bytes:
    pdf = layout.servant_page(
        receipt,
        data,
        wording.FORM_01_NUMBER,
        wording.FORM_01_TITLE,
        f"(Kỳ theo dõi, đánh giá: {data['period_label']})",
    )
    result = data["result"]
    _criteria_table(pdf, data)
    pdf.gap(3)
    _task_table(pdf, data)
    pdf.gap(3)
    _totals(pdf, data, result)
    layout.signatures(pdf, "CÔNG CHỨC TỰ ĐÁNH GIÁ", "CẤP CÓ THẨM QUYỀN\nTHEO DÕI, ĐÁNH GIÁ")
    return layout.finish(pdf)


def _criteria_table(pdf: layout.Page, data: dict[str, Any]) -> None:
    pdf.line_text("I. KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO TIÊU CHÍ CHUNG", 11, "B")
    pdf.gap(1)
    groups = {g["group"]: g for g in data["criteria_groups"]}
    pdf.font(9)
    with pdf.table(
        col_widths=(10, 100, 18, 24, 25),
        text_align=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER"),
        line_height=4.4,
        first_row_as_headings=True,
        num_heading_rows=2,
    ) as table:
        table.row(
            (
                "TT",
                "Tiêu chí chấm điểm",
                "Điểm tối đa",
                "Điểm do cá nhân tự chấm",
                "Điểm do cấp có thẩm quyền chấm",
            )
        )
        table.row(("(1)", "(2)", "(3)", "(4)", "(5)"))
        seen: set[str] = set()
        for criterion in data["criteria"]:
            group, _, number = criterion["code"].partition(".")
            if group not in seen:
                seen.add(group)
                info = groups[group]
                pdf.font(9, "B")
                table.row(
                    (
                        group,
                        wording.CRITERIA_GROUPS.get(group, group),
                        wording.number(info["maximum"]),
                        _score_cell(info["self_score"]),
                        _score_cell(info["score"]),
                    )
                )
                pdf.font(9)
            table.row(
                (
                    number,
                    wording.CRITERIA.get(criterion["code"], criterion["code"]),
                    wording.number(criterion["maximum"]),
                    _score_cell(criterion["self_score"]),
                    _score_cell(criterion["score"]),
                )
            )
        pdf.font(9, "B")
        table.row(
            (
                "",
                "Tổng cộng",
                wording.number(data["criteria_maximum"]),
                _score_cell(data["criteria_self_total"]),
                _score_cell(data["result"]["criteria_total"]),
            )
        )
    pdf.font(9)


def _task_table(pdf: layout.Page, data: dict[str, Any]) -> None:
    result = data["result"]
    pdf.keep_space(40)
    pdf.line_text("KẾT QUẢ THỰC HIỆN NHIỆM VỤ (số lượng, chất lượng, tiến độ — Điều 14)", 11, "B")
    pdf.gap(1)
    pdf.font(8.5)
    with pdf.table(
        col_widths=(8, 62, 15, 17, 17, 15, 15, 14, 14),
        text_align=(
            "CENTER",
            "LEFT",
            "CENTER",
            "RIGHT",
            "RIGHT",
            "CENTER",
            "CENTER",
            "CENTER",
            "CENTER",
        ),
        line_height=4.0,
    ) as table:
        table.row(
            (
                "TT",
                "Nhiệm vụ (sản phẩm/công việc)",
                "Sản phẩm",
                "Số lượng quy đổi được giao",
                "Hoàn thành (quy đổi)",
                "Chất lượng",
                "Tiến độ",
                "Hạn",
                "Hoàn thành ngày",
            )
        )
        for index, task in enumerate(data["tasks"], start=1):
            note = " (ngoài số được giao)" if task["extra"] else ""
            failed = (
                f"; {task['failed_assessments']} lần không đạt"
                if task["failed_assessments"]
                else ""
            )
            table.row(
                (
                    str(index),
                    f"{task['title']} [{task['code']}]{note}{failed}",
                    task["product"],
                    wording.number(task["assigned_units"]) if task["assigned_units"] else "—",
                    wording.number(task["completed_units"]),
                    wording.ratio(task["quality"]),
                    wording.ratio(task["progress"]),
                    _short_date(task["deadline"]),
                    _short_date(task["completed_on"]),
                )
            )
        pdf.font(8.5, "B")
        table.row(
            (
                "",
                "Tổng số (quy đổi)",
                "",
                wording.number(result["assigned_units"]),
                wording.number(result["completed_units"]),
                "",
                "",
                "",
                "",
            )
        )
    pdf.font(9.5)
    components = [
        f"a (số lượng) = {wording.ratio(result['a'])}",
        f"b (chất lượng) = {wording.ratio(result['b'])}",
        f"c (tiến độ) = {wording.ratio(result['c'])}",
    ]
    if result["d"] is not None:
        components += [
            f"d (kết quả của cơ quan, đơn vị) = {wording.ratio(result['d'])}",
            f"đ (năng lực tổ chức triển khai) = {wording.ratio(result['dd'])}",
            f"e (năng lực đoàn kết) = {wording.ratio(result['e'])}",
        ]
    pdf.gap(1)
    pdf.line_text("; ".join(components), 9.5)


def _totals(pdf: layout.Page, data: dict[str, Any], result: dict[str, Any]) -> None:
    pdf.keep_space(40)
    pdf.line_text("II. TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC", 11, "B")
    formula = "(a + b + c + d + đ + e) : 6" if result["d"] is not None else "(a + b + c) : 3"
    if result["scorable"]:
        task_line = (
            f"{wording.ratio(result['task_ratio'])} (= {formula}, tối đa 1), "
            f"nhân {wording.number(data['task_weight'])}"
        )
        total = f"{wording.number(result['score'])} điểm"
        level = wording.level_words(result["level"])
    elif is_pending_confirmation(result["reason_not_scorable"]):
        # Art. 17(2): the general criteria await the evaluator's confirmation.
        task_line = f"{wording.ratio(result['task_ratio'])} (= {formula}, tối đa 1)"
        total, level = "chờ cấp có thẩm quyền xác nhận điểm tiêu chí chung", ""
    else:
        task_line = f"không tính điểm ({result['reason_not_scorable']})"
        total, level = "không tính điểm", ""
    layout.field_lines(
        pdf,
        [
            ("1. Điểm tiêu chí chung", wording.number(result["criteria_total"])),
            ("2. Điểm tiêu chí kết quả thực hiện nhiệm vụ", task_line),
            ("3. Tổng điểm theo dõi, đánh giá công chức", total),
        ],
    )
    if level:
        layout.field_lines(pdf, [("Mức xếp loại theo điểm của kỳ (Điều 20)", level)])
    layout.dotted_lines(pdf, "4. Ưu điểm:", 1)
    layout.dotted_lines(pdf, "5. Hạn chế, khuyết điểm:", 1)
    layout.dotted_lines(pdf, "6. Ý kiến nhận xét của cấp có thẩm quyền theo dõi, đánh giá:", 1)


def _short_date(iso: str | None) -> str:
    if not iso:
        return ""
    _, month, day = iso.split("-")
    return f"{day}/{month}"
