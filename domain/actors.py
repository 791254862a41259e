"""Who performs a command, and in which role (domain brief §3, API roles)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CIVIL_SERVANT = "civil_servant"
    MANAGER = "manager"  # head or deputy of a unit, or head of an agency
    HR = "hr"  # the agency's personnel office
    AUTHORITY = "authority"  # the competent authority that decides levels and discipline
    INSPECTOR = "inspector"
    APPEALS_REVIEWER = "appeals_reviewer"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    """The person (or system principal) a command is recorded against.

    For civil servants and managers ``id`` is their personnel code, so that
    the application can check their unit and leadership role.
    """

    id: str
    role: Role
    agency: str | None = None  # the one agency an HR office or agency principal may act in

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValueError("actor id must not be empty")


@dataclass(frozen=True)
class CommandContext:
    """What every recorded event carries besides its own facts."""

    actor: Actor
    source_ref: str | None = None  # the document (number, or content hash) behind the fact
