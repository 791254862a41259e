"""The tables of the screens as downloads: CSV (UTF-8 with a byte-order mark, so
Excel shows the diacritics) and XLSX (openpyxl), headers in the reader's language
(Vietnamese first). Values are exact: a score is the exact decimal, shown with two
places in Excel by its number format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from api.query_routes import attachment
from web.i18n import translations

Kind = Literal["text", "decimal", "int", "date", "bool"]
Format = Literal["csv", "xlsx"]
BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str  # a message of the catalogues
    value: Callable[[dict[str, Any]], Any]
    kind: Kind = "text"
    words: Mapping[str, str] | None = None  # a code's name (a level in the decree's words)


@dataclass(frozen=True)
class Table:
    name: str  # the file name's stem
    title: str  # a message: the sheet's title
    columns: Sequence[Column]
    rows: Sequence[dict[str, Any]]


def _cell(value: Any, column: Column, gettext: Callable[[str], str]) -> Any:
    kind = column.kind
    if value is None or value == "":
        return None
    if column.words is not None:
        return gettext(column.words[value]) if value in column.words else value
    if kind == "decimal":
        return Decimal(str(value))
    if kind == "bool":
        return gettext("Yes") if value else gettext("No")
    return value


def cells(table: Table, locale: str) -> tuple[list[str], list[list[Any]]]:
    """The headers and the values, translated where they are words."""
    gettext = translations(locale).gettext
    headers = [gettext(column.header) for column in table.columns]
    rows = [
        [_cell(column.value(row), column, gettext) for column in table.columns]
        for row in table.rows
    ]
    return headers, rows


def to_csv(table: Table, locale: str) -> bytes:
    headers, rows = cells(table, locale)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return (BOM + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, locale: str) -> bytes:
    headers, rows = cells(table, locale)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = translations(locale).gettext(table.title)[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        if column.kind == "decimal":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.00"
        width = max([len(str(headers[index - 1]))] + [len(str(r[index - 1] or "")) for r in rows])
        sheet.column_dimensions[letter].width = min(60, max(8, width + 2))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(table: Table, fmt: Format, locale: str, position: int) -> Response:
    if fmt == "csv":
        body, media = to_csv(table, locale), "text/csv; charset=utf-8"
    else:
        body, media = to_xlsx(table, locale), XLSX_TYPE
    headers = {
        "Content-Disposition": attachment(f"{table.name}.{fmt}"),
        "X-View-Position": str(position),
    }
    return Response(body, media_type=media, headers=headers)


def evidence_file(bundle: Mapping[str, Any], filename: str) -> Response:
    """An evidence bundle as the file ``minhbach verify-bundle`` checks offline."""
    body = json.dumps(bundle, ensure_ascii=False, indent=1)
    return Response(
        body,
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": attachment(filename)},
    )
