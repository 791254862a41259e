"""The API docs, /docs (Swagger UI) and /redoc (ReDoc), with every script and
style served by this service (from the fastapi-offline package): they work on an
office network with no internet.

ReDoc's bundle shows a vendor logo fetched from a CDN; the copy served here
shows it from a data URI instead, so the page asks nothing of another host.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse, Response

REDOC_BUNDLE = Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js"
REDOC_URL = "/redoc-assets/redoc.standalone.js"
CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
NO_LOGO = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@cache
def redoc_bundle() -> bytes:
    source = REDOC_BUNDLE.read_text(encoding="utf-8")
    return source.replace(CDN_LOGO, NO_LOGO).encode("utf-8")


def install_redoc(api: FastAPI) -> None:
    @api.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=api.openapi_url or "/openapi.json",
            title=f"{api.title} - ReDoc",
            redoc_js_url=REDOC_URL,
            redoc_favicon_url="/static/favicon.svg",
            with_google_fonts=False,
        )

    @api.get(REDOC_URL, include_in_schema=False)
    def redoc_script() -> Response:
        return Response(
            redoc_bundle(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )
