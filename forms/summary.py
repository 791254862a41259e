"""An agency's (or one unit's) summary for a year: the table HR sends to the competent
authority — every servant, the score of every period, the annual score, the level
proposed and the level decided, a decision that departs from the proposal marked.

As PDF (landscape A4) and as XLSX (openpyxl); the rows are the projections'
annual classifications and period results.
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from domain.errors import NotFound
from forms import pdf as layout
from forms import wording
from forms.form02 import year_periods
from forms.receipt import Receipt
from forms.records import agency_header, agency_of, unit_name
from projections.replay import Replayed
from projections.rows import BY_SCORE, DECIDED, WHO

KIND = "summary"

COLUMNS = (
    *WHO,
    *BY_SCORE,
    "proposed_level",
    "reason",
    *DECIDED,
    "departs_from_proposal",
    "policy_id",
    "policy_version",
)


def content(replayed: Replayed, agency_code: str, year: int, unit: str | None) -> dict[str, Any]:
    """The data of the summary, as of the replayed position."""
    deriver, state = replayed.deriver, replayed.state
    agency = agency_of(state, agency_code)
    if unit is not None and unit not in agency.units:
        raise NotFound(f"{agency_code} has no unit {unit}")
    annual = [
        row
        for (_, row_year), row in deriver.annual_rows.items()
        if row_year == year
        and row["agency_code"] == agency_code
        and (unit is None or row["unit_code"] == unit)
    ]
    if not annual:
        raise NotFound(f"no classification in {agency_code} for {year} as of {replayed.position}")
    order = {code: index for index, code in enumerate(agency.units)}
    annual.sort(key=lambda r: (order.get(r["unit_code"], len(order)), r["servant_code"]))
    periods = year_periods(agency.period_kind, year)
    rows = []
    for row in annual:
        code = row["servant_code"]
        servant = state.servants.get(code)
        entry: dict[str, Any] = {column: row.get(column) for column in COLUMNS}
        if row.get("policy_variant"):
            entry["policy_variant"] = row["policy_variant"]
        entry["full_name"] = servant.full_name if servant else code
        entry["scores"] = [
            period_row["score"] if (period_row := deriver.period_rows.get((code, p))) else None
            for p in periods
        ]
        rows.append(entry)
    proposed = Counter(r["proposed_level"] or "none" for r in rows)
    decided = Counter(r["decided_level"] or "none" for r in rows)
    return {
        "document": KIND,
        "agency": agency_header(agency),
        "year": year,
        "unit": unit,
        "unit_name": unit_name(agency, unit) if unit else None,
        "periods": periods,
        "rows": rows,
        "counts": {
            "proposed": dict(sorted(proposed.items())),
            "decided": dict(sorted(decided.items())),
        },
    }


HEADINGS = (
    "TT",
    "Họ và tên",
    "Đơn vị",
    "Điểm theo kỳ",
    "Điểm TB năm",
    "Mức theo điểm",
    "Mức đề xuất",
    "Mức quyết định",
)


def _level(level: str | None, row: dict[str, Any]) -> str:
    return wording.level_words(level) or ("" if level else wording.reason_words(row["reason"]))


def render(data: dict[str, Any], receipt: Receipt) -> bytes:
    pdf = layout.Page(receipt, orientation="L")
    layout.national_header(pdf, data["agency"]["name"], data["unit_name"], None)
    where = (
        f"{data['unit_name']}, {data['agency']['name']}" if data["unit"] else data["agency"]["name"]
    )
    layout.title(pdf, wording.SUMMARY_TITLE, f"Năm {data['year']} — {where}")
    layout.as_of_notice(pdf, receipt)
    periods = data["periods"]
    score_width = 110 / len(periods)
    pdf.font(7)
    with pdf.table(
        col_widths=(7, 33, 11, *([score_width] * len(periods)), 12, 28, 28, 35),
        text_align=(
            "CENTER",
            "LEFT",
            "CENTER",
            *(["CENTER"] * len(periods)),
            "CENTER",
            "LEFT",
            "LEFT",
            "LEFT",
        ),
        line_height=3.4,
        num_heading_rows=1,
    ) as table:
        labels = [p[5:].lstrip("0") if "Q" not in p else p[5:] for p in periods]
        table.row(
            (
                "TT",
                "Họ và tên",
                "Đơn vị",
                *labels,
                "Điểm TB năm",
                "Mức theo điểm",
                "Mức đề xuất",
                "Mức quyết định",
            )
        )
        for index, row in enumerate(data["rows"], start=1):
            decided = wording.level_words(row["decided_level"])
            if row["decided_level"]:
                decided += f" ({row['decision_no']})"
            if row["departs_from_proposal"]:
                decided = f"* {decided}"
            table.row(
                (
                    str(index),
                    f"{row['full_name']}\n{row['servant_code']}",
                    row["unit_code"],
                    *(wording.number(s) for s in row["scores"]),
                    wording.number(row["annual_score"]),
                    wording.level_words(row["level_by_score"]),
                    _level(row["proposed_level"], row),
                    decided,
                )
            )
    pdf.gap(2)
    pdf.font(8.5)
    counts = data["counts"]
    for title, key in (("Đề xuất", "proposed"), ("Quyết định", "decided")):
        parts = [
            f"{wording.level_words(level) or 'chưa có'}: {count}"
            for level, count in counts[key].items()
        ]
        pdf.line_text(f"{title}: " + "; ".join(parts), 8.5)
    pdf.line_text("(*) mức quyết định khác mức đề xuất", 8, "I")
    layout.signatures(pdf, "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ")
    return layout.finish(pdf)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def render_xlsx(data: dict[str, Any], receipt: Receipt) -> bytes:
    """The same table as a workbook; the receipt on a sheet of its own."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tổng hợp"
    sheet.append([wording.SUMMARY_TITLE])
    sheet.append(
        [
            f"{data['agency']['name']} — năm {data['year']}"
            + (f" — {data['unit_name']}" if data["unit"] else "")
        ]
    )
    sheet.append(
        [
            f"Số liệu tại vị trí nhật ký {receipt.position}"
            + (f" (tính đến {receipt.as_of_time})" if receipt.as_of_time else "")
        ]
    )
    sheet.append([])
    periods = data["periods"]
    sheet.append(
        [
            "TT",
            "Mã công chức",
            "Họ và tên",
            "Đơn vị",
            "Nhóm",
            *periods,
            "Điểm TB năm",
            "Mức theo điểm",
            "Mức đề xuất",
            "Lý do",
            "Mức quyết định",
            "Quyết định",
            "Khác đề xuất",
        ]
    )
    for cell in sheet[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(data["rows"], start=1):
        sheet.append(
            [
                index,
                row["servant_code"],
                row["full_name"],
                row["unit_code"],
                row["peer_group"],
                *(_decimal(s) for s in row["scores"]),
                _decimal(row["annual_score"]),
                wording.level_words(row["level_by_score"]),
                wording.level_words(row["proposed_level"]),
                wording.reason_words(row["reason"]),
                wording.level_words(row["decided_level"]),
                row["decision_no"],
                "*" if row["departs_from_proposal"] else "",
            ]
        )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["C"].width = 26
    proof = book.create_sheet("Biên nhận")
    proof.append(["Biên nhận kiểm chứng / verification receipt"])
    proof.append([receipt.text()])
    proof.append(["Kiểm chứng: minhbach verify-receipt TỆP.xlsx --public-key KHÓA.pub"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
