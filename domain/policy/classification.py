"""The proposed annual level (Art. 11, 20, 21(1)): what HR proposes, never the decision.

Order: time worked → FAIL triggers → thresholds → quota → cap for heads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from domain import errors
from domain.policy.annual import cap_by_organisation
from domain.policy.fail_triggers import FailTrigger
from domain.policy.parameters import Policy
from domain.policy.period import level_for_score, level_step
from domain.policy.quota import QuotaEntry, QuotaVerdict
from domain.policy.steps import Computed, Step
from domain.values import Level

ProposalStatus = Literal["proposed", "not_classified", "pending_tie", "pending_organisation"]

# Stable reason codes: the rule that settled the proposal.
REASON_TIME_WORKED = "not_classified_time_worked"
REASON_NO_SCORE = "not_classified_no_score"
REASON_FAIL_TRIGGER = "fail_trigger"
REASON_SCORE = "score"
REASON_QUOTA = "quota"
REASON_QUOTA_TIE = "quota_tie_pending"
REASON_ORGANISATION_CAP = "organisation_cap"
REASON_ORGANISATION_PENDING = "organisation_level_pending"


@dataclass(frozen=True)
class Proposal:
    level: Level | None  # None when not classified, or pending a tie or the organisation
    status: ProposalStatus
    reason: str  # one of the REASON_* codes
    annual_score: Decimal | None = None
    level_by_score: Level | None = None


def _step(key: str, label: str, formula: str, substitution: str, result: str, rule: str) -> Step:
    return Step(key, label, formula, substitution, result, rule=rule)


def propose_annual_level(
    policy: Policy,
    annual_score: Decimal | None,
    classifiable: bool,
    triggers: Sequence[FailTrigger],
    quota_outcome_for_ref: QuotaEntry | None,
    organisation_level_if_head: Level | None,
    organisation_pending: bool = False,
) -> Computed[Proposal]:
    """The level HR proposes for one servant's year, with every step.

    ``organisation_pending``: a head whose organisation's level is not recorded yet;
    the proposal waits for it (Art. 20(6)) rather than go uncapped.
    """
    if not classifiable:
        step = _step(
            "proposal",
            "not classified",
            f"under {policy.min_months_worked} months worked: not classified",
            "classifiable = false",
            "not_classified",
            "Art. 11(1)",
        )
        return Computed(Proposal(None, "not_classified", REASON_TIME_WORKED, annual_score), (step,))
    if triggers:
        refs = tuple(ref for trigger in triggers for ref in trigger.refs)
        step = Step(
            key="proposal",
            label="FAIL regardless of score",
            formula="any FAIL trigger in the year",
            substitution="; ".join(t.reason for t in triggers),
            result=Level.FAIL.value,
            refs=refs,
            rule="Art. 20(4)",
        )
        by_score = level_for_score(policy, annual_score) if annual_score is not None else None
        proposal = Proposal(Level.FAIL, "proposed", REASON_FAIL_TRIGGER, annual_score, by_score)
        return Computed(proposal, (step,))
    if annual_score is None:
        step = _step(
            "proposal",
            "not classified",
            "no scorable period in the year",
            "annual score = none",
            "not_classified",
            "Art. 17(3)",
        )
        return Computed(Proposal(None, "not_classified", REASON_NO_SCORE), (step,))

    by_score = level_for_score(policy, annual_score)
    steps: list[Step] = [level_step(policy, annual_score, key="level_by_score")]
    if organisation_pending:
        steps.append(
            _step(
                "proposal",
                "pending the organisation's level",
                "a head's level may not be higher than their organisation's: it is awaited",
                "the organisation's level for the year is not recorded",
                "pending_organisation",
                "Art. 20(6)",
            )
        )
        proposal = Proposal(
            None, "pending_organisation", REASON_ORGANISATION_PENDING, annual_score, by_score
        )
        return Computed(proposal, tuple(steps))
    level, reason = by_score, REASON_SCORE
    head_capped_below_excellent = (
        organisation_level_if_head is not None and organisation_level_if_head is not Level.EXCELLENT
    )
    if by_score is Level.EXCELLENT and head_capped_below_excellent:
        # The cap settles the level whatever the quota says, so a tie cannot hold it pending.
        steps.append(
            _step(
                "quota",
                "quota not needed",
                "a head capped below EXCELLENT by the organisation",
                f"organisation level {organisation_level_if_head}",
                "quota not applied",
                "Art. 20(5–6)",
            )
        )
    elif by_score is Level.EXCELLENT:
        entry = quota_outcome_for_ref
        if entry is None:
            raise errors.InvalidValue("EXCELLENT by score needs the peer group's quota outcome")
        if entry.score != annual_score:
            raise errors.InvalidValue(
                f"quota entry of {entry.ref} has score {entry.score}, not {annual_score}",
                ref=entry.ref,
            )
        steps.append(
            Step(
                key="quota",
                label="peer-group quota",
                formula="EXCELLENT within the limit; GOOD beyond; PENDING when tied across it",
                substitution=entry.reason,
                result=entry.outcome.value,
                refs=(entry.ref,),
                rule="Art. 20(5)",
            )
        )
        if entry.outcome is QuotaVerdict.PENDING:
            proposal = Proposal(None, "pending_tie", REASON_QUOTA_TIE, annual_score, by_score)
            return Computed(proposal, tuple(steps))
        if entry.outcome is QuotaVerdict.GOOD:
            level, reason = Level.GOOD, REASON_QUOTA

    if organisation_level_if_head is not None:
        capped = cap_by_organisation(level, organisation_level_if_head)
        steps.extend(capped.steps)
        if capped.value is not level:
            level, reason = capped.value, REASON_ORGANISATION_CAP
    steps.append(
        _step("proposal", "proposed level", "after every rule", reason, level.value, "Art. 21")
    )
    return Computed(Proposal(level, "proposed", reason, annual_score, by_score), tuple(steps))


def departs_from_proposal(proposed: Level | None, decided: Level | None) -> bool:
    """True when the competent authority decided otherwise than proposed (needs a reason)."""
    return proposed is not decided
