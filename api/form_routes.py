"""Documents over HTTP: Form 01, Form 02 and the yearly summary (same scopes as the
servant-year and standings queries), and receipt verification — the endpoint here,
and ``check_receipt`` behind the public web page ``/verify`` (web/routes/verify.py)."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from api.auth import ReadScope
from api.deps import ScopeDep, Services, ServicesDep
from api.params import CodePath, OptionalCodeQuery
from api.query_routes import attachment
from api.reads import servant_in_scope, unit_in_scope
from domain.commands import PERIOD_PATTERN
from domain.errors import InvalidState, InvalidValue
from forms.documents import Document, covering_checkpoint, make, signed_position, subject_of
from forms.receipt import Receipt, ReceiptError
from forms.verification import ReceiptReport, stored_leaves, verify_receipt
from projections import signing

router = APIRouter(tags=["documents"])

AsOfPosition = Annotated[int | None, Query(ge=0, description="As the log stood at this position")]
AsOfTime = Annotated[
    datetime | None, Query(description="As the log stood at this moment (ISO 8601)")
]
YearPath = Annotated[int, PathParam(ge=2000, le=2100)]
PUBLIC_KEY_FILE = "MINHBACH_LEDGER_PUBLIC_KEY"

PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The document, with its receipt"}
}
SUMMARY_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "application/pdf": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        },
        "description": "The summary, with its receipt",
    }
}


def _document(
    svc: Services,
    kind: str,
    subject: dict[str, Any],
    as_of_position: int | None,
    as_of_time: datetime | None,
    file_format: str = "pdf",
) -> Response:
    svc.views.catch_up()
    ledger = svc.views.ledger
    with svc.views.locked():  # the follower appends to the same ledger
        ledger.sign_if_due(force=True)
        asked = as_of_position is not None or as_of_time is not None
        upto = as_of_position if asked else signed_position(ledger)
    # Folded outside the lock, which holds back the follower and so writers'
    # read-your-writes; what the log held up to ``upto`` cannot change meanwhile, and
    # a checkpoint signed meanwhile covers at least as much.
    replayed = svc.replays.at(
        upto, as_of_time, servant=subject.get("servant"), agency=subject.get("agency")
    )
    with svc.views.locked():
        checkpoint = covering_checkpoint(ledger, replayed.position)
    document = make(
        kind,
        subject,
        replayed,
        checkpoint,
        svc.app.clock(),
        as_of_time=as_of_time,
        file_format=file_format,
    )
    return _file(document)


def _file(document: Document) -> Response:
    headers = {
        "Content-Disposition": attachment(document.filename),
        "X-View-Position": str(document.receipt.position),
        "X-Data-Digest": document.receipt.digest,
    }
    return Response(document.data, media_type=document.media_type, headers=headers)


# The files, within the caller's scope: the API's routes and the web pages' buttons.


def form_01_file(
    svc: Services,
    scope: ReadScope,
    code: str,
    period: str,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Response:
    servant_in_scope(svc, scope, code)
    subject = subject_of("form-01", servant=code, period=period)
    return _document(svc, "form-01", subject, as_of_position, as_of_time)


def form_02_file(
    svc: Services,
    scope: ReadScope,
    code: str,
    year: int,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Response:
    servant_in_scope(svc, scope, code)
    subject = subject_of("form-02", servant=code, year=year)
    return _document(svc, "form-02", subject, as_of_position, as_of_time)


def summary_file(
    svc: Services,
    scope: ReadScope,
    agency: str,
    year: int,
    unit: str | None,
    file_format: str = "pdf",
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Response:
    """The agency's summary, or its unit's for a unit's manager."""
    unit = unit_in_scope(scope, agency, unit)
    subject = subject_of("summary", agency=agency, year=year, unit=unit)
    return _document(svc, "summary", subject, as_of_position, as_of_time, file_format)


@router.get(
    "/servants/{code}/periods/{period}/forms/01",
    response_class=Response,
    responses=PDF_RESPONSE,
)
def form_01(
    code: CodePath,
    period: Annotated[str, PathParam(pattern=PERIOD_PATTERN)],
    svc: ServicesDep,
    scope: ScopeDep,
    as_of_position: AsOfPosition = None,
    as_of_time: AsOfTime = None,
) -> Response:
    """Form 01 (Phiếu theo dõi, đánh giá công chức) for one period, as PDF."""
    return form_01_file(svc, scope, code, period, as_of_position, as_of_time)


@router.get(
    "/servants/{code}/years/{year}/forms/02", response_class=Response, responses=PDF_RESPONSE
)
def form_02(
    code: CodePath,
    year: YearPath,
    svc: ServicesDep,
    scope: ScopeDep,
    as_of_position: AsOfPosition = None,
    as_of_time: AsOfTime = None,
) -> Response:
    """Form 02 (Phiếu xếp loại chất lượng công chức) for one year, as PDF."""
    return form_02_file(svc, scope, code, year, as_of_position, as_of_time)


@router.get(
    "/agencies/{agency}/years/{year}/summary", response_class=Response, responses=SUMMARY_RESPONSE
)
def summary(
    agency: CodePath,
    year: YearPath,
    svc: ServicesDep,
    scope: ScopeDep,
    unit: OptionalCodeQuery = None,
    format: Annotated[Literal["pdf", "xlsx"], Query()] = "pdf",
    as_of_position: AsOfPosition = None,
    as_of_time: AsOfTime = None,
) -> Response:
    """The agency's (or a unit's) year for the competent authority, as PDF or XLSX."""
    return summary_file(svc, scope, agency, year, unit, format, as_of_position, as_of_time)


# --- verification -----------------------------------------------------------------

_verifying = threading.Lock()  # one at a time: a check replays the whole log


class ReceiptIn(BaseModel):
    receipt: str = Field(min_length=2, max_length=20_000, description="The receipt's text")


class Verification(BaseModel):
    verdict: Literal["valid", "changed", "refused", "tampered", "unproven"]
    authentic: bool = Field(description="The document shows what the signed records said")
    kind: str
    subject: dict[str, Any]
    position: int
    policy: str
    digest: str
    checkpoint: dict[str, Any] | None
    head: int
    problems: list[str]
    changed: list[str] = Field(description="What changed since (the fields, not their values)")


def _public_key(svc: Services) -> Any:
    """The ledger's public key: the signer's, or a public key file given to a service
    that does not sign (``MINHBACH_LEDGER_PUBLIC_KEY``)."""
    if svc.views.ledger.signer is not None:
        return svc.views.ledger.signer.public
    if path := os.environ.get(PUBLIC_KEY_FILE):
        return signing.load_public(Path(path).read_bytes())
    raise InvalidState("this service has no ledger key: check receipts offline instead")


def check_receipt(svc: Services, receipt: Receipt) -> ReceiptReport:
    """The receipt against the log and the signed checkpoints (one check at a time)."""
    ledger = svc.views.ledger
    public = _public_key(svc)
    with _verifying:
        return verify_receipt(
            svc.app,
            receipt,
            public,
            checkpoints=ledger.checkpoints(),
            leaves=stored_leaves(svc.views.engine),
            replayer=lambda position: svc.replays.at(position),
        )


def _verification(report: ReceiptReport) -> Verification:
    receipt = report.receipt
    return Verification(
        verdict=report.verdict,
        authentic=report.authentic,
        kind=receipt.kind,
        subject=receipt.subject,
        position=receipt.position,
        policy=receipt.policy,
        digest=receipt.digest,
        checkpoint=report.checkpoint.as_dict() if report.checkpoint else None,
        head=report.head,
        problems=report.problems,
        changed=[change.path for change in report.changes],
    )


@router.post("/receipts/verification", response_model=Verification)
def verify(body: ReceiptIn, svc: ServicesDep) -> Verification:
    """Check a receipt against the log (no token needed: anyone holding a document may).
    What changed since is named by field only; the values stay behind the scopes."""
    try:
        receipt = Receipt.parse(body.receipt)
    except ReceiptError as error:
        raise InvalidValue(str(error)) from None
    return _verification(check_receipt(svc, receipt))
