"""Workbooks for the upload tests: a sheet of rows under the template's header."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook, load_workbook

from api.xlsx_import import Kind, template

PRODUCTS: list[tuple[Any, ...]] = [
    ("BC-TH", "Báo cáo tổng hợp", "chuyen-vien", 3, 1.5, date(2026, 1, 1)),
    ("VB-TL", "Văn bản trả lời", "chuyen-vien", 1, "0,5", "01/01/2026"),
]


def workbook(kind: Kind, rows: Sequence[Sequence[Any]]) -> bytes:
    """The kind's template with ``rows`` under its header."""
    book = load_workbook(io.BytesIO(template(kind)))
    sheet = book[kind]
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def raw_workbook(sheet_name: str, rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
