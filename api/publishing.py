"""Publishing an agency's results through the service: the table drafted from the
live derivation, and a publication reproduced from the records it rests on — the
same answers as a replay of the whole log (``projections.publication``), without
one, and never with the views' lock held while events are folded."""

from __future__ import annotations

from api.deps import Services
from projections.focused import focused_agency_year
from projections.publication import SERVANTS, Draft, Kind, Reproduction, draft, reproduce
from projections.replay import Replayed


def draft_now(svc: Services, agency: str, year: int, kind: Kind) -> Draft:
    """The table of ``kind`` as it stands: the views caught up, then their fold and
    derivation read while the follower is held off (a replay only while they are
    being resynchronised)."""
    svc.views.catch_up()
    with svc.views.derived() as now:
        table = None if now is None else draft(svc.app, agency, year, kind, now)
    return draft(svc.app, agency, year, kind) if table is None else table


def reproduce_publication(
    svc: Services, agency: str, year: int, number: int | None, kind: Kind
) -> Reproduction:
    """``reproduce`` with the live fold lent to find the publication, and a servants'
    table recomputed from the agency's year's own records (``projections.focused``);
    the organisations' tables, and a year resting on most of the log, fold the
    agency's component of it (kept, as the as-of answers' folds are)."""
    svc.views.catch_up()  # a publication just made is in the live fold
    projector = svc.views.projector

    def replayer(upto: int) -> Replayed:
        found = None
        if kind is SERVANTS and svc.views.position >= upto:
            found = focused_agency_year(
                svc.app, projector.state, projector.deriver, agency, year, upto, svc.views.locked
            )
        # Otherwise the agency's component of the log, kept for the next question.
        return svc.replays.at(upto, agency=agency) if found is None else found

    return reproduce(svc.app, agency, year, number, kind, svc.views.derived, replayer)
