"""Errors on the web pages are pages: in the reader's language, saying what
happened and what to do next — never a stack trace, never a blank. The API's
JSON errors stay as they are for everything under /api and the docs."""

from __future__ import annotations

import inspect
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import Services
from api.errors import database_unavailable, status_for
from domain.errors import DomainError
from projections.follower import ViewsHalted
from web.deps import CsrfRefused, PasswordChangeRequired, SignInRequired, Viewer, viewer_of
from web.i18n import DEFAULT_LOCALE
from web.labels import ERRORS
from web.security import presession_secret
from web.templating import render

log = logging.getLogger("minhbach.web")

# Everything else the service answers is a web page.
API_PREFIXES = ("/api/", "/static-offline-docs/", "/docs", "/redoc")  # /redoc-assets too
API_PATHS = frozenset({"/health", "/openapi.json"})

CODE_BY_STATUS = {
    400: "invalid_request",
    403: "not_authorised",
    404: "not_found",
    405: "not_found",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
}


def is_web(request: Request) -> bool:
    path = request.url.path
    return path not in API_PATHS and not path.startswith(API_PREFIXES)


def _viewer(request: Request) -> Viewer:
    found: Viewer | None = getattr(request.state, "viewer", None)
    if found is not None:
        return found
    services: Services = request.app.state.services
    try:
        return viewer_of(request, services)
    except Exception:  # the error page must show even when the store is down
        secret, new = presession_secret(request)
        return Viewer(services, DEFAULT_LOCALE, None, secret, new_presession=new)


def error_page(request: Request, status_code: int, code: str) -> Response:
    title, advice = ERRORS.get(code) or ERRORS[CODE_BY_STATUS.get(status_code, "internal_error")]
    return render(
        request,
        _viewer(request),
        "error.html",
        status_code=status_code,
        status=status_code,
        code=code,
        title=title,
        advice=advice,
    )


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or target.startswith("/signin"):
        target = "/"
    return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)


def page_for(request: Request, error: Exception) -> Response:
    """The page for an error any of the API's handlers would answer in JSON."""
    if isinstance(error, DomainError):
        return error_page(request, status_for(error), error.code)
    if isinstance(error, RequestValidationError | ValidationError):
        return error_page(request, 422, "invalid_request")
    if isinstance(error, StarletteHTTPException):
        status = error.status_code
        return error_page(request, status, CODE_BY_STATUS.get(status, "http"))
    where = f"{request.method} {request.url.path}"
    if isinstance(error, ViewsHalted) or database_unavailable(error):
        log.warning("service unavailable on %s", where, exc_info=error)
        return error_page(request, 503, "unavailable")
    log.error("unexpected error on %s", where, exc_info=error)
    return error_page(request, 500, "internal_error")


def install(api: FastAPI) -> None:
    """Put a web page in front of each of the API's error handlers (and of the
    one the access log falls back on, the handler of ``Exception``)."""

    def wrap(fallback: Any) -> Any:
        async def handler(request: Request, error: Exception) -> Any:
            if is_web(request):
                return page_for(request, error)
            answer = fallback(request, error)
            return await answer if inspect.isawaitable(answer) else answer

        return handler

    for kind, fallback in list(api.exception_handlers.items()):
        api.exception_handlers[kind] = wrap(fallback)

    @api.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: SignInRequired) -> Response:
        return sign_in_redirect(request)

    @api.exception_handler(PasswordChangeRequired)
    async def change_password_first(request: Request, _: PasswordChangeRequired) -> Response:
        return RedirectResponse("/password", status_code=303)

    @api.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: CsrfRefused) -> Response:
        return error_page(request, 403, "csrf")
