"""Who is looking at a page: the signed-in principal (the same ``Caller`` and
read scope as a bearer token's), the language, and the secrets for the forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request, Response

from api.auth import Caller, ReadScope, SignedInSession, Unauthenticated, authenticate_session
from api.deps import Services, ServicesDep, scope_of
from web import security
from web.i18n import LANG_COOKIE, chosen_locale


class SignInRequired(Exception):
    """No open session: the page sends the browser to the sign-in form."""


class PasswordChangeRequired(Exception):
    """The password was set by someone else: the person changes it first."""


class CsrfRefused(Exception):
    """A form post without a valid CSRF token."""


@dataclass
class Viewer:
    svc: Services
    locale: str
    session: SignedInSession | None
    csrf_secret: str
    new_presession: bool = False
    _scope: ReadScope | None = field(default=None, repr=False)

    @property
    def caller(self) -> Caller:
        if self.session is None:
            raise SignInRequired
        return self.session.caller

    @property
    def signed_in(self) -> bool:
        return self.session is not None

    @property
    def scope(self) -> ReadScope:
        if self._scope is None:
            self._scope = scope_of(self.svc, self.caller)
        return self._scope

    @property
    def csrf_token(self) -> str:
        return security.csrf_token(self.csrf_secret)

    def form_key(self) -> str:
        """A fresh idempotency key for one rendered form."""
        return security.new_form_key()

    def idempotency_key(self, form_key: str) -> str:
        """The key a form's command is executed with: per principal, like the API's."""
        return f"{self.caller.principal}:web:{form_key}"

    def finish(self, request: Request, response: Response) -> None:
        if self.new_presession and self.session is None:
            security.set_presession_cookie(request, response, self.csrf_secret)


def viewer_of(request: Request, svc: Services) -> Viewer:
    locale = chosen_locale(request.cookies.get(LANG_COOKIE))
    try:
        session = authenticate_session(
            svc.app, request.cookies.get(security.SESSION_COOKIE), svc.app.clock()
        )
    except Unauthenticated:
        session = None
    if session is not None:
        request.state.principal = session.caller.principal
        return Viewer(svc, locale, session, session.secret)
    secret, new = security.presession_secret(request)
    return Viewer(svc, locale, None, secret, new_presession=new)


def viewer(request: Request, svc: ServicesDep) -> Viewer:
    found: Viewer | None = getattr(request.state, "viewer", None)
    if found is None:
        found = viewer_of(request, svc)
        request.state.viewer = found
    return found


ViewerDep = Annotated[Viewer, Depends(viewer)]

PASSWORD_PATHS = ("/password", "/signout")


def signed_in(request: Request, who: ViewerDep) -> Viewer:
    """A page for signed-in people only; one whose password was set by someone
    else changes it before anything else."""
    if who.session is None:
        raise SignInRequired
    if who.session.must_change_password and request.url.path not in PASSWORD_PATHS:
        raise PasswordChangeRequired
    return who


SignedInDep = Annotated[Viewer, Depends(signed_in)]


async def csrf_protected(request: Request, who: ViewerDep) -> None:
    """Every unsafe request to the web pages carries the form's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()
    if not security.csrf_valid(who.csrf_secret, form.get(security.CSRF_FIELD)):
        raise CsrfRefused
