"""Headers on every HTML answer (the web pages and the API docs): a content
security policy that lets a page load nothing from another host — the service
must work on an office network with no internet, and a page that cannot reach
out cannot leak either — and the usual hardening."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

# Inline scripts: the API docs' start-up snippet; inline styles: the docs and the
# pages' colour variables. Nothing else runs, and everything comes from 'self'.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self' 'unsafe-inline'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def install(api: FastAPI) -> None:
    @api.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.update(HEADERS)
        return response
