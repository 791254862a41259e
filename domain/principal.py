"""Principals: who may sign in, in which role and scope, and their tokens.

Grants are events like any other fact, so who granted whom what is auditable.
Only a SHA-256 hash of each token's secret is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id


def principal_id(name: str) -> UUID:
    return stable_id("principal", name)


@dataclass(frozen=True)
class Grant:
    role: str
    agency: str | None  # HR, authority, appeals reviewer: confined to one agency (None: all)
    servant: str | None  # civil servant and manager: their personnel record


class Principal(Audited):
    TOPIC = "minhbach.principal:Principal"

    class Registered(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.principal:Registered"
        name: str
        display_name: str
        role: str
        agency: str | None
        servant: str | None

        def apply(self, principal: Principal) -> None:
            principal.name = self.name
            principal.display_name = self.display_name
            principal.grant = Grant(self.role, self.agency, self.servant)

    class RoleGranted(Audited.Event):
        """A new role and scope, replacing the previous grant."""

        TOPIC = "minhbach.principal:RoleGranted"
        role: str
        agency: str | None
        servant: str | None

        def apply(self, principal: Principal) -> None:
            principal.grant = Grant(self.role, self.agency, self.servant)

    class TokenIssued(Audited.Event):
        TOPIC = "minhbach.principal:TokenIssued"
        token_id: str
        secret_sha256: str
        label: str

        def apply(self, principal: Principal) -> None:
            principal.tokens[self.token_id] = self.secret_sha256
            principal.token_issued_at[self.token_id] = self.timestamp

    class TokenRevoked(Audited.Event):
        TOPIC = "minhbach.principal:TokenRevoked"
        token_id: str

        def apply(self, principal: Principal) -> None:
            principal.tokens.pop(self.token_id, None)
            principal.token_issued_at.pop(self.token_id, None)

    class Disabled(Audited.Event):
        TOPIC = "minhbach.principal:Disabled"
        reason: str

        def apply(self, principal: Principal) -> None:
            principal.disabled = True
            principal.tokens.clear()
            principal.token_issued_at.clear()

    def __init__(self) -> None:
        self.name = ""
        self.display_name = ""
        self.grant = Grant("", None, None)
        self.tokens: dict[str, str] = {}
        self.token_issued_at: dict[str, datetime] = {}  # when each was issued (expiry)
        self.disabled = False


ADMIN_ROLE = "admin"


def admin_roster_id() -> UUID:
    return stable_id("admin-roster")


class AdminRoster(Audited):
    """The active admins, one record for all: every change of who is an admin saves
    it too, so two changes at once conflict instead of both removing "the other"
    last admin."""

    TOPIC = "minhbach.principal:AdminRoster"

    class Opened(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.principal:AdminRosterOpened"
        admins: tuple[str, ...]  # as the log stood when the roster was first needed

        def apply(self, roster: AdminRoster) -> None:
            roster.admins = set(self.admins)

    class Joined(Audited.Event):
        TOPIC = "minhbach.principal:AdminJoined"
        principal: str

        def apply(self, roster: AdminRoster) -> None:
            roster.admins.add(self.principal)

    class Left(Audited.Event):
        TOPIC = "minhbach.principal:AdminLeft"
        principal: str

        def apply(self, roster: AdminRoster) -> None:
            roster.admins.discard(self.principal)

    def __init__(self) -> None:
        self.admins: set[str] = set()
