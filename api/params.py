"""Path and query parameters that carry codes, read under the commands' own rule
(``domain.text``): a code the store could never hold is refused with a 422 at the
edge, whichever route it comes through."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from domain.text import Code

CodePath = Annotated[Code, Path()]
CodeQuery = Annotated[Code, Query()]
OptionalCodeQuery = Annotated[Code | None, Query()]
