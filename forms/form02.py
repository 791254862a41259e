"""Form 02 (Mẫu số 02, Appendix II): Phiếu xếp loại chất lượng công chức — one servant,
one year: the score of every month (or quarter), the year's mean, the level the
score gives, the proposal and the competent authority's decision.

The numbers are the annual classification and period rows the projections
derive (``Deriver.annual_rows``, ``Deriver.period_rows``); nothing is computed here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.errors import NotFound
from domain.policy.period import is_pending_confirmation
from domain.values import Period, PeriodKind
from forms import pdf as layout
from forms import wording
from forms.receipt import Receipt
from forms.records import agency_header, agency_of, jsonable, servant_header, unit_name
from projections.replay import Replayed

KIND = "form-02"


def year_periods(kind: str, year: int) -> list[str]:
    period_kind = PeriodKind(kind) if kind in ("month", "quarter") else PeriodKind.MONTH
    count = 12 if period_kind is PeriodKind.MONTH else 4
    return [Period(year, period_kind, n).code for n in range(1, count + 1)]


def content(replayed: Replayed, servant: str, year: int) -> dict[str, Any]:
    """The data Form 02 shows, as of the replayed position."""
    deriver, state = replayed.deriver, replayed.state
    row = deriver.annual_rows.get((servant, year))
    if row is None:
        raise NotFound(f"no classification of {servant} for {year} as of {replayed.position}")
    agency = agency_of(state, row["agency_code"])
    header = servant_header(state, servant, date(year, 12, 31))
    header["unit_code"] = row["unit_code"]  # Art. 19(1): where the year is classified
    header["unit_name"] = unit_name(agency, row["unit_code"])
    own = {p for (code, p) in deriver.period_rows if code == servant and p.startswith(f"{year}-")}
    codes = sorted(set(year_periods(agency.period_kind, year)) | own)
    periods = []
    for code in codes:
        period_row = deriver.period_rows.get((servant, code))
        periods.append(
            {
                "period": code,
                "score": period_row["score"] if period_row else None,
                "level": period_row["level"] if period_row else None,
                "scorable": bool(period_row and period_row["scorable"]),
                "agency_code": period_row["agency_code"] if period_row else None,
                "reason_not_scorable": period_row["reason_not_scorable"] if period_row else None,
            }
        )
    decisions = sorted(state.decisions_on.get((servant, year), ()))
    return {
        "document": KIND,
        "agency": agency_header(agency),
        "servant": header,
        "year": year,
        "periods": periods,
        "classification": jsonable(row),
        "personnel_decisions": [
            {
                "decision_no": state.decisions[key].decision_no,
                "agency_code": state.decisions[key].agency_code,
                "kind": state.decisions[key].kind,
                "status": state.decisions[key].status,
            }
            for key in decisions
        ],
    }


def _note(period: dict[str, Any], agency: str) -> str:
    if period["score"] is None and not period["agency_code"]:
        return "chưa có kết quả"
    notes = []
    if is_pending_confirmation(period["reason_not_scorable"]):
        notes.append("chờ xác nhận điểm tiêu chí chung")
    elif not period["scorable"]:
        notes.append(f"không tính điểm: {period['reason_not_scorable']}")
    if period["agency_code"] and period["agency_code"] != agency:
        notes.append(f"tại {period['agency_code']}")
    if period["level"]:
        notes.append(wording.level_words(period["level"]))
    return "; ".join(notes)


def _label(code: str) -> str:
    _, _, rest = code.partition("-")
    return f"Quý {rest[1:]}" if rest.startswith("Q") else str(int(rest))


def render(data: dict[str, Any], receipt: Receipt) -> bytes:
    pdf = layout.servant_page(
        receipt, data, wording.FORM_02_NUMBER, wording.FORM_02_TITLE, f"Năm {data['year']}"
    )
    row = data["classification"]
    pdf.line_text("I. TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ", 11, "B")
    pdf.gap(1)
    pdf.font(9.5)
    with pdf.table(
        col_widths=(38, 42, 97),
        text_align=("CENTER", "CENTER", "LEFT"),
        line_height=4.6,
    ) as table:
        quarterly = any("Q" in p["period"] for p in data["periods"])
        table.row(("Quý" if quarterly else "Tháng", "Tổng điểm theo dõi, đánh giá", "Ghi chú"))
        for period in data["periods"]:
            table.row(
                (
                    _label(period["period"]),
                    wording.number(period["score"]),
                    _note(period, data["agency"]["code"]),
                )
            )
        pdf.font(9.5, "B")
        months = f"thời gian công tác {wording.plain(row['months_worked'])} tháng"
        table.row(("Tổng điểm trung bình cả năm", wording.number(row["annual_score"]), months))
    pdf.font(10)
    pdf.gap(2)
    triggers = ", ".join(ref for refs in row["fail_triggers"] for ref in refs)
    facts = [
        ("Mức xếp loại theo điểm (Điều 20)", wording.level_words(row["level_by_score"]) or "—")
    ]
    if triggers:
        facts.append(("Căn cứ Không hoàn thành nhiệm vụ (Điều 20 khoản 4)", triggers))
    if row["tied_with"]:
        facts.append(("Bằng điểm tại ngưỡng tỷ lệ với", ", ".join(row["tied_with"])))
    reason = wording.reason_words(row["reason"])
    proposed = wording.level_words(row["proposed_level"])
    facts.append(
        ("Mức đề xuất của cơ quan tham mưu", f"{proposed} ({reason})" if proposed else reason)
    )
    layout.field_lines(pdf, facts, 10)
    pdf.gap(2)
    pdf.line_text("II. CÔNG CHỨC TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", 11, "B")
    _boxes(pdf, None)
    pdf.gap(1)
    pdf.line_text("III. KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG CỦA CẤP CÓ THẨM QUYỀN CÔNG CHỨC", 11, "B")
    _boxes(pdf, row["decided_level"])
    if row["decided_level"]:
        departs = " — khác mức đề xuất" if row["departs_from_proposal"] else ""
        pdf.line_text(f"Theo quyết định {row['decision_no']}{departs}", 9.5, "I")
    else:
        pdf.line_text("Chưa có quyết định của cấp có thẩm quyền.", 9.5, "I")
    pdf.gap(1)
    proposals = "; ".join(
        f"{d['decision_no']} ({d['kind']}, {d['status']})" for d in data["personnel_decisions"]
    )
    layout.dotted_lines(pdf, "IV. ĐỀ XUẤT PHƯƠNG ÁN XỬ LÝ:", 2, proposals)
    layout.signatures(pdf, "CÔNG CHỨC TỰ XẾP LOẠI", "CẤP CÓ THẨM QUYỀN XẾP LOẠI")
    return layout.finish(pdf)


def _boxes(pdf: layout.Page, ticked: str | None) -> None:
    """The four levels with a box each; the decided one ticked."""
    pdf.font(10.5)
    for level, words in wording.LEVELS.items():
        x, y = pdf.l_margin + 4, pdf.get_y() + 1
        pdf.rect(x, y, 3.6, 3.6)
        if level == ticked:
            pdf.font(10.5, "B")
            pdf.set_xy(x, y - 0.6)
            pdf.cell(3.6, 4.6, "X", align="C")
        pdf.set_xy(x + 6, y - 0.6)
        pdf.cell(0, 4.8, words)
        pdf.font(10.5)
        pdf.ln(5.6)
