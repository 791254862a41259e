"""Mounts the web pages on the service's FastAPI app: the static assets, one
router per screen, and HTML error pages (see web/README.md)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from web import errors, security_headers
from web.deps import csrf_protected
from web.month_forms import UPLOAD_BODY_BYTES
from web.routes import PUBLIC_FORMS, ROUTERS

# The forms that upload a document, with the body each may send (the file and its fields).
LARGER_BODIES = {r"/me/periods/[^/]+/result": UPLOAD_BODY_BYTES}

STATIC = Path(__file__).parent / "static"


def install(api: FastAPI) -> None:
    api.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Every form post on every screen carries a CSRF token: checked once, here.
    pages = APIRouter(dependencies=[Depends(csrf_protected)], include_in_schema=False)
    for router in ROUTERS:
        pages.include_router(router)
    api.include_router(pages)
    for router in PUBLIC_FORMS:
        api.include_router(router, include_in_schema=False)
    errors.install(api)
    security_headers.install(api)
