"""Commands of petitions against a notified classification (Art. 22)."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from domain.commands.base import Command, Year
from domain.text import Code, Reason


class FileAppeal(Command):
    """A civil servant's petition against their notified classification (Art. 22)."""

    name = "file_appeal"
    appeal_no: Code
    servant: Code
    year: Year
    grounds: Reason


class AssignAppealReviewer(Command):
    name = "assign_appeal_reviewer"
    appeal_no: Code
    reviewer: Code = Field(description="The appeals reviewer principal")
    agency: Code | None = Field(
        None, description="The agency it is numbered in (default: the actor's own)"
    )


class ResolveAppeal(Command):
    """Upheld (nothing corrected), or amended (after corrective events naming it)."""

    name = "resolve_appeal"
    appeal_no: Code
    outcome: Literal["upheld", "amended"]
    reason: Reason
    agency: Code | None = Field(
        None, description="The agency it is numbered in (default: the actor's own)"
    )
