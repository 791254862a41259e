"""Bearer tokens, browser sessions, and what each principal may do and read.

A token reads ``mb.<principal id>.<token id>.<secret>``; a session cookie
``mbs.<principal id>.<session id>.<secret>``. Only the SHA-256 of a secret is
stored (as an event on the principal); either is checked by loading its
principal and comparing hashes in constant time. Both resolve to the same
``Caller``, hence the same scopes: systems use tokens, people sign in.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal
from uuid import UUID

from api.fresh import find_fresh
from domain.actors import Actor, CommandContext, Role
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.errors import DomainError, NotAuthorised
from domain.passwords import verify_password
from domain.principal import Principal, principal_id
from domain.servant import CivilServant, servant_id
from domain.values import LeadershipRole

PREFIX = "mb"
SESSION_PREFIX = "mbs"
# Records refused sign-ins: nobody is signed in yet to record them as.
SIGN_IN_SERVICE = Actor("sign-in", Role.ADMIN)

TOKEN_DAYS = "MINHBACH_TOKEN_DAYS"
DEFAULT_TOKEN_DAYS = 90


class TokenConfigError(ValueError):
    """The token lifetime setting cannot be used."""


def token_lifetime(environ: Mapping[str, str] | None = None) -> timedelta:
    """How long a token is valid after it was issued: ``MINHBACH_TOKEN_DAYS``
    (a positive number of days, fractions allowed), 90 days by default."""
    raw = (os.environ if environ is None else environ).get(TOKEN_DAYS, "").strip()
    if not raw:
        return timedelta(days=DEFAULT_TOKEN_DAYS)
    try:
        days = float(raw)
    except ValueError:
        days = -1.0
    if not 0 < days <= 3660:
        raise TokenConfigError(f"{TOKEN_DAYS}={raw!r}: give a number of days between 0 and 3660")
    return timedelta(days=days)


class Unauthenticated(DomainError):
    code = "unauthenticated"


@dataclass(frozen=True)
class NewToken:
    token: str  # shown once
    token_id: str
    secret_sha256: str


def new_token(principal_name: str) -> NewToken:
    token_id = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    token = f"{PREFIX}.{principal_id(principal_name).hex}.{token_id}.{secret}"
    return NewToken(token, token_id, digest)


@dataclass(frozen=True)
class Caller:
    """An authenticated principal, as the domain and the queries see them."""

    principal: str
    role: Role
    agency: str | None  # confined to one agency (HR, and optionally authority / reviewer)
    servant: str | None  # their personnel record (civil servant, manager)
    expires_at: datetime | None = None  # when the token presented stops being accepted

    @property
    def actor(self) -> Actor:
        actor_id = self.servant if self.servant else self.principal
        return Actor(actor_id, self.role, self.agency)

    def context(self, source_ref: str | None) -> CommandContext:
        return CommandContext(self.actor, source_ref)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def caller_of(principal: Principal) -> Caller:
    grant = principal.grant
    return Caller(principal.name, Role(grant.role), grant.agency, grant.servant)


def _principal_of(principal_hex: str, app: MinhBach) -> Principal | None:
    """The principal a token or cookie names, as the log stands now (``api.fresh``:
    replayed only when something was recorded on it since the last request)."""
    try:
        return find_fresh(app, Principal, UUID(hex=principal_hex))
    except ValueError:
        return None


def authenticate(
    app: MinhBach, authorization: str | None, lifetime: timedelta | None = None
) -> Caller:
    """The caller a bearer token stands for, on every request: the token must be
    known, not revoked, of an enabled principal, and younger than ``lifetime``
    (default: ``token_lifetime()``) by the application's clock."""
    if not authorization:
        raise Unauthenticated("a bearer token is required (Authorization: Bearer mb.…)")
    scheme, _, token = authorization.partition(" ")
    parts = token.strip().split(".")
    if scheme.lower() != "bearer" or len(parts) != 4 or parts[0] != PREFIX:
        raise Unauthenticated("malformed bearer token")
    _, principal_hex, token_id, secret = parts
    principal = _principal_of(principal_hex, app)
    expected = principal.tokens.get(token_id) if principal and not principal.disabled else None
    if principal is None or expected is None or not hmac.compare_digest(expected, _sha256(secret)):
        raise Unauthenticated("unknown, revoked or disabled token")
    expires_at = principal.token_issued_at[token_id] + (lifetime or token_lifetime())
    if app.clock() >= expires_at:
        raise Unauthenticated(
            f"token expired on {expires_at.isoformat(timespec='seconds')}: "
            "ask an admin for a new one",
            expired_at=expires_at.isoformat(),
        )
    grant = principal.grant
    return Caller(principal.name, Role(grant.role), grant.agency, grant.servant, expires_at)


def token_expiry(app: MinhBach, principal_name: str, token_id: str) -> datetime:
    """When a token issued to ``principal_name`` stops being accepted."""
    principal = app.find(Principal, principal_id(principal_name))
    if principal is None or token_id not in principal.token_issued_at:
        raise Unauthenticated(f"{principal_name} has no token {token_id}")
    return principal.token_issued_at[token_id] + token_lifetime()


# --- browser sessions ------------------------------------------------------------


@dataclass(frozen=True)
class NewSession:
    cookie: str  # goes to the browser only
    session_id: str
    secret_sha256: str


def new_session(principal_name: str) -> NewSession:
    session_id = secrets.token_hex(12)
    secret = secrets.token_urlsafe(32)
    cookie = f"{SESSION_PREFIX}.{principal_id(principal_name).hex}.{session_id}.{secret}"
    return NewSession(cookie, session_id, _sha256(secret))


@dataclass(frozen=True)
class SignedInSession:
    caller: Caller
    session_id: str
    secret: str  # the cookie's secret: the key of the session's CSRF tokens
    must_change_password: bool


def authenticate_session(app: MinhBach, cookie: str | None, now: datetime) -> SignedInSession:
    """The open, unexpired session a cookie names; Unauthenticated otherwise."""
    parts = (cookie or "").strip().split(".")
    if len(parts) != 4 or parts[0] != SESSION_PREFIX:
        raise Unauthenticated("not signed in")
    _, principal_hex, session_id, secret = parts
    principal = _principal_of(principal_hex, app)
    session = principal.open_session(session_id, now) if principal else None
    if (
        principal is None
        or session is None
        or not hmac.compare_digest(session.secret_sha256, _sha256(secret))
    ):
        raise Unauthenticated("the session has ended or expired: sign in again")
    caller = replace(caller_of(principal), expires_at=session.expires_at)
    return SignedInSession(caller, session_id, secret, principal.must_change_password)


Refusal = Literal["wrong_password", "locked", "disabled", "no_password"]


@dataclass(frozen=True)
class PasswordCheck:
    """The outcome of a password against a login: the principal when it matched,
    else why not (and the principal, when the login exists, to record it on)."""

    principal: Principal | None
    refused: Refusal | Literal["unknown_login"] | None


def check_password(app: MinhBach, login: str, password: str, now: datetime) -> PasswordCheck:
    """Checks in constant work whether the login exists or not (a hash is always
    verified), and refuses a locked or disabled login without looking further."""
    principal = app.find(Principal, principal_id(login)) if login.strip() else None
    if principal is None:
        verify_password(None, password)
        return PasswordCheck(None, "unknown_login")
    locked_until = principal.locked_until()
    if locked_until is not None and now < locked_until:
        return PasswordCheck(principal, "locked")
    if principal.disabled:
        return PasswordCheck(principal, "disabled")
    if principal.password_hash is None:
        verify_password(None, password)
        return PasswordCheck(principal, "no_password")
    if not verify_password(principal.password_hash, password):
        return PasswordCheck(principal, "wrong_password")
    return PasswordCheck(principal, None)


@dataclass(frozen=True)
class ReadScope:
    """What a caller may read: everything, one agency, one unit, or one servant."""

    agency: str | None = None
    unit: str | None = None  # within the agency; their own records too (own_servant)
    servant: str | None = None  # only this servant's records
    everything: bool = False
    own_servant: str | None = None
    cases: frozenset[str] | None = None  # an appeals reviewer: the servants appealing to them

    def allows(self, agency: str, unit: str | None = None, servant: str | None = None) -> bool:
        if self.everything:
            return True
        if self.cases is not None:
            return servant in self.cases
        if self.servant is not None:
            return servant == self.servant
        if self.agency != agency:
            return False
        return self.unit is None or unit == self.unit or servant == self.own_servant


def read_scope(app: MinhBach, caller: Caller, today: date, cases: Iterable[str] = ()) -> ReadScope:
    """Civil servants read their own records; managers their unit (the agency's head,
    the whole agency); HR its agency; inspectors, authorities and admins everything;
    an appeals reviewer the records of the servants whose appeals they review."""
    if caller.role in (Role.INSPECTOR, Role.ADMIN) or (
        caller.role is Role.AUTHORITY and caller.agency is None
    ):
        return ReadScope(everything=True)
    if caller.role is Role.APPEALS_REVIEWER:
        return ReadScope(agency=caller.agency, cases=frozenset(cases))
    if caller.role is Role.CIVIL_SERVANT:
        return ReadScope(servant=caller.servant)
    if caller.role is Role.MANAGER and caller.servant:
        servant = find_fresh(app, CivilServant, servant_id(caller.servant))
        if servant is None:
            raise NotAuthorised(f"manager record {caller.servant} not found")
        placement = servant.placement_on(today)
        if placement.leadership is LeadershipRole.STAFF:
            # A manager's token bound to a staff record leads nobody: own records only.
            return ReadScope(servant=caller.servant)
        agency = find_fresh(app, Agency, agency_id(placement.agency_code))
        board = agency is not None and placement.unit_code == agency.leadership_unit()
        whole_agency = board and placement.leadership is LeadershipRole.HEAD
        return ReadScope(
            agency=placement.agency_code,
            unit=None if whole_agency else placement.unit_code,
            own_servant=caller.servant,
        )
    return ReadScope(agency=caller.agency)
