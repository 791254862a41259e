"""The language switch: Vietnamese first, English on request (a cookie)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from web.i18n import LANG_COOKIE
from web.security import cookies_secure

router = APIRouter()


def local_target(target: str | None) -> str:
    """Only a path on this site: an open redirect would let a link send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/lang/{locale}")
def switch_language(
    request: Request,
    locale: Annotated[Literal["vi", "en"], Path()],
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> RedirectResponse:
    response = RedirectResponse(local_target(next), status_code=303)
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=cookies_secure(request),
        path="/",
    )
    return response
