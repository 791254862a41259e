"""Reading a catalogue or staff workbook: each error named by its row and column."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest

from api.xlsx_import import (
    COLUMNS,
    MAX_BYTES,
    BadWorkbook,
    Kind,
    header_code,
    parse,
    read_sheet,
)
from domain import commands as c
from tests.workbooks import PRODUCTS, raw_workbook, workbook


def _errors(kind: Kind, rows: Sequence[Sequence[object]]) -> list[tuple[int, str, str]]:
    sheet = parse(kind, "SNV", workbook(kind, rows))
    return [(e.row, e.column, e.code) for r in sheet.rows for e in r.errors]


def test_good_rows_become_commands() -> None:
    sheet = parse("catalogue", "SNV", workbook("catalogue", PRODUCTS))
    assert [r.number for r in sheet.rows] == [2, 3]
    first, second = (r.commands[0] for r in sheet.rows)
    assert isinstance(first, c.AddProduct) and isinstance(second, c.AddProduct)
    assert (first.product, first.factor, first.complexity_group) == ("BC-TH", Decimal("1.5"), 3)
    assert (second.factor, second.effective_from) == (Decimal("0.5"), date(2026, 1, 1))
    assert len(sheet.sha256) == 64


def test_staff_rows_take_the_leadership_role_in_vietnamese() -> None:
    rows = [
        ("CC-1", "Lê Minh Châu", "TCBC", "Phòng TCBC", "chuyen-vien", "", "", "2020-03-01"),
        ("CC-2", "Trần Thị Bình", "TCBC", "", "truong-phong", "", "cấp trưởng", "2019-01-01"),
        ("CC-3", "Phạm Quốc Dũng", 12, None, "chuyen-vien", "cv-tcbc", "deputy", date(2021, 2, 1)),
    ]
    sheet = parse("staff", "SNV", workbook("staff", rows))
    commands = [r.commands[0] for r in sheet.rows]
    assert all(isinstance(x, c.RegisterServant) for x in commands)
    roles = [x.leadership.value for x in commands if isinstance(x, c.RegisterServant)]
    assert roles == ["staff", "head", "deputy"]
    third = commands[2]
    assert isinstance(third, c.RegisterServant)
    assert (third.unit, third.peer_group) == ("12", "cv-tcbc")


def test_each_kind_of_error_names_its_row_and_column() -> None:
    rows: list[tuple[object, ...]] = [
        ("BC-TH", "Báo cáo tổng hợp", "chuyen-vien", 3, 1.5, date(2026, 1, 1)),
        ("", "Không mã", "chuyen-vien", 3, 1, date(2026, 1, 1)),  # row 3: missing
        ("X-1", "Ngày sai", "chuyen-vien", 3, 1, "31/02/2026"),  # row 4: invalid date
        ("X-2", "Hệ số sai", "chuyen-vien", 3, "một", "2026-01-01"),  # row 5: number
        ("X-3", "Nhóm sai", "chuyen-vien", 7, 1, "2026-01-01"),  # row 6: out of range
        ("BC-TH", "Trùng mã", "chuyen-vien", 3, 1, "2026-01-01"),  # row 7: duplicate
        ("X;4", "Mã có dấu chấm phẩy", "chuyen-vien", 3, 1, "2026-01-01"),  # row 8: bad code
    ]
    assert _errors("catalogue", rows) == [
        (3, "product", "missing"),
        (4, "effective_from", "invalid_date"),
        (5, "factor", "invalid_number"),
        (6, "complexity_group", "invalid_value"),
        (7, "product", "duplicate"),
        (8, "product", "invalid_value"),
    ]


def test_an_unknown_leadership_role_is_named() -> None:
    rows = [("CC-1", "Lê Minh Châu", "TCBC", "", "chuyen-vien", "", "sếp", "2020-03-01")]
    assert _errors("staff", rows) == [(2, "leadership", "invalid_value")]


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_number() -> None:
    sheet = parse("catalogue", "SNV", workbook("catalogue", [PRODUCTS[0], (), PRODUCTS[1]]))
    assert [r.number for r in sheet.rows] == [2, 4]


def test_the_header_is_read_by_its_codes_in_any_order() -> None:
    codes = [col.code for col in COLUMNS["catalogue"]]
    header = list(reversed(codes))
    row = list(reversed(PRODUCTS[0]))
    rows = read_sheet("catalogue", raw_workbook("catalogue", [header, row]))
    assert rows[0][1]["product"] == "BC-TH"
    assert header_code("Mã sản phẩm (product)") == "product"


def _bomb() -> bytes:
    """A small zip whose one member unpacks to 21 MiB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (21 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not a workbook", "not an XLSX"),
        (b"PK\x03\x04" + b"0" * 100, "not an XLSX"),
        (b"0" * (MAX_BYTES + 1), "KiB"),
        (_bomb(), "unpacks"),
        (raw_workbook("Sheet", [["product"]]), "no sheet"),
        (raw_workbook("catalogue", [["product", "title"]]), "header"),
        (
            raw_workbook("catalogue", [[*(c.code for c in COLUMNS["catalogue"]), "colour"]]),
            "header",
        ),
    ],
)
def test_a_bad_file_is_refused_as_a_whole(content: bytes, words: str) -> None:
    with pytest.raises(BadWorkbook, match=words):
        parse("catalogue", "SNV", content)
