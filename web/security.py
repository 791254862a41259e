"""Cookies and CSRF tokens for the browser.

The session cookie is HttpOnly and SameSite=Lax; its secret is known only to the
browser (the log keeps its hash). Every form carries a CSRF token derived from a
secret the browser holds in an HttpOnly cookie — the session's secret once
signed in, a sign-in cookie's before — so a page of another site can neither read
nor forge it. Each rendered form also carries its own idempotency key, so a
double submit records once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from fastapi import Request, Response

from domain.principal import SESSION_LIFETIME

SESSION_COOKIE = "minhbach_session"
PRESESSION_COOKIE = "minhbach_signin"
CSRF_FIELD = "csrf_token"
FORM_KEY_FIELD = "form_key"


def cookies_secure(request: Request) -> bool:
    """Secure cookies over HTTPS, or always when MINHBACH_SECURE_COOKIES=1 (behind a proxy)."""
    return request.url.scheme == "https" or os.environ.get("MINHBACH_SECURE_COOKIES") == "1"


def set_session_cookie(request: Request, response: Response, cookie: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookies_secure(request),
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def presession_secret(request: Request) -> tuple[str, bool]:
    """The sign-in page's CSRF secret, and whether it is new (to be set as a cookie)."""
    found = request.cookies.get(PRESESSION_COOKIE)
    if found and 20 <= len(found) <= 100:
        return found, False
    return secrets.token_urlsafe(32), True


def set_presession_cookie(request: Request, response: Response, secret: str) -> None:
    response.set_cookie(
        PRESESSION_COOKIE,
        secret,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=cookies_secure(request),
        path="/",
    )


def csrf_token(secret: str) -> str:
    return hmac.new(secret.encode(), b"minhbach csrf", hashlib.sha256).hexdigest()


def csrf_valid(secret: str | None, token: object) -> bool:
    return (
        secret is not None
        and isinstance(token, str)
        and hmac.compare_digest(csrf_token(secret), token)
    )


def new_form_key() -> str:
    return secrets.token_hex(16)
