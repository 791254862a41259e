"""Catalogue and staff workbooks over HTTP: a preview row by row, then the same
request with ``apply=true`` records them (all or none). The web screen
``/agencies/{agency}/imports`` runs the same ``api.uploads.preview``. The JSON
Lines importer stays for systems that send commands."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import CallerDep, ServicesDep
from api.params import CodePath
from api.uploads import Preview, preview
from api.xlsx_import import XLSX_TYPE, Kind, content_hash, template
from domain.errors import InvalidValue

router = APIRouter(tags=["imports"])
Sha256 = Annotated[str | None, Query(pattern=r"^[0-9a-f]{64}$")]


class CellProblem(BaseModel):
    row: int
    column: str = Field(description="The column's code; empty for the row as a whole")
    code: str = Field(examples=["invalid_date", "already_exists"])
    detail: str


class RowAnswer(BaseModel):
    row: int = Field(description="The sheet's row number (the header is row 1)")
    code: str = Field(description="The row's product or personnel code")
    name: str = Field(description="The product's or the servant's name, as the row gives it")
    status: Literal["add", "unchanged", "error"]
    commands: list[str]
    errors: list[CellProblem]


class ImportAnswer(BaseModel):
    kind: Kind
    agency: str
    sha256: str = Field(description="The file's SHA-256: pass it back with apply=true")
    applied: bool
    counts: dict[str, int]
    rows: list[RowAnswer]


def answer(found: Preview) -> ImportAnswer:
    return ImportAnswer(
        kind=found.kind,
        agency=found.agency,
        sha256=found.sha256,
        applied=found.applied,
        counts={s: found.count(s) for s in ("add", "unchanged", "error")},
        rows=[
            RowAnswer(
                row=r.row,
                code=r.code,
                name=r.name,
                status=r.status,
                commands=list(r.commands),
                errors=[CellProblem(**vars(e)) for e in r.errors],
            )
            for r in found.rows
        ],
    )


@router.post(
    "/agencies/{agency}/imports/{kind}",
    response_model=ImportAnswer,
    openapi_extra={
        "requestBody": {
            "required": True,
            # The workbook's bytes, whatever Content-Type is sent (an XLSX one, or
            # application/octet-stream as documented: the type generic clients send).
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def import_workbook(
    agency: CodePath,
    kind: Kind,
    request: Request,
    svc: ServicesDep,
    who: CallerDep,
    apply: Annotated[bool, Query(description="Record the rows (all or none)")] = False,
    sha256: Sha256 = None,
) -> ImportAnswer:
    """The workbook (the template's sheet and columns) as the request body: each row
    with what it would record, "unchanged" if already recorded so, or its errors by
    column. With ``apply=true`` (and the preview's ``sha256``, if given, matching the
    file) the rows are recorded only if none has an error. HR of the agency or an admin."""
    content = await request.body()
    if apply and sha256 is not None and sha256 != content_hash(content):
        raise InvalidValue("this is not the file that was previewed", sha256=sha256)
    found = await run_in_threadpool(
        preview, svc.app, who.context(None), kind, agency, content, apply
    )
    return answer(found)


@router.get(
    "/imports/{kind}/template",
    response_class=Response,
    responses={200: {"content": {XLSX_TYPE: {}}, "description": "The empty template"}},
)
def import_template(kind: Kind, who: CallerDep) -> Response:
    """An empty workbook with the kind's sheet and header row (Vietnamese words, the
    English code in brackets)."""
    return Response(
        template(kind),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="mau-{kind}.xlsx"'},
    )
