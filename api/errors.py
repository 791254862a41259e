"""Every error a client can cause becomes JSON ``{code, message, details}`` with
a 4xx status. A database that is busy (a lock held past the timeout) or out of
reach, and views halted on an event they cannot project, answer 503 with
``Retry-After``; anything else is a 500 that says so without leaking
internals. Every 5xx is logged with its traceback and the request's id."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import psycopg
from eventsourcing import persistence
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import exc as sql
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    DomainError,
    InvalidState,
    NotAuthorised,
    NotFound,
)
from projections.follower import ViewsHalted

log = logging.getLogger("minhbach.errors")

RETRY_AFTER_SECONDS = 2  # a lock or a lost connection is usually gone by then
HALTED_RETRY_AFTER_SECONDS = 300  # halted views wait for a fixed version
# What a busy or unreachable database raises, through each layer that may wrap it.
UNAVAILABLE: tuple[type[Exception], ...] = (
    persistence.OperationalError,
    persistence.InterfaceError,
    sql.OperationalError,
    sql.InterfaceError,
    sqlite3.OperationalError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)

STATUS_BY_CODE = {
    "unauthenticated": 401,
    "not_authorised": 403,
    "outside_unit": 403,
    "outside_agency": 403,
    "not_found": 404,
    "already_exists": 409,
    "concurrency_conflict": 409,
    "idempotency_key_reused": 409,
    "invalid_state": 409,
    "no_result_to_assess": 409,
}


class ErrorBody(BaseModel):
    code: str = Field(examples=["outside_unit"])
    message: str = Field(examples=["TP2 may not evaluate CV1: not under their authority"])
    details: dict[str, Any] = Field(default_factory=dict)


def status_for(error: DomainError) -> int:
    """By code, else by kind: a new rule inherits the status of the error it refines."""
    if error.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[error.code]
    if isinstance(error, NotAuthorised):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, AlreadyExists | ConcurrencyConflict | InvalidState):
        return 409
    return 422


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    retry_after: int | None = None,
) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    body = ErrorBody(code=code, message=message, details=details or {})
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def database_unavailable(error: BaseException) -> bool:
    """A lock timeout or a lost connection: worth retrying, not a bug."""
    if isinstance(error, UNAVAILABLE):
        return True
    return isinstance(error, sql.DBAPIError) and error.connection_invalidated


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def failure_response(request: Request, error: Exception) -> JSONResponse:
    """The answer to an error no handler expected: 503 if the database is busy
    or unreachable, else 500; logged with its traceback either way."""
    where = {"request_id": _request_id(request)}
    if database_unavailable(error):
        log.warning(
            "database unavailable on %s %s",
            request.method,
            request.url.path,
            exc_info=error,
            extra=where,
        )
        return error_response(
            503,
            "database_unavailable",
            "the database is busy or unreachable; retry shortly",
            retry_after=RETRY_AFTER_SECONDS,
        )
    log.error(
        "unexpected error on %s %s", request.method, request.url.path, exc_info=error, extra=where
    )
    return error_response(500, "internal_error", "an unexpected error occurred; it was logged")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def install(api: FastAPI) -> None:
    @api.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        return error_response(
            status_for(error), error.code, error.message, _jsonable(error.details)
        )

    @api.exception_handler(ValidationError)
    async def invalid_value(_: Request, error: ValidationError) -> JSONResponse:
        # Values that pass the route's own schema but not a command's (e.g. a path
        # parameter of blanks where a command needs a code).
        return await invalid_request(_, RequestValidationError(error.errors()))

    @api.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "field": ".".join(str(part) for part in problem.get("loc", ())),
                "message": str(problem.get("msg", "")),
                "type": str(problem.get("type", "")),
            }
            for problem in error.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
        return error_response(
            422, "invalid_request", summary or "invalid request", {"errors": problems}
        )

    @api.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        codes = {
            400: "malformed_request",
            401: "unauthenticated",
            403: "not_authorised",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }
        return error_response(
            error.status_code, codes.get(error.status_code, "http_error"), str(error.detail)
        )

    @api.exception_handler(ViewsHalted)
    async def views_halted(request: Request, error: ViewsHalted) -> JSONResponse:
        log.error("%s %s: %s", request.method, request.url.path, error)
        fault = error.fault
        return error_response(
            503,
            "views_halted",
            f"the views stopped before event {fault.position}, which they cannot project; "
            "the operators are alerted",
            {"position": fault.position, "topic": fault.topic},
            retry_after=HALTED_RETRY_AFTER_SECONDS,
        )

    for kind in (*UNAVAILABLE, sql.DBAPIError):

        @api.exception_handler(kind)
        async def database_error(request: Request, error: Exception) -> JSONResponse:
            return failure_response(request, error)

    @api.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return failure_response(request, error)
