"""Bearer tokens and what each principal may do and read.

A token reads ``mb.<principal id>.<token id>.<secret>``. Only the SHA-256 of
the secret is stored (as an event on the principal); a token is checked by
loading its principal and comparing hashes in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.actors import Actor, CommandContext, Role
from domain.agency import Agency, agency_id
from domain.application import MinhBach
from domain.errors import DomainError, NotAuthorised
from domain.principal import Principal, principal_id
from domain.servant import CivilServant, servant_id
from domain.values import LeadershipRole

PREFIX = "mb"
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
    try:
        principal = app.find(Principal, UUID(hex=principal_hex))
    except ValueError:
        principal = None
    expected = principal.tokens.get(token_id) if principal and not principal.disabled else None
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if principal is None or expected is None or not hmac.compare_digest(expected, digest):
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
        servant = app.find(CivilServant, servant_id(caller.servant))
        if servant is None:
            raise NotAuthorised(f"manager record {caller.servant} not found")
        placement = servant.placement_on(today)
        if placement.leadership is LeadershipRole.STAFF:
            # A manager's token bound to a staff record leads nobody: own records only.
            return ReadScope(servant=caller.servant)
        agency = app.find(Agency, agency_id(placement.agency_code))
        board = agency is not None and placement.unit_code == agency.leadership_unit()
        whole_agency = board and placement.leadership is LeadershipRole.HEAD
        return ReadScope(
            agency=placement.agency_code,
            unit=None if whole_agency else placement.unit_code,
            own_servant=caller.servant,
        )
    return ReadScope(agency=caller.agency)
