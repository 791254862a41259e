"""The HTTP service: FastAPI application factory, principals and health."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from sqlalchemy import text

from api import access_log, body_limit, docs, errors
from api.analysis_routes import router as analysis_router
from api.as_of import Replays
from api.audit_routes import router as audit_router
from api.auth import TOKEN_DAYS, new_token, token_expiry, token_lifetime
from api.command_routes import CommandResponse, command_router
from api.deps import CallerDep, Services, ServicesDep
from api.form_routes import router as form_router
from api.live import LiveViews
from api.organisation_routes import router as organisation_router
from api.params import CodePath, refuse_control_characters
from api.personnel_routes import router as personnel_router
from api.policy_routes import router as policy_router
from api.query_routes import router as query_router
from api.reconciliation_routes import router as reconciliation_router
from api.upload_routes import router as upload_router
from domain.application import MinhBach
from domain.commands import IssueToken, RevokeToken, SetPassword
from domain.passwords import hash_new_password
from projections.follower import brief
from web import app as web

API_PREFIX = "/api/v1"
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": errors.ErrorBody, "description": description}
    for status, description in (
        (400, "Malformed request: the body could not be read"),
        (401, "No valid bearer token"),
        (403, "Outside the caller's role or scope"),
        (404, "Not found"),
        (409, "Conflict: duplicate, concurrent change, or a state that forbids it"),
        (413, "Request body over the limit (1 MiB unless configured)"),
        (422, "Invalid input, with field-level messages"),
        (503, "Database busy or unreachable, or views halted: retry after Retry-After"),
    )
}

# The principal in the path, read as the commands read a code.
PrincipalName = CodePath


class Me(BaseModel):
    principal: str
    role: str
    agency: str | None
    servant: str | None
    token_expires_at: datetime | None = Field(description="When this token stops being accepted")


class IssuedToken(BaseModel):
    token: str = Field(description="Shown once: only its hash is stored")
    token_id: str
    expires_at: datetime = Field(description=f"Valid until then ({TOKEN_DAYS}, default 90 days)")
    position: int | None


class TokenRequest(BaseModel):
    label: str = Field("", max_length=200)


class Health(BaseModel):
    status: str = Field(examples=["ok"], description="ok, unhealthy or unavailable")
    database: str
    projection: dict[str, int]
    ledger: dict[str, int] = Field(default_factory=dict)
    follower: str = Field(
        "", examples=["following"], description="following, failing, halted or lagging"
    )
    reasons: list[str] = Field(default_factory=list, description="Why it is not ok")


principals = APIRouter(tags=["principals"])


@principals.get("/me", response_model=Me)
async def me(who: CallerDep) -> Me:
    """Who the token belongs to, in which role and scope (on the event loop: it only
    copies the caller the token check found)."""
    return Me(
        principal=who.principal,
        role=who.role.value,
        agency=who.agency,
        servant=who.servant,
        token_expires_at=who.expires_at,
    )


@principals.post("/principals/{name}/tokens", response_model=IssuedToken)
def issue_token(
    name: PrincipalName, body: TokenRequest, svc: ServicesDep, who: CallerDep
) -> IssuedToken:
    """Issue a bearer token for a principal (admins). The token is shown once."""
    token = new_token(name)
    result = svc.app.execute(
        IssueToken(
            principal=name,
            token_id=token.token_id,
            secret_sha256=token.secret_sha256,
            label=body.label,
        ),
        who.context(None),
    )
    return IssuedToken(
        token=token.token,
        token_id=token.token_id,
        expires_at=token_expiry(svc.app, name, token.token_id),
        position=result.position,
    )


@principals.delete("/principals/{name}/tokens/{token_id}", response_model=CommandResponse)
def revoke_token(
    name: PrincipalName,
    token_id: Annotated[str, Path(pattern=r"^[0-9a-f]{8,32}$")],
    svc: ServicesDep,
    who: CallerDep,
) -> CommandResponse:
    """Revoke one token (admins)."""
    result = svc.app.execute(RevokeToken(principal=name, token_id=token_id), who.context(None))
    return CommandResponse(
        command=result.command, result=dict(result.result), replayed=False, position=result.position
    )


class PasswordRequest(BaseModel):
    password: str = Field(min_length=1, max_length=256, description="Hashed here; never stored")


@principals.put("/principals/{name}/password", response_model=CommandResponse)
def set_password(
    name: PrincipalName, body: PasswordRequest, svc: ServicesDep, who: CallerDep
) -> CommandResponse:
    """Set a principal's first or a new password (admins; HR for its agency's staff).
    The person is asked to change it at their next sign-in to the web pages."""
    password_hash = hash_new_password(body.password, name)
    result = svc.app.execute(
        SetPassword(principal=name, password_hash=password_hash), who.context(None)
    )
    return CommandResponse(
        command=result.command, result=dict(result.result), replayed=False, position=result.position
    )


health = APIRouter(tags=["service"])


@health.get("/health", response_model=Health, responses={503: {"model": Health}})
def health_check(svc: ServicesDep) -> Any:
    """Database reachable, the projection follower working and not falling behind,
    and no follower halted on an event it cannot project (503 otherwise, with reasons)."""
    try:
        with svc.views.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        status = svc.views.status()
        follower, recorded = svc.views.health(status.head)
    except Exception as error:  # the answer to "is it up?" must not itself fail
        follower = svc.views.follower.health(None)
        reasons = [f"database: {brief(error)}"]
        body = Health(
            status="unavailable",
            database=type(error).__name__,
            projection={},
            follower=follower.state,
            reasons=reasons + ([follower.reason] if follower.reason else []),
        )
        return JSONResponse(body.model_dump(), status_code=503)
    reasons = [follower.reason] if follower.reason else []
    reasons += [fault.describe() for fault in recorded if fault.describe() not in reasons]
    body = Health(
        status="ok" if not reasons else "unhealthy",
        database="ok",
        projection={"position": status.position, "head": status.head, "lag": status.lag},
        ledger={
            "position": svc.views.ledger.position,
            "lag": max(0, status.head - svc.views.ledger.position),
            "signing": int(svc.views.ledger.signer is not None),
        },
        follower=follower.state,
        reasons=reasons,
    )
    return JSONResponse(body.model_dump(), status_code=503) if reasons else body


def create_app(app: MinhBach, views: LiveViews | None = None, follow: bool = True) -> FastAPI:
    """The FastAPI application over one domain application and its live views."""
    token_lifetime()  # a setting that cannot be used stops the start, not every request
    owned = views is None
    views = views or LiveViews(app)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        with contextlib.suppress(Exception):  # noted by the follower, which retries
            views.catch_up()
        if follow:
            views.start()
        try:
            yield
        finally:
            views.stop()
            if owned:  # the service's own views: their database connections go with it
                views.engine.dispose()

    # The docs' scripts and styles are served from the package: no CDN, so /docs and
    # /redoc work on an office network without internet.
    api = FastAPIOffline(
        redoc_url=None,  # served by api.docs, with no vendor logo from a CDN
        favicon_url="/static/favicon.svg",
        title="Minh Bạch",
        version="1.0",
        summary="Civil-servant appraisal under Decree 335/2025 on an immutable event log",
        description=(
            "Every command records immutable events; the queries read projections derived "
            "from them. Authenticate with `Authorization: Bearer mb.…`. Errors are JSON "
            "`{code, message, details}`."
        ),
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
        dependencies=[Depends(refuse_control_characters)],
    )
    docs.install_redoc(api)
    api.state.services = Services(app, views, Replays(app))
    errors.install(api)
    body_limit.install(api, larger=web.LARGER_BODIES)
    access_log.install(api)  # outermost: it logs every answer, 413 and 5xx included
    api.include_router(health)
    api.include_router(principals, prefix=API_PREFIX)
    api.include_router(command_router(), prefix=API_PREFIX)
    api.include_router(query_router, prefix=API_PREFIX)
    api.include_router(organisation_router, prefix=API_PREFIX)
    api.include_router(analysis_router, prefix=API_PREFIX)
    api.include_router(reconciliation_router, prefix=API_PREFIX)
    api.include_router(upload_router, prefix=API_PREFIX)
    api.include_router(audit_router, prefix=API_PREFIX)
    api.include_router(personnel_router, prefix=API_PREFIX)
    api.include_router(policy_router, prefix=API_PREFIX)
    api.include_router(form_router, prefix=API_PREFIX)
    web.install(api)
    return api
