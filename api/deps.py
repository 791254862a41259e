"""Request-scoped dependencies: the service objects and the authenticated caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
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


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


def caller(
    request: Request,
    svc: ServicesDep,
    authorization: Annotated[str | None, Header(description="Bearer mb.…")] = None,
) -> Caller:
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
