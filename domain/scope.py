"""Who may act on whose records (Art. 10).

Pure functions over the servants' placements: the application loads the
records and asks these before it triggers any event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from domain.actors import CommandContext, Role
from domain.agency import Agency
from domain.errors import MissingSourceDocument, NotAuthorised, OutsideAgency, OutsideUnit
from domain.servant import CivilServant, Placement
from domain.values import LeadershipRole


def require_role(ctx: CommandContext, roles: Iterable[Role], action: str) -> None:
    allowed = tuple(roles)
    if ctx.actor.role not in allowed:
        raise NotAuthorised(
            f"role {ctx.actor.role.value!r} may not {action}",
            role=ctx.actor.role.value,
            allowed=[r.value for r in allowed],
        )


def check_agency(ctx: CommandContext, agency_code: str) -> None:
    """An actor confined to one agency (an HR office, say) acts only there."""
    if ctx.actor.agency is not None and ctx.actor.agency != agency_code:
        raise OutsideAgency(
            f"{ctx.actor.id} acts for {ctx.actor.agency}, not {agency_code}",
            agency=agency_code,
        )


def require_source(ctx: CommandContext, what: str) -> str:
    if not ctx.source_ref or not ctx.source_ref.strip():
        raise MissingSourceDocument(f"{what} needs the reference of its source document")
    return ctx.source_ref


def may_evaluate(evaluator: CivilServant, subject: CivilServant, agency: Agency, on: date) -> bool:
    """Art. 10: the head of an agency evaluates everyone in it; a unit's head
    evaluates the unit's deputies and staff; a deputy, the unit's staff."""
    if evaluator.code == subject.code:
        return False
    return _evaluates(evaluator.placement_on(on), subject.placement_on(on), agency)


def _evaluates(ev: Placement, sub: Placement, agency: Agency) -> bool:
    """:func:`may_evaluate` between two different people, from their placements."""
    if ev.agency_code != sub.agency_code:
        return False
    if ev.unit_code == agency.leadership_unit():
        return ev.leadership is LeadershipRole.HEAD
    if ev.unit_code != sub.unit_code:
        return False
    if ev.leadership is LeadershipRole.HEAD:
        return True
    return ev.leadership is LeadershipRole.DEPUTY and sub.leadership is LeadershipRole.STAFF


_ROLE_RANK = {LeadershipRole.STAFF: 0, LeadershipRole.DEPUTY: 1, LeadershipRole.HEAD: 2}


def authority_rank(placement: Placement, agency: Agency | None) -> int:
    """Staff 0, a unit's deputy 1 and head 2, the board's deputies 3 and head 4: a
    leader's d counts only people of a lower rank, so it is computed after theirs."""
    board = agency is not None and placement.unit_code == agency.leadership_unit()
    rank = _ROLE_RANK[placement.leadership]
    return rank + (2 if board and placement.leadership.is_leader else 0)


def counts_for_leader_d(
    leader: CivilServant,
    subject: CivilServant,
    agency: Agency,
    on: date,
    without_area: str = "evaluated",
) -> bool:
    """Art. 15(3)(a), 15(4): is ``subject`` among those whose levels make ``leader``'s d?

    A head: everyone they may evaluate (Art. 10). A deputy with an assigned area: the
    servants of that area (its units' people and those named) of a lower rank than the
    deputy — a unit's deputy, its staff; a board deputy, anyone outside the board. A
    deputy with no area recorded (``without_area``, the policy's
    ``deputy_without_area``): those they may evaluate (``evaluated``), or their head's
    whole area below them (``head_area``)."""
    return leader_d_counter(leader, agency, on, without_area)(subject)


def leader_d_counter(
    leader: CivilServant, agency: Agency, on: date, without_area: str = "evaluated"
) -> Callable[[CivilServant], bool]:
    """:func:`counts_for_leader_d` for one leader on one day, asked of many people:
    what depends on the leader alone is looked up once."""
    ev = leader.placement_on(on)
    deputy = ev.leadership is LeadershipRole.DEPUTY
    area = leader.deputy_area_on(on) if deputy else None
    rank = authority_rank(ev, agency)
    on_board = ev.unit_code == agency.leadership_unit()

    def counts(subject: CivilServant) -> bool:
        sub = subject.placement_on(on)
        if leader.code == subject.code or ev.agency_code != sub.agency_code:
            return False
        if area is None:
            if deputy and without_area == "head_area":
                below = authority_rank(sub, agency) < rank
                return (on_board or ev.unit_code == sub.unit_code) and below
            return _evaluates(ev, sub, agency)
        below = authority_rank(sub, agency) < rank
        return ev.agency_code == area.agency_code and area.covers(subject.code, sub) and below

    return counts


def leader_d_unit(leader: CivilServant, agency: Agency, on: date) -> str | None:
    """The one unit whose people alone can count for ``leader``'s d on ``on``
    (:func:`counts_for_leader_d`), or None when anyone in the agency might: a unit's
    head or deputy with no area recorded counts only their own unit's people, under
    either reading of ``without_area``; a board member, or a deputy with an area
    (which may name other units and people), may count anyone."""
    ev = leader.placement_on(on)
    if ev.unit_code == agency.leadership_unit():
        return None
    if ev.leadership is LeadershipRole.DEPUTY and leader.deputy_area_on(on) is not None:
        return None
    return ev.unit_code


def check_evaluator(
    ctx: CommandContext,
    evaluator: CivilServant | None,
    subject: CivilServant,
    agency: Agency,
    on: date,
) -> None:
    """Raise unless the actor may evaluate (assign, assess, score) ``subject``.

    The competent authority evaluates the agency's board (heads of employing
    agencies are rated by the managing agency, Art. 10(1)).
    """
    role = ctx.actor.role
    if role is Role.AUTHORITY:
        if subject.placement_on(on).unit_code == agency.leadership_unit():
            return
        raise OutsideUnit(
            "the competent authority evaluates the agency's board; "
            f"{subject.code} is evaluated inside the agency",
            servant=subject.code,
        )
    if role is not Role.MANAGER:
        raise NotAuthorised(f"role {role.value!r} may not evaluate civil servants")
    if evaluator is None:
        raise NotAuthorised(f"manager {ctx.actor.id!r} is not a registered civil servant")
    if not may_evaluate(evaluator, subject, agency, on):
        raise OutsideUnit(
            f"{evaluator.code} may not evaluate {subject.code}: not under their authority",
            manager=evaluator.code,
            servant=subject.code,
        )


def check_self_or_evaluator(
    ctx: CommandContext,
    evaluator: CivilServant | None,
    subject: CivilServant,
    agency: Agency,
    on: date,
) -> None:
    """The servant themself, or someone who may evaluate them."""
    if ctx.actor.role is Role.CIVIL_SERVANT:
        if ctx.actor.id != subject.code:
            raise NotAuthorised(
                f"{ctx.actor.id} may not act on the records of {subject.code}",
                servant=subject.code,
            )
        return
    check_evaluator(ctx, evaluator, subject, agency, on)
