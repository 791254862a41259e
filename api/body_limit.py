"""Request bodies are limited (``MINHBACH_MAX_BODY_BYTES``, default 1 MiB): a
declared ``Content-Length`` over the limit is refused before anything is read,
and a body streamed without one is cut off as soon as it passes the limit —
both with the usual JSON error, 413 ``payload_too_large``. A few paths that take
a document upload (a result's attachment) are allowed a larger body, named by
whoever installs the limit.

(The framework's own limit answers in plain text when the length is declared;
every other error of this API is JSON.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SETTING = "MINHBACH_MAX_BODY_BYTES"
DEFAULT_BYTES = 1_048_576  # a command is a few hundred bytes


def limit_from_environment() -> int:
    return int(os.environ.get(SETTING) or DEFAULT_BYTES)


class TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the limit of {limit} bytes")


class BodyLimit:
    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # path pattern → its own limit (never below the general one)
        self.larger = [(re.compile(p), max(n, max_bytes)) for p, n in (larger or {}).items()]

    def limit_for(self, path: str) -> int:
        return next((n for p, n in self.larger if p.fullmatch(path)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:

            async def nothing() -> Message:  # the body is never read
                raise TooLarge(limit)

            await self.app(scope, nothing, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        await self.app(scope, counted, send)


def install(
    api: FastAPI, max_bytes: int | None = None, larger: Mapping[str, int] | None = None
) -> None:
    api.add_middleware(
        BodyLimit, max_bytes=max_bytes or limit_from_environment(), larger=larger or {}
    )
