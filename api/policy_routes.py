"""The registered policies and variants, and the policy each agency applies."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import CallerDep, ServicesDep
from api.params import CodePath
from domain.agency import Agency, agency_id
from domain.errors import NotFound
from domain.policy import POLICIES, VARIANTS, Policy, policy_variant

router = APIRouter(tags=["policies"])


class PolicyItem(BaseModel):
    policy_id: str
    version: int
    variant: str | None = Field(description="None: the policy as published")
    label: str = Field(examples=["ND335-2025 v1 / quota-good-or-better"])
    in_force_from: date
    overrides: dict[str, str] = Field(description="The parameters the variant changes")
    description_vi: str
    description_en: str


class PolicyList(BaseModel):
    items: list[PolicyItem]


class AdoptionItem(BaseModel):
    effective_from: date
    policy_id: str
    variant: str | None
    document_ref: str | None


class AgencyPolicy(BaseModel):
    agency: str
    on: date
    policy: PolicyItem
    parameters: dict[str, str]
    adoptions: list[AdoptionItem]


def _item(policy: Policy) -> PolicyItem:
    base = POLICIES[policy.key]
    if policy.variant is None:
        return PolicyItem(
            policy_id=policy.policy_id,
            version=policy.version,
            variant=None,
            label=policy.label,
            in_force_from=policy.in_force_from,
            overrides={},
            description_vi="Chính sách như đã ban hành",
            description_en="The policy as published",
        )
    variant = VARIANTS[(policy.policy_id, policy.variant)]
    changed = {
        name: text
        for name, text in policy.parameters().items()
        if name != "variant" and base.parameters()[name] != text
    }
    return PolicyItem(
        policy_id=policy.policy_id,
        version=policy.version,
        variant=policy.variant,
        label=policy.label,
        in_force_from=policy.in_force_from,
        overrides=changed,
        description_vi=variant.description_vi,
        description_en=variant.description_en,
    )


@router.get("/policies", response_model=PolicyList)
def policies(who: CallerDep) -> PolicyList:
    """Every registered policy and variant an agency may adopt (`adopt-policy-variant`)."""
    built: list[Policy] = list(POLICIES.values())
    built += [policy_variant(policy_id, name) for policy_id, name in VARIANTS]
    return PolicyList(items=[_item(p) for p in built])


@router.get("/agencies/{agency}/policy", response_model=AgencyPolicy)
def agency_policy(
    agency: CodePath,
    svc: ServicesDep,
    who: CallerDep,
    on: Annotated[date | None, Query(description="Default: today")] = None,
) -> AgencyPolicy:
    """The policy and variant an agency applies to periods and years starting on ``on``,
    and every adoption it recorded."""
    found = svc.app.find(Agency, agency_id(agency))
    if found is None:
        raise NotFound(f"agency {agency} not found")
    day = on or svc.app.clock().date()
    policy = found.policy_on(day)
    adoptions: list[Any] = [
        AdoptionItem(
            effective_from=a.effective_from,
            policy_id=a.policy_id,
            variant=a.variant,
            document_ref=a.document_ref,
        )
        for a in found.policy_adoptions
    ]
    return AgencyPolicy(
        agency=agency,
        on=day,
        policy=_item(policy),
        parameters=policy.parameters(),
        adoptions=adoptions,
    )
