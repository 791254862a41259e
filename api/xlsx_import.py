"""A workbook of the catalogue or of the staff, read row by row into commands.

Pure: bytes in, for each row either its command(s) or its errors, each named by row
and column (the column's code: ``product``, ``factor``…). Nothing here reads or
writes records; ``api/uploads.py`` previews and applies what it produces, for the
API and the web screen alike. The template file is made from the same columns.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from pydantic import ValidationError

from domain import commands as c
from domain.errors import InvalidValue

Kind = Literal["catalogue", "staff"]
KINDS: tuple[Kind, ...] = ("catalogue", "staff")
MAX_BYTES = 512 * 1024  # re-posted in base64 for the confirmation, under the body limit
MAX_ROWS = 2000
MAX_UNPACKED = 20 * 1024 * 1024
MAX_COLUMNS = 64  # columns read from a row (the template has 8)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadWorkbook(InvalidValue):
    """The file is not a workbook this screen reads (type, size, sheet, columns)."""

    code = "bad_workbook"


@dataclass(frozen=True)
class Column:
    code: str  # the field's English code, in brackets in the header
    title: str  # the header's Vietnamese words
    required: bool = True


COLUMNS: dict[Kind, tuple[Column, ...]] = {
    "catalogue": (
        Column("product", "Mã sản phẩm"),
        Column("title", "Tên sản phẩm"),
        Column("position", "Vị trí việc làm"),
        Column("complexity_group", "Nhóm độ phức tạp (1–5)"),
        Column("factor", "Hệ số quy đổi"),
        Column("effective_from", "Áp dụng từ ngày"),
    ),
    "staff": (
        Column("code", "Mã công chức"),
        Column("full_name", "Họ và tên"),
        Column("unit", "Mã đơn vị"),
        Column("unit_title", "Tên đơn vị (nếu mở mới)", required=False),
        Column("position", "Vị trí việc làm"),
        Column("peer_group", "Nhóm so sánh", required=False),
        Column("leadership", "Vai trò lãnh đạo", required=False),
        Column("employed_from", "Làm việc từ ngày"),
    ),
}
SHEETS: dict[Kind, str] = {"catalogue": "catalogue", "staff": "staff"}
EXAMPLES: dict[Kind, tuple[Any, ...]] = {
    "catalogue": ("BC-TH", "Báo cáo tổng hợp", "chuyen-vien", 3, 1.5, date(2026, 1, 1)),
    "staff": (
        "CC-001",
        "Nguyễn Văn An",
        "TCBC",
        "Phòng Tổ chức biên chế",
        "chuyen-vien",
        "",
        "staff",
        date(2020, 3, 1),
    ),
}
# The leadership role as a person may write it (Art. 10): Vietnamese or the code.
LEADERSHIP = {
    "": "staff",
    "staff": "staff",
    "công chức": "staff",
    "deputy": "deputy",
    "cấp phó": "deputy",
    "head": "head",
    "cấp trưởng": "head",
}


@dataclass(frozen=True)
class CellError:
    row: int  # the sheet's own row number (the header is row 1)
    column: str  # a column code, "" for the row as a whole
    code: str  # missing, invalid_date, invalid_number, invalid_value, duplicate, or the domain's
    detail: str = ""


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    errors: list[CellError] = field(default_factory=list)
    commands: list[c.Command] = field(default_factory=list)


@dataclass(frozen=True)
class Sheet:
    kind: Kind
    sha256: str
    rows: list[Row]


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def header_code(text: Any) -> str:
    """``Mã sản phẩm (product)`` → ``product``; a bare code is itself."""
    words = "" if text is None else str(text).strip()
    found = re.search(r"\(([a-z_]+)\)\s*$", words)
    return found.group(1) if found else words.lower()


def read_sheet(kind: Kind, content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The non-blank rows of the kind's sheet, each cell under its column's code."""
    if len(content) > MAX_BYTES:
        raise BadWorkbook(f"the file is over {MAX_BYTES // 1024} KiB", limit=MAX_BYTES)
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise BadWorkbook("the file is not an XLSX workbook")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise BadWorkbook("the file is not an XLSX workbook") from None
    if unpacked > MAX_UNPACKED:  # a small file that unpacks into a huge one
        raise BadWorkbook("the workbook unpacks to over 20 MiB", limit=MAX_UNPACKED)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise BadWorkbook("the file is not an XLSX workbook that can be read") from None
    try:
        if SHEETS[kind] not in book.sheetnames:
            raise BadWorkbook(f"the workbook has no sheet named {SHEETS[kind]!r}")
        lines = book[SHEETS[kind]].iter_rows(
            values_only=True, max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS
        )
        header = [header_code(v) for v in next(lines, ())]
        expected = {col.code for col in COLUMNS[kind]}
        unknown = sorted({h for h in header if h} - expected)
        missing = [col.code for col in COLUMNS[kind] if col.required and col.code not in header]
        if unknown or missing or len(set(filter(None, header))) != len(list(filter(None, header))):
            raise BadWorkbook(
                "the header row does not have the template's columns",
                missing=missing,
                unknown=unknown,
            )
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, line in enumerate(lines, start=2):
            values = {h: v for h, v in zip(header, line, strict=False) if h}
            if any(_blank(v) is not None for v in values.values()):
                rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise BadWorkbook(f"the sheet has over {MAX_ROWS} rows", limit=MAX_ROWS)
        return rows
    finally:
        book.close()


def _blank(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


def _text(value: Any) -> str | None:
    value = _blank(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else str(value)


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)  # dd/mm/yyyy
    try:
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        value = repr(value)
    try:
        found = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(value) from None
    if not found.is_finite():
        raise ValueError(value)
    return found


Convert = Callable[[Any], Any]
CONVERTERS: dict[str, tuple[Convert, str]] = {
    "complexity_group": (_number, "invalid_number"),
    "factor": (_number, "invalid_number"),
    "effective_from": (_day, "invalid_date"),
    "employed_from": (_day, "invalid_date"),
}


def _fields(
    kind: Kind, number: int, values: dict[str, Any]
) -> tuple[dict[str, Any], list[CellError]]:
    """The row's cells as the command's fields, and each cell that cannot be one."""
    fields: dict[str, Any] = {}
    errors: list[CellError] = []
    for col in COLUMNS[kind]:
        raw = _blank(values.get(col.code))
        if raw is None:
            if col.required:
                errors.append(CellError(number, col.code, "missing"))
            continue
        convert, code = CONVERTERS.get(col.code, (_text, "invalid_value"))
        try:
            fields[col.code] = convert(raw)
        except ValueError:
            errors.append(CellError(number, col.code, code, str(raw)))
    if kind == "staff" and "leadership" in fields:
        role = LEADERSHIP.get(str(fields["leadership"]).strip().lower())
        if role is None:
            errors.append(CellError(number, "leadership", "invalid_value", fields["leadership"]))
        fields["leadership"] = role or "staff"
    return fields, errors


def _command(kind: Kind, agency: str, fields: dict[str, Any]) -> c.Command:
    if kind == "catalogue":
        group = fields["complexity_group"]
        return c.AddProduct(
            agency=agency,
            product=fields["product"],
            title=fields["title"],
            position=fields["position"],
            complexity_group=int(group) if group == int(group) else group,
            factor=fields["factor"],
            effective_from=fields["effective_from"],
        )
    return c.RegisterServant(
        code=fields["code"],
        full_name=fields["full_name"],
        agency=agency,
        unit=fields["unit"],
        position=fields["position"],
        peer_group=fields.get("peer_group"),
        leadership=fields.get("leadership", "staff"),
        employed_from=fields["employed_from"],
    )


KEY_COLUMN: dict[Kind, str] = {"catalogue": "product", "staff": "code"}


def parse(kind: Kind, agency: str, content: bytes) -> Sheet:
    """Every row of the file with its command or its errors (``BadWorkbook`` if the
    file as a whole cannot be read)."""
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, values in read_sheet(kind, content):
        row = Row(number, values)
        fields, row.errors = _fields(kind, number, values)
        key = fields.get(KEY_COLUMN[kind])
        if key is not None and key in seen:
            row.errors.append(CellError(number, KEY_COLUMN[kind], "duplicate", str(seen[key])))
        elif key is not None:
            seen[key] = number
        if not row.errors:
            try:
                row.commands.append(_command(kind, agency, fields))
            except ValidationError as error:
                for problem in error.errors():
                    where = str(problem["loc"][0]) if problem["loc"] else ""
                    column = {"agency": ""}.get(where, where)
                    row.errors.append(CellError(number, column, "invalid_value", problem["msg"]))
        rows.append(row)
    return Sheet(kind, content_hash(content), rows)


def template(kind: Kind) -> bytes:
    """An empty workbook with the kind's sheet and its header (Vietnamese words, the
    English code in brackets); an example row on a second sheet, which is not read."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = SHEETS[kind]
    sheet.append([f"{col.title} ({col.code})" for col in COLUMNS[kind]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, col in zip("ABCDEFGH", COLUMNS[kind], strict=False):
        sheet.column_dimensions[letter].width = max(14, len(col.title) + len(col.code) + 4)
    example = book.create_sheet("vi-du")
    example.append([f"{col.title} ({col.code})" for col in COLUMNS[kind]])
    example.append(list(EXAMPLES[kind]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
