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
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import Services
from api.errors import status_for
from domain.errors import DomainError
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


def install(api: FastAPI) -> None:
    """Put a web page in front of each of the API's error handlers."""

    def wrap(kind: type[Exception], page: Any) -> None:
        fallback = api.exception_handlers[kind]

        async def handler(request: Request, error: Exception) -> Any:
            if is_web(request):
                return page(request, error)
            answer = fallback(request, error)
            return await answer if inspect.isawaitable(answer) else answer

        api.exception_handlers[kind] = handler

    wrap(DomainError, lambda r, e: error_page(r, status_for(e), e.code))
    wrap(RequestValidationError, lambda r, e: error_page(r, 422, "invalid_request"))
    wrap(
        StarletteHTTPException,
        lambda r, e: error_page(r, e.status_code, CODE_BY_STATUS.get(e.status_code, "http")),
    )

    def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_page(request, 500, "internal_error")

    wrap(Exception, unexpected)

    @api.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: SignInRequired) -> Response:
        return sign_in_redirect(request)

    @api.exception_handler(PasswordChangeRequired)
    async def change_password_first(request: Request, _: PasswordChangeRequired) -> Response:
        return RedirectResponse("/password", status_code=303)

    @api.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: CsrfRefused) -> Response:
        return error_page(request, 403, "csrf")
