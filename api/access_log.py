"""Structured JSON logs: one access line per request with its id, principal and
outcome — 5xx answers included — and error lines with their traceback."""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import FastAPI, Request, Response

from api import errors

logger = logging.getLogger("minhbach.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = getattr(record, "entry", None)
        if isinstance(entry, dict):
            return json.dumps(entry, ensure_ascii=False)
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("minhbach")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def install(api: FastAPI) -> None:
    @api.middleware("http")
    async def access_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = request_id
        request.state.principal = None
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception as error:  # no handler took it: answer (and log) it here, with
            # the app's handler of last resort (the web pages put an HTML page in front)
            last_resort = request.app.exception_handlers.get(Exception)
            if last_resort is None:
                response = errors.failure_response(request, error)
            else:
                response = await last_resort(request, error)
        response.headers["X-Request-ID"] = request_id
        status = response.status_code
        logger.info(
            "request",
            extra={
                "entry": {
                    "time": datetime.now(UTC).isoformat(),
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.url.path,
                    "status": status,
                    "outcome": "ok" if status < 400 else "rejected" if status < 500 else "error",
                    "principal": request.state.principal,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                }
            },
        )
        return response
