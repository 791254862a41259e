"""Signing in and out, and changing one's own password.

The password is checked against its Argon2 hash here (``api.auth``); what
happened is recorded through the same commands as everything else: a sign-in,
a refused sign-in (by the sign-in service, since nobody is signed in yet) or a
sign-out, each with the time and the address it came from.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import SIGN_IN_SERVICE, caller_of, check_password, new_session
from domain import commands as c
from domain.actors import CommandContext
from domain.errors import DomainError
from domain.passwords import WeakPassword, hash_new_password
from domain.principal import Principal
from web import security
from web.deps import SignedInDep, Viewer, ViewerDep
from web.i18n import N_
from web.routes.language import local_target
from web.templating import render

log = logging.getLogger("minhbach.web.sign_in")
router = APIRouter()

Text = Annotated[str, Form(max_length=200)]
Secret = Annotated[str, Form(max_length=256)]

REFUSALS = {
    "locked": N_(
        "Too many failed sign-ins: this login is locked for 15 minutes. Try again later, "
        "or ask the personnel office to set a new password."
    ),
}
WRONG = N_("The login name or the password is wrong. Check them and try again.")


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def _sign_in_form(
    request: Request, who: Viewer, target: str, error: str | None = None, login: str = ""
) -> HTMLResponse:
    return render(
        request,
        who,
        "sign_in.html",
        status_code=401 if error else 200,
        next=target,
        error=error,
        login=login,
    )


@router.get("/signin", response_class=HTMLResponse)
def sign_in_page(request: Request, who: ViewerDep, next: str | None = None) -> Response:
    target = local_target(next)
    if who.signed_in:
        return RedirectResponse(target, status_code=303)
    return _sign_in_form(request, who, target)


def open_session(request: Request, who: Viewer, principal: Principal, target: str) -> Response:
    """Record the sign-in and hand the browser its session cookie."""
    session = new_session(principal.name)
    caller_ctx = caller_of(principal).context(None)
    who.svc.app.execute(
        c.SignIn(
            principal=principal.name,
            session_id=session.session_id,
            secret_sha256=session.secret_sha256,
            address=client_address(request),
        ),
        caller_ctx,
    )
    response = RedirectResponse(
        "/password" if principal.must_change_password else target, status_code=303
    )
    security.set_session_cookie(request, response, session.cookie)
    return response


@router.post("/signin", response_class=HTMLResponse)
def sign_in(
    request: Request,
    who: ViewerDep,
    login: Text,
    password: Secret,
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    target = local_target(next)
    app = who.svc.app
    check = check_password(app, login, password, app.clock())
    if check.refused is None and check.principal is not None:
        return open_session(request, who, check.principal, target)
    address = client_address(request)
    if check.principal is not None and check.refused != "unknown_login":
        app.execute(
            c.RecordFailedSignIn(
                principal=check.principal.name, reason=check.refused, address=address
            ),
            CommandContext(SIGN_IN_SERVICE, "sign-in"),
        )
    else:  # no principal to record it on: the service's log keeps it (never the password)
        log.warning("sign-in refused: unknown login %r from %s", login[:64], address)
    error = REFUSALS.get(check.refused or "", WRONG)
    return _sign_in_form(request, who, target, error=error, login=login)


@router.post("/signout")
def sign_out(request: Request, who: ViewerDep) -> Response:
    response = RedirectResponse("/signin", status_code=303)
    security.clear_session_cookie(response)
    if who.session is not None:
        caller = who.session.caller
        # The session may have ended meanwhile (expired, or a new password).
        with contextlib.suppress(DomainError):
            who.svc.app.execute(
                c.SignOut(
                    principal=caller.principal,
                    session_id=who.session.session_id,
                    address=client_address(request),
                ),
                caller.context(None),
            )
    return response


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, who: SignedInDep) -> HTMLResponse:
    return render(request, who, "password.html", error=None)


@router.post("/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    who: SignedInDep,
    current: Secret,
    new: Secret,
    repeat: Secret,
) -> Response:
    app = who.svc.app
    caller = who.caller
    check = check_password(app, caller.principal, current, app.clock())
    if check.refused is not None or check.principal is None:
        if check.principal is not None and check.refused != "unknown_login":
            app.execute(
                c.RecordFailedSignIn(
                    principal=caller.principal,
                    reason=check.refused,
                    address=client_address(request),
                ),
                CommandContext(SIGN_IN_SERVICE, "password change"),
            )
        error = REFUSALS.get(check.refused or "", N_("The current password is wrong."))
        return render(request, who, "password.html", status_code=400, error=error)
    if new != repeat:
        error = N_("The two new passwords differ. Type the same password twice.")
        return render(request, who, "password.html", status_code=400, error=error)
    try:
        password_hash = hash_new_password(new, caller.principal)
    except WeakPassword:
        error = N_("The new password is too weak: use at least 10 characters, not your login name.")
        return render(request, who, "password.html", status_code=400, error=error)
    app.execute(
        c.ChangePassword(principal=caller.principal, password_hash=password_hash),
        caller.context(None),
    )
    # A new password ends every session, this one too: open a fresh one here.
    principal = app.find(Principal, check.principal.id)
    assert principal is not None
    return open_session(request, who, principal, "/")
