"""Handlers of an agency's choice of policy: adopting a registered variant from a date."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.agency import Agency
from domain.errors import InvalidValue
from domain.handlers.common import Outcome, Records, load_agency
from domain.policy import policy_variant
from domain.scope import require_role, require_source


def adopt_policy_variant(
    records: Records, cmd: c.AdoptPolicyVariant, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.AUTHORITY,), "adopt a policy variant")
    require_source(ctx, "adopting a policy variant")
    agency = load_agency(records, ctx, cmd.agency)
    policy = policy_variant(cmd.policy_id, cmd.variant)  # unknown id or variant: refused
    if cmd.effective_from < policy.in_force_from:
        raise InvalidValue(
            f"{policy.label} is in force from {policy.in_force_from.isoformat()}, "
            f"not {cmd.effective_from.isoformat()}",
            effective_from=cmd.effective_from.isoformat(),
        )
    agency.record(
        Agency.PolicyVariantAdopted,
        ctx,
        at,
        effective_from=cmd.effective_from,
        policy_id=cmd.policy_id,
        variant=cmd.variant,
    )
    return Outcome([agency], {"id": str(agency.id), "policy": policy.label})
