"""Request-scoped dependencies: the service objects and the authenticated caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select

from api.as_of import Replays
from api.auth import Caller, ReadScope, authenticate, read_scope
from api.live import LiveViews
from domain.actors import Role
from domain.application import MinhBach
from projections.tables import appeals


@dataclass
class Services:
    app: MinhBach
    views: LiveViews
    replays: Replays


async def services(request: Request) -> Services:
    """Asynchronous (it does no I/O): no hand-off to a worker thread per request."""
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


# Declared in the OpenAPI document (the docs' "Authorize" button); checked by
# ``authenticate`` so that a missing or bad token is the API's own 401.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="mb.<principal>.<token id>.<secret>",
    description="A token issued by an admin: `Authorization: Bearer mb.…`",
)


def caller(
    request: Request,
    svc: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
) -> Caller:
    header = request.headers.get("authorization") if credentials is None else None
    authorization = f"Bearer {credentials.credentials}" if credentials else header
    who = authenticate(svc.app, authorization)
    request.state.principal = who.principal
    return who


CallerDep = Annotated[Caller, Depends(caller)]


def scope_of(svc: Services, who: Caller) -> ReadScope:
    """What ``who`` may read today (the API's and the web pages' one rule)."""
    cases: list[str] = []
    if who.role is Role.APPEALS_REVIEWER:
        svc.views.catch_up()  # an appeal assigned a moment ago is theirs already
        with svc.views.engine.connect() as conn:
            cases = [
                str(code)
                for code in conn.execute(
                    select(appeals.c.servant_code).where(appeals.c.reviewer == who.principal)
                ).scalars()
            ]
    return read_scope(svc.app, who, svc.app.clock().date(), cases)


def scope(svc: ServicesDep, who: CallerDep) -> ReadScope:
    return scope_of(svc, who)


ScopeDep = Annotated[ReadScope, Depends(scope)]
