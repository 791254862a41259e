"""Handlers of principals: who may sign in, with which role and scope, and their tokens."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.errors import (
    AlreadyExists,
    InvalidState,
    InvalidValue,
    NotAuthorised,
    NotFound,
)
from domain.handlers.common import (
    SETUP_ROLES,
    Outcome,
    Records,
    created,
    load_agency,
    load_principal,
    load_servant,
    require_absent,
)
from domain.principal import Principal, principal_id
from domain.scope import (
    require_role,
)

SERVANT_ROLES = (Role.CIVIL_SERVANT.value, Role.MANAGER.value)


def _check_grant(
    records: Records, ctx: CommandContext, role: str, agency: str | None, servant: str | None
) -> None:
    """A grant names exactly the scope its role needs, and HR grants only its own staff."""
    if role in SERVANT_ROLES:
        if servant is None or agency is not None:
            raise InvalidValue(f"a {role} is bound to their personnel record ('servant') only")
        load_servant(records, ctx, servant)
    elif role in (Role.HR.value,):
        if agency is None or servant is not None:
            raise InvalidValue("an HR office is bound to one 'agency'")
        load_agency(records, ctx, agency)
    elif servant is not None:
        raise InvalidValue(f"a {role} is not bound to a personnel record")
    elif agency is not None:
        load_agency(records, ctx, agency)
    if ctx.actor.role is Role.HR and role not in SERVANT_ROLES:
        raise NotAuthorised("an HR office grants only the civil servant and manager roles")


def register_principal(
    records: Records, cmd: c.RegisterPrincipal, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, SETUP_ROLES, "register principals")
    _check_grant(records, ctx, cmd.role, cmd.agency, cmd.servant)
    require_absent(records, Principal, principal_id(cmd.principal), f"principal {cmd.principal}")
    principal = Principal.start(
        Principal.Registered,
        principal_id(cmd.principal),
        ctx,
        at,
        name=cmd.principal,
        display_name=cmd.display_name,
        role=cmd.role,
        agency=cmd.agency,
        servant=cmd.servant,
    )
    return created(principal)


def grant_role(records: Records, cmd: c.GrantRole, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, SETUP_ROLES, "grant roles")
    principal = load_principal(records, cmd.principal)
    if ctx.actor.role is Role.HR:
        if principal.grant.role not in SERVANT_ROLES:
            raise NotAuthorised("an HR office changes only civil servants' and managers' roles")
        if principal.grant.servant is not None:  # the principal must be its own staff now
            load_servant(records, ctx, principal.grant.servant)
    _check_grant(records, ctx, cmd.role, cmd.agency, cmd.servant)
    principal.record(
        Principal.RoleGranted, ctx, at, role=cmd.role, agency=cmd.agency, servant=cmd.servant
    )
    return Outcome([principal], {"id": str(principal.id)})


def issue_token(records: Records, cmd: c.IssueToken, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, (Role.ADMIN,), "issue tokens")
    principal = load_principal(records, cmd.principal)
    if principal.disabled:
        raise InvalidState(f"principal {cmd.principal} is disabled")
    if cmd.token_id in principal.tokens:
        raise AlreadyExists(f"token {cmd.token_id} already exists")
    principal.record(
        Principal.TokenIssued,
        ctx,
        at,
        token_id=cmd.token_id,
        secret_sha256=cmd.secret_sha256,
        label=cmd.label,
    )
    return Outcome([principal], {"id": str(principal.id), "token_id": cmd.token_id})


def revoke_token(
    records: Records, cmd: c.RevokeToken, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.ADMIN,), "revoke tokens")
    principal = load_principal(records, cmd.principal)
    if cmd.token_id not in principal.tokens:
        raise NotFound(f"principal {cmd.principal} has no token {cmd.token_id}")
    principal.record(Principal.TokenRevoked, ctx, at, token_id=cmd.token_id)
    return Outcome([principal], {"id": str(principal.id)})


def disable_principal(
    records: Records, cmd: c.DisablePrincipal, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.ADMIN,), "disable principals")
    principal = load_principal(records, cmd.principal)
    if principal.disabled:
        raise InvalidState(f"principal {cmd.principal} is already disabled")
    principal.record(Principal.Disabled, ctx, at, reason=cmd.reason)
    return Outcome([principal], {"id": str(principal.id)})
