"""``/verify``, public: paste a receipt (the text of a form's QR code) or upload
the document or a photo of its QR code, and read whether it still matches the
log and is covered by a signed checkpoint — the API's own check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.form_routes import check_receipt
from domain.errors import DomainError
from forms.extract import receipt_from_bytes
from forms.receipt import ReceiptError
from forms.verification import ReceiptReport
from web.deps import Viewer, ViewerDep
from web.templating import render

router = APIRouter()
MAX_UPLOAD = 20 * 1024 * 1024


def _page(
    request: Request,
    who: Viewer,
    report: ReceiptReport | None = None,
    problem: str | None = None,  # too_large, nothing, unreadable, unchecked (the template's words)
    detail: str = "",
    pasted: str = "",
) -> HTMLResponse:
    return render(
        request,
        who,
        "verify.html",
        status_code=200 if problem is None else 400,
        report=report,
        problem=problem,
        detail=detail,
        pasted=pasted,
    )


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, who: ViewerDep) -> HTMLResponse:
    return _page(request, who)


@router.post("/verify", response_class=HTMLResponse)
async def verify_submit(
    request: Request,
    who: ViewerDep,
    receipt: Annotated[str, Form(max_length=20_000)] = "",
    document: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    data = b""
    if document is not None and document.filename:
        data = await document.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            return _page(request, who, problem="too_large")
    elif receipt.strip():
        data = receipt.strip().encode()
    if not data:
        return _page(request, who, problem="nothing")
    try:
        parsed = receipt_from_bytes(data)
        report = await run_in_threadpool(check_receipt, who.svc, parsed)
    except (ReceiptError, ValueError) as error:
        return _page(request, who, problem="unreadable", detail=str(error), pasted=receipt)
    except DomainError as error:
        return _page(request, who, problem="unchecked", detail=error.message, pasted=receipt)
    return _page(request, who, report, pasted=receipt)
