"""Path and query parameters that carry codes, read under the commands' own rule
(``domain.text``): a code the store could never hold is refused with a 422 at the
edge, whichever route it comes through."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.exceptions import RequestValidationError

from domain.text import Code, clean_text

CodePath = Annotated[Code, Path()]
CodeQuery = Annotated[Code, Query()]
OptionalCodeQuery = Annotated[Code | None, Query()]


async def refuse_control_characters(request: Request) -> None:
    """Every path and query parameter of every route, whatever its declared type:
    no control, bidirectional or unpaired-surrogate characters (a route added
    later is covered too; codes are further held to their character set by
    ``CodePath`` and ``CodeQuery``). Asynchronous because it only reads the request:
    run on the event loop, not handed to a worker thread and back on every request."""
    problems = []
    parameters = [("path", k, v) for k, v in request.path_params.items()]
    parameters += [("query", k, v) for k, v in request.query_params.multi_items()]
    for where, name, value in parameters:
        if not isinstance(value, str):
            continue
        try:
            clean_text(value)
            if "\t" in value or "\n" in value:
                raise ValueError("control characters are not allowed in a parameter")
        except ValueError as error:
            problems.append(
                {"loc": (where, name), "msg": str(error), "type": "value_error", "input": value}
            )
    if problems:
        raise RequestValidationError(problems)
