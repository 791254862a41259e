"""Commands of the year (Art. 19–21): organisation level, quota, ties, policy, proposals,
decisions, notification."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    Field,
)

from domain.commands.base import Amount, Command, Day, Year
from domain.text import Code, Reason, Text
from domain.values import (
    Level,
)


class DecideOrganisationLevel(Command):
    name = "decide_organisation_level"
    agency: Code
    year: Year
    level: Level
    unit: Code | None = Field(None, description="A unit of the agency; none for the agency")


class GrantQuotaRatio(Command):
    name = "grant_quota_ratio"
    agency: Code
    year: Year
    ratio: Amount


class DecideQuotaTie(Command):
    name = "decide_quota_tie"
    agency: Code
    year: Year
    peer_group: Code
    tied: Annotated[tuple[Code, ...], Field(max_length=500)]
    excellent: Annotated[tuple[Code, ...], Field(max_length=500)]


class AdoptPolicyVariant(Command):
    """The agency applies a registered reading of the policy from a date (a recorded
    decision, its document in ``source_ref``); no variant: back to the policy as published."""

    name = "adopt_policy_variant"
    agency: Code
    policy_id: Code = "ND335-2025"
    variant: Code | None = Field(None, description="A registered variant (GET /policies)")
    effective_from: Day = Field(description="Periods and years starting on or after it")


class ProposeClassification(Command):
    name = "propose_classification"
    servant: Code
    year: Year
    level: Level | None = Field(None, description="None: not classified")
    annual_score: Amount | None = None
    basis: Reason
    departure_reason: Text | None = Field(
        None, description="Required when the level differs from the computed proposal"
    )


class DecideClassification(Command):
    name = "decide_classification"
    servant: Code
    year: Year
    decision_no: Code
    level: Level
    minutes_ref: Code
    party_committee_ref: Code | None = None
    departure_reason: Text | None = Field(
        None, description="Required when the level differs from the computed proposal"
    )
    replaces: Code | None = None
    appeal_ref: Code | None = Field(None, description="The appeal this decision answers")


class NotifyResult(Command):
    """Record that the servant was notified of the decided classification."""

    name = "notify_result"
    servant: Code
    year: Year
    notified_on: Day | None = Field(None, description="Defaults to today")
