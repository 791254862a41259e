"""People's sign-ins: HR (for its agency's staff) or an admin sets a first or a
new password; the person must change it at their next sign-in. Who may set
whose password is the domain's rule (``SetPassword``), not this page's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from domain import commands as c
from domain.passwords import WeakPassword, hash_new_password
from web.deps import SignedInDep
from web.i18n import N_
from web.templating import render

router = APIRouter()
Secret = Annotated[str, Form(max_length=256)]


@router.get("/people/password", response_class=HTMLResponse)
def set_password_page(request: Request, who: SignedInDep) -> HTMLResponse:
    return render(request, who, "set_password.html", error=None, done=None, login="")


@router.post("/people/password", response_class=HTMLResponse)
def set_password(
    request: Request,
    who: SignedInDep,
    login: Annotated[str, Form(min_length=1, max_length=64)],
    new: Secret,
    repeat: Secret,
    form_key: Annotated[str, Form(pattern=r"^[0-9a-f]{32}$")],
) -> Response:
    def again(error: str) -> HTMLResponse:
        return render(
            request, who, "set_password.html", status_code=400, error=error, done=None, login=login
        )

    if new != repeat:
        return again(N_("The two new passwords differ. Type the same password twice."))
    try:
        # Salted by the form's own key: a double submit is the same command, recorded once.
        password_hash = hash_new_password(new, login, salt=bytes.fromhex(form_key))
    except WeakPassword:
        return again(
            N_("The new password is too weak: use at least 10 characters, not your login name.")
        )
    command = c.SetPassword(principal=login, password_hash=password_hash)
    who.svc.app.execute(command, who.caller.context(None), who.idempotency_key(form_key))
    return render(request, who, "set_password.html", error=None, done=command.principal, login="")
