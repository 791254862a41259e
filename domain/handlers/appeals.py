"""Handlers of appeals (Art. 22): notification, petitions, reviewers, corrections, resolution."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import commands as c
from domain.actors import CommandContext, Role
from domain.agency import Agency, agency_id
from domain.appeal import Appeal, appeal_id, legacy_appeal_id
from domain.base import Audited
from domain.classification import Classification, classification_id
from domain.errors import (
    AlreadyExists,
    AppealWindowClosed,
    InvalidState,
    InvalidValue,
    NotAuthorised,
)
from domain.handlers.common import (
    Outcome,
    Records,
    agencies_of,
    agency_of_numbered,
    created,
    find_numbered,
    load_principal,
    load_servant,
    require_numbered,
)
from domain.scope import (
    check_agency,
    require_role,
)
from domain.servant import CivilServant, servant_id


def _appeal(records: Records, ctx: CommandContext, appeal_no: str, agency: str | None) -> Appeal:
    """The appeal of that number in the agency named (or the actor's own)."""
    agencies = agency_of_numbered(ctx, agency)
    found = find_numbered(records, Appeal, appeal_no, agencies, appeal_id, legacy_appeal_id)
    return require_numbered(found, agencies, f"appeal {appeal_no}")


def correction_under_appeal(
    records: Records,
    ctx: CommandContext,
    at: datetime,
    appeal_ref: str | None,
    servant_code: str,
    command: str,
    target: str,
) -> list[Audited]:
    """The appeal a correction answers, with the correction recorded on it.

    An appeals reviewer corrects only under an open appeal assigned to them,
    about the same servant; anyone else may name an appeal too."""
    if appeal_ref is None:
        if ctx.actor.role is Role.APPEALS_REVIEWER:
            raise NotAuthorised("an appeals reviewer corrects records only under an appeal")
        return []
    # The appeal is numbered in the servant's agency (the one it was filed in).
    servant = records.load(CivilServant, servant_id(servant_code), f"civil servant {servant_code}")
    agencies = agencies_of(servant)
    found = find_numbered(records, Appeal, appeal_ref, agencies, appeal_id, legacy_appeal_id)
    appeal = require_numbered(found, agencies, f"appeal {appeal_ref}")
    check_agency(ctx, appeal.agency_code)
    if ctx.actor.role is Role.APPEALS_REVIEWER and appeal.reviewer != ctx.actor.id:
        raise NotAuthorised(f"appeal {appeal_ref} is not assigned to {ctx.actor.id}")
    if appeal.servant_code != servant_code:
        raise InvalidValue(
            f"appeal {appeal_ref} concerns {appeal.servant_code}, not {servant_code}"
        )
    if not appeal.open:
        raise InvalidState(f"appeal {appeal_ref} is already resolved")
    appeal.record(Appeal.CorrectionRecorded, ctx, at, command=command, target=target)
    return [appeal]


def notify_result(
    records: Records, cmd: c.NotifyResult, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "notify results")
    servant = load_servant(records, ctx, cmd.servant)
    classification = records.find(Classification, classification_id(servant.code, cmd.year))
    if classification is None or not classification.decisions:
        raise InvalidState(f"{cmd.servant} has no decided classification for {cmd.year}")
    notified_on = cmd.notified_on or at.date()
    if notified_on > at.date():
        raise InvalidValue("a notification cannot be dated in the future")
    latest = classification.decisions[-1]
    classification.record(
        Classification.Notified, ctx, at, decision_no=latest, notified_on=notified_on
    )
    return Outcome([classification], {"id": str(classification.id), "decision_no": latest})


def file_appeal(records: Records, cmd: c.FileAppeal, ctx: CommandContext, at: datetime) -> Outcome:
    require_role(ctx, (Role.CIVIL_SERVANT,), "file appeals")
    servant = load_servant(records, ctx, cmd.servant)
    if ctx.actor.id != servant.code:
        raise NotAuthorised(f"{ctx.actor.id} may not appeal for {servant.code}")
    agency_code = servant.placement.agency_code
    if find_numbered(records, Appeal, cmd.appeal_no, [agency_code], appeal_id, legacy_appeal_id):
        raise AlreadyExists(f"appeal {cmd.appeal_no} already exists in {agency_code}")
    classification = records.find(Classification, classification_id(servant.code, cmd.year))
    if classification is None or classification.notified is None:
        raise InvalidState(
            f"{cmd.servant} has not been notified of a classification for {cmd.year}: "
            "a petition follows the notification (Art. 22)"
        )
    decision_no, notified_on = classification.notified
    if decision_no != classification.decisions[-1]:
        raise InvalidState(
            f"decision {classification.decisions[-1]} replaced {decision_no} and has not been "
            "notified yet: a petition follows the notification (Art. 22)"
        )
    received_on = at.date()
    agency = records.load(Agency, agency_id(agency_code), "agency")
    policy = agency.policy_on(date(cmd.year, 1, 1))
    if policy.appeal_window_days is not None:
        closes = notified_on + timedelta(days=policy.appeal_window_days)
        if received_on > closes:
            raise AppealWindowClosed(
                f"the petition window closed on {closes.isoformat()} "
                f"({policy.appeal_window_days} days after notification on "
                f"{notified_on.isoformat()})",
                closed_on=closes.isoformat(),
            )
    # Working days less the holidays of the policy's calendar, lunar ones included.
    due_on = policy.holidays().add_working_days(received_on, policy.appeal_resolution_working_days)
    appeal = Appeal.start(
        Appeal.Filed,
        appeal_id(agency_code, cmd.appeal_no),
        ctx,
        at,
        appeal_no=cmd.appeal_no,
        servant_code=servant.code,
        agency_code=agency_code,
        year=cmd.year,
        decision_no=decision_no,
        grounds=cmd.grounds,
        received_on=received_on,
        due_on=due_on,
    )
    return created(appeal, due_on=due_on.isoformat())


def assign_appeal_reviewer(
    records: Records, cmd: c.AssignAppealReviewer, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.HR, Role.AUTHORITY), "assign appeal reviewers")
    appeal = _appeal(records, ctx, cmd.appeal_no, cmd.agency)
    check_agency(ctx, appeal.agency_code)
    if not appeal.open:
        raise InvalidState(f"appeal {cmd.appeal_no} is already resolved")
    reviewer = load_principal(records, cmd.reviewer)
    if reviewer.grant.role != Role.APPEALS_REVIEWER.value or reviewer.disabled:
        raise InvalidValue(f"{cmd.reviewer} is not an active appeals reviewer")
    appeal.record(Appeal.ReviewerAssigned, ctx, at, reviewer=cmd.reviewer)
    return Outcome([appeal], {"id": str(appeal.id)})


def resolve_appeal(
    records: Records, cmd: c.ResolveAppeal, ctx: CommandContext, at: datetime
) -> Outcome:
    require_role(ctx, (Role.APPEALS_REVIEWER, Role.AUTHORITY), "resolve appeals")
    appeal = _appeal(records, ctx, cmd.appeal_no, cmd.agency)
    check_agency(ctx, appeal.agency_code)
    if ctx.actor.role is Role.APPEALS_REVIEWER and appeal.reviewer != ctx.actor.id:
        raise NotAuthorised(f"appeal {cmd.appeal_no} is not assigned to {ctx.actor.id}")
    if not appeal.open:
        raise InvalidState(f"appeal {cmd.appeal_no} is already resolved")
    if cmd.outcome == "amended" and not appeal.corrections:
        raise InvalidState(
            "an amended outcome rests on corrections: record them first, naming the appeal"
        )
    if cmd.outcome == "upheld" and appeal.corrections:
        raise InvalidState(f"appeal {cmd.appeal_no} has corrections: its outcome is amended")
    appeal.record(
        Appeal.Resolved, ctx, at, outcome=cmd.outcome, reason=cmd.reason, resolved_on=at.date()
    )
    return Outcome([appeal], {"id": str(appeal.id)})
