"""Handlers of principals: who may sign in, with which role and scope, and their tokens."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.base import Audited
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
from domain.principal import ADMIN_ROLE, AdminRoster, Principal, admin_roster_id, principal_id
from domain.scope import (
    require_role,
)

SERVANT_ROLES = (Role.CIVIL_SERVANT.value, Role.MANAGER.value)


def _roster(records: Records, ctx: CommandContext, at: datetime) -> AdminRoster:
    """The active admins; opened from the principals in the log the first time."""
    found = records.find(AdminRoster, admin_roster_id())
    if found is not None:
        return found
    admins = []
    for aggregate_id in records.principal_ids():
        principal = records.find(Principal, aggregate_id)
        if principal and not principal.disabled and principal.grant.role == ADMIN_ROLE:
            admins.append(principal.name)
    return AdminRoster.start(
        AdminRoster.Opened, admin_roster_id(), ctx, at, admins=tuple(sorted(admins))
    )


def _admin_leaves(records: Records, ctx: CommandContext, at: datetime, name: str) -> AdminRoster:
    roster = _roster(records, ctx, at)
    if roster.admins <= {name}:
        raise InvalidState(
            f"{name} is the last active admin: make another principal admin first",
            principal=name,
        )
    roster.record(AdminRoster.Left, ctx, at, principal=name)
    return roster


def _admin_joins(records: Records, ctx: CommandContext, at: datetime, name: str) -> AdminRoster:
    roster = _roster(records, ctx, at)
    roster.record(AdminRoster.Joined, ctx, at, principal=name)
    return roster


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
    if cmd.role != ADMIN_ROLE:
        return created(principal)
    return Outcome(
        [principal, _admin_joins(records, ctx, at, cmd.principal)], {"id": str(principal.id)}
    )


def grant_role(records: Records, cmd: c.GrantRole, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, SETUP_ROLES, "grant roles")
    principal = load_principal(records, cmd.principal)
    if ctx.actor.role is Role.HR:
        if principal.grant.role not in SERVANT_ROLES:
            raise NotAuthorised("an HR office changes only civil servants' and managers' roles")
        if principal.grant.servant is not None:  # the principal must be its own staff now
            load_servant(records, ctx, principal.grant.servant)
    _check_grant(records, ctx, cmd.role, cmd.agency, cmd.servant)
    was_admin = principal.grant.role == ADMIN_ROLE and not principal.disabled
    roster: list[Audited] = []
    if was_admin and cmd.role != ADMIN_ROLE:
        roster.append(_admin_leaves(records, ctx, at, principal.name))
    elif not was_admin and cmd.role == ADMIN_ROLE and not principal.disabled:
        roster.append(_admin_joins(records, ctx, at, principal.name))
    principal.record(
        Principal.RoleGranted, ctx, at, role=cmd.role, agency=cmd.agency, servant=cmd.servant
    )
    return Outcome([principal, *roster], {"id": str(principal.id)})


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
    roster: list[Audited] = []
    if principal.grant.role == ADMIN_ROLE:
        roster.append(_admin_leaves(records, ctx, at, principal.name))
    principal.record(Principal.Disabled, ctx, at, reason=cmd.reason)
    return Outcome([principal, *roster], {"id": str(principal.id)})
