"""Principals: who may sign in, in which role and scope, their tokens, their
password and their sign-ins.

Grants are events like any other fact, so who granted whom what is auditable;
so is every sign-in, failed sign-in and sign-out (who, when, from where).
Only hashes are stored: SHA-256 of each token's and session's secret, an
Argon2 hash of the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id

# A browser session lasts a working day; after this many failed sign-ins in a row
# the login is locked for a while, so a password cannot be guessed at speed.
SESSION_LIFETIME = timedelta(hours=8)
MAX_FAILED_SIGN_INS = 5
LOCK_DURATION = timedelta(minutes=15)


def principal_id(name: str) -> UUID:
    return stable_id("principal", name)


@dataclass(frozen=True)
class Session:
    secret_sha256: str
    expires_at: datetime


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
            principal.sessions.clear()

    class PasswordSet(Audited.Event):
        """A new password (its Argon2 hash): set by HR or an admin, who then expect the
        person to change it, or changed by the person. Every open session ends."""

        TOPIC = "minhbach.principal:PasswordSet"
        password_hash: str
        must_change: bool

        def apply(self, principal: Principal) -> None:
            principal.password_hash = self.password_hash
            principal.must_change_password = self.must_change
            principal.sessions.clear()
            principal.failed_sign_ins = 0

    class SignedIn(Audited.Event):
        TOPIC = "minhbach.principal:SignedIn"
        session_id: str
        secret_sha256: str
        expires_at: datetime
        address: str

        def apply(self, principal: Principal) -> None:
            principal.sessions = {
                sid: s for sid, s in principal.sessions.items() if s.expires_at > self.timestamp
            }
            principal.sessions[self.session_id] = Session(self.secret_sha256, self.expires_at)
            principal.failed_sign_ins = 0

    class SignInFailed(Audited.Event):
        """A refused sign-in: wrong password, locked, disabled, or no password set."""

        TOPIC = "minhbach.principal:SignInFailed"
        address: str
        reason: str

        def apply(self, principal: Principal) -> None:
            if self.reason == "wrong_password":
                principal.failed_sign_ins += 1
                principal.last_failed_at = self.timestamp

    class SignedOut(Audited.Event):
        TOPIC = "minhbach.principal:SignedOut"
        session_id: str
        address: str

        def apply(self, principal: Principal) -> None:
            principal.sessions.pop(self.session_id, None)

    def __init__(self) -> None:
        self.name = ""
        self.display_name = ""
        self.grant = Grant("", None, None)
        self.tokens: dict[str, str] = {}
        self.token_issued_at: dict[str, datetime] = {}  # when each was issued (expiry)
        self.disabled = False
        self.password_hash: str | None = None
        self.must_change_password = False
        self.sessions: dict[str, Session] = {}
        self.failed_sign_ins = 0  # in a row, since the last sign-in or new password
        self.last_failed_at: datetime | None = None

    def locked_until(self) -> datetime | None:
        """When a run of failed sign-ins locks the login, until when (attempts made
        while locked are recorded but do not extend it)."""
        if self.failed_sign_ins < MAX_FAILED_SIGN_INS or self.last_failed_at is None:
            return None
        return self.last_failed_at + LOCK_DURATION

    def open_session(self, session_id: str, now: datetime) -> Session | None:
        session = self.sessions.get(session_id)
        if self.disabled or session is None or session.expires_at <= now:
            return None
        return session


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
