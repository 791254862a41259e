"""Handlers of passwords and sign-ins: HR or an admin sets a first password, the
person changes it; sign-ins, refused sign-ins and sign-outs are recorded on the
principal (who, when, from where). The service checks a password against its
hash before it records a sign-in; these handlers check who may record what."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.errors import AlreadyExists, InvalidState, NotAuthorised, NotFound
from domain.handlers.common import SETUP_ROLES, Outcome, Records, load_principal, load_servant
from domain.handlers.principals import SERVANT_ROLES
from domain.principal import SESSION_LIFETIME, Principal
from domain.scope import require_role


def _require_self(principal: Principal, ctx: CommandContext, what: str) -> None:
    """The principal themselves: their role, and their name or personnel record."""
    grant = principal.grant
    if ctx.actor.role.value != grant.role or ctx.actor.id not in (principal.name, grant.servant):
        raise NotAuthorised(f"only {principal.name} may {what}")


def _require_enabled(principal: Principal) -> None:
    if principal.disabled:
        raise InvalidState(f"principal {principal.name} is disabled")


def set_password(
    records: Records, cmd: c.SetPassword, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "set passwords")
    principal = load_principal(records, cmd.principal)
    _require_enabled(principal)
    if ctx.actor.role is Role.HR:
        if principal.grant.role not in SERVANT_ROLES or principal.grant.servant is None:
            raise NotAuthorised("an HR office sets the passwords of civil servants and managers")
        load_servant(records, ctx, principal.grant.servant)  # of its own agency
    principal.record(
        Principal.PasswordSet, ctx, at, password_hash=cmd.password_hash, must_change=True
    )
    return Outcome([principal], {"id": str(principal.id)})


def change_password(
    records: Records, cmd: c.ChangePassword, ctx: CommandContext, at: datetime
) -> Outcome:
    principal = load_principal(records, cmd.principal)
    _require_self(principal, ctx, "change their own password")
    _require_enabled(principal)
    principal.record(
        Principal.PasswordSet, ctx, at, password_hash=cmd.password_hash, must_change=False
    )
    return Outcome([principal], {"id": str(principal.id)})


def sign_in(records: Records, cmd: c.SignIn, ctx: CommandContext, at: datetime) -> Outcome:
    principal = load_principal(records, cmd.principal)
    _require_self(principal, ctx, "sign in as themselves")
    _require_enabled(principal)
    if cmd.session_id in principal.sessions:
        raise AlreadyExists(f"session {cmd.session_id} already exists")
    expires_at = at + SESSION_LIFETIME
    principal.record(
        Principal.SignedIn,
        ctx,
        at,
        session_id=cmd.session_id,
        secret_sha256=cmd.secret_sha256,
        expires_at=expires_at,
        address=cmd.address,
    )
    return Outcome(
        [principal],
        {
            "id": str(principal.id),
            "session_id": cmd.session_id,
            "expires_at": expires_at.isoformat(),
        },
    )


def record_failed_sign_in(
    records: Records, cmd: c.RecordFailedSignIn, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.ADMIN,), "record refused sign-ins")
    principal = load_principal(records, cmd.principal)
    principal.record(Principal.SignInFailed, ctx, at, address=cmd.address, reason=cmd.reason)
    locked = principal.locked_until()
    return Outcome(
        [principal],
        {"id": str(principal.id), "locked_until": locked.isoformat() if locked else ""},
    )


def sign_out(records: Records, cmd: c.SignOut, ctx: CommandContext, at: datetime) -> Outcome:
    principal = load_principal(records, cmd.principal)
    if ctx.actor.role is not Role.ADMIN:
        _require_self(principal, ctx, "end their own sessions")
    if cmd.session_id not in principal.sessions:
        raise NotFound(f"principal {cmd.principal} has no open session {cmd.session_id}")
    principal.record(Principal.SignedOut, ctx, at, session_id=cmd.session_id, address=cmd.address)
    return Outcome([principal], {"id": str(principal.id)})
