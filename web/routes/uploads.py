"""HR brings the catalogue or the staff from Excel: upload → a preview row by row
(each error by row and column, in words) → confirm. The preview and the apply are
``api.uploads.preview``, the API's own; who may import is the domain's rule.

The confirmation re-posts the file itself, base64 in a hidden field: nothing is kept
on the server between the two requests (no store to expire or share between
workers), the size is bounded (``MAX_BYTES``, so the re-post stays under the body
limit), and nothing in the field is trusted — its hash must be the previewed one, and
every row is parsed and checked again before anything is recorded.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.uploads import Preview, may_import, preview
from api.xlsx_import import COLUMNS, MAX_BYTES, XLSX_TYPE, BadWorkbook, Kind, content_hash, template
from domain.batch import BatchRefused
from projections.directory import Directory
from web.deps import SignedInDep, Viewer
from web.i18n import N_
from web.refusals import OTHER, WORDS
from web.templating import render

router = APIRouter()
AgencyPath = Annotated[str, Path(min_length=1, max_length=64)]
BASE = "/agencies/{agency}/imports"

# A cell's or a row's error, in words (the domain's refusals by their codes).
CELL_WORDS: dict[str, str] = {
    "missing": N_("Empty: this column is required."),
    "invalid_date": N_("Not a date: write it as dd/mm/yyyy."),
    "invalid_number": N_("Not a number."),
    "invalid_value": N_("Not a valid value for this column."),
    "duplicate": N_("The same code is on an earlier row of the file."),
    "already_exists": N_(
        "Already recorded with other content: an upload does not change what is recorded."
    ),
    "not_found": N_("No such unit in the agency: give the unit's name to open it."),
    "invalid_conversion_factor": N_("A conversion factor must be greater than 0."),
}
PROBLEMS: dict[str, str] = {
    "bad_workbook": N_(
        "This file cannot be read as the template: it must be an XLSX workbook under "
        "512 KiB, with the template's sheet and header row. Download the template below."
    ),
    "changed": N_("The file sent for confirmation is not the one previewed: upload it again."),
    "refused": N_("Nothing was recorded: some rows have errors. Correct them and upload again."),
}
KIND_TITLES: dict[str, str] = {
    "catalogue": N_("Product catalogue"),
    "staff": N_("Civil servants and units"),
}


def cell_words(code: str) -> str:
    return CELL_WORDS.get(code) or WORDS.get(code, OTHER)[0]


def _page(
    request: Request,
    who: Viewer,
    agency: str,
    found: Preview | None = None,
    problem: str | None = None,
    detail: str = "",
    content: bytes = b"",
) -> HTMLResponse:
    status = 200 if problem is None else 409 if problem == "refused" else 400
    return render(
        request,
        who,
        "uploads.html",
        status_code=status,
        agency=agency,
        names=Directory(who.svc.views.projector.state),
        base=BASE.format(agency=agency),
        kinds=KIND_TITLES,
        columns=COLUMNS,
        found=found,
        problem=PROBLEMS.get(problem or ""),
        detail=detail,
        cell_words=cell_words,
        column_titles={col.code: col.title for cols in COLUMNS.values() for col in cols},
        encoded=base64.urlsafe_b64encode(content).decode() if found and found.ok else "",
    )


@router.get("/agencies/{agency}/imports", response_class=HTMLResponse)
def uploads_page(request: Request, who: SignedInDep, agency: AgencyPath) -> HTMLResponse:
    may_import(who.svc.app, who.caller.context(None), agency)
    return _page(request, who, agency)


@router.get("/agencies/{agency}/imports/{kind}/template")
def uploads_template(who: SignedInDep, agency: AgencyPath, kind: Kind) -> Response:
    may_import(who.svc.app, who.caller.context(None), agency)
    return Response(
        template(kind),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="mau-{kind}.xlsx"'},
    )


async def _run(
    request: Request, who: Viewer, agency: str, kind: Kind, content: bytes, apply: bool
) -> HTMLResponse:
    def run(save: bool) -> Preview:
        return preview(who.svc.app, who.caller.context(None), kind, agency, content, save)

    try:
        found = await run_in_threadpool(run, apply)
    except BadWorkbook as error:
        return _page(request, who, agency, problem="bad_workbook", detail=error.message)
    except BatchRefused:
        # The records changed since the preview: show what the rows would do now.
        found = await run_in_threadpool(run, False)
        return _page(request, who, agency, found, problem="refused", content=content)
    return _page(request, who, agency, found, content=b"" if found.applied else content)


@router.post("/agencies/{agency}/imports/{kind}", response_class=HTMLResponse)
async def uploads_preview(
    request: Request,
    who: SignedInDep,
    agency: AgencyPath,
    kind: Kind,
    workbook: Annotated[UploadFile, File()],
) -> HTMLResponse:
    content = await workbook.read(MAX_BYTES + 1)
    return await _run(request, who, agency, kind, content, apply=False)


@router.post("/agencies/{agency}/imports/{kind}/apply", response_class=HTMLResponse)
async def uploads_apply(
    request: Request,
    who: SignedInDep,
    agency: AgencyPath,
    kind: Kind,
    content: Annotated[str, Form(max_length=(MAX_BYTES * 4) // 3 + 4)],
    sha256: Annotated[str, Form(pattern=r"^[0-9a-f]{64}$")],
) -> HTMLResponse:
    try:
        data = base64.urlsafe_b64decode(content.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        data = b""
    if content_hash(data) != sha256:
        return _page(request, who, agency, problem="changed")
    return await _run(request, who, agency, kind, data, apply=True)
