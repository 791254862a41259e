"""One servant's year as the inspector reads it: the explanation, its evidence,
the ledger's word and the score trail, cached per log position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.as_of import kept
from api.auth import ReadScope
from api.deps import Services
from api.reads import Row, exact_version, servant_in_scope
from domain.errors import InvalidState
from domain.values import Period
from projections import history
from projections.bundle import make_bundle
from projections.explain import Explainer, StoreEvents
from projections.focused import focused_replay, own_year_replay
from projections.ledger import Checkpoint
from projections.pooled import pooled_replay
from projections.replay import Replayed
from projections.runner import collector_paused
from projections.score_trail import ScoreChange, score_trail


def _explained(
    svc: Services,
    what: str,
    code: str,
    subject: int | str,
    position: int | None,
    moment: datetime | None,
) -> Row:
    # A moment (with or without a position) is the replay's to answer, or to refuse.
    upto = _foldable(svc, position) if moment is None else None
    replayed = None
    if upto is not None and what == "year":
        replayed = _pooled(svc, code, int(subject), upto) or _focused(svc, code, int(subject), upto)
    elif upto is not None:
        replayed = _own_period(svc, code, str(subject), upto)
    if replayed is None:
        replayed = svc.replays.at(position, moment, servant=code)
    ledger = svc.views.ledger
    key = (id(svc), what, code, subject, replayed.position, len(ledger.tree))

    def compute() -> Row:
        explainer = Explainer(StoreEvents(svc.app, ledger), replayed)
        # A replay just folded is young garbage-collector generations of objects;
        # the document's many small allocations would rescan them all. Its state does
        # not change while it is explained: a leader's colleagues are listed once.
        with collector_paused(), replayed.deriver.state_unchanged():
            if what == "year":
                return explainer.year(code, int(subject))
            return explainer.period(code, str(subject))

    return kept(key, compute)


# Each of these folds a year's records up to ``upto`` (from ``_foldable``) off the
# live state's ids, or returns None for the next way. The lock is taken again only
# to read those ids (the state and deriver objects stay the same while the follower
# folds into them).


def _pooled(svc: Services, code: str, year: int, upto: int) -> Replayed | None:
    """Where the versioned rows are exact at ``upto``: the year's own records folded,
    its pool's other members read from those rows."""
    versioned = exact_version(svc, upto, None)
    if versioned is None:
        return None
    rows = history.RowsAt(svc.views.engine, versioned[0])
    projector = svc.views.projector
    return pooled_replay(
        svc.app, projector.state, projector.deriver, code, year, upto, rows, svc.views.locked
    )


def _focused(svc: Services, code: str, year: int, upto: int) -> Replayed | None:
    """The records the year rests on, its pool's included; None to replay the servant's
    component of the log."""
    projector = svc.views.projector
    return focused_replay(
        svc.app, projector.state, projector.deriver, code, year, upto, svc.views.locked
    )


def _own_period(svc: Services, code: str, period: str, upto: int) -> Replayed | None:
    """A period result rests on no pool: the year's own records (and, for a leader,
    those whose levels make d), at any position."""
    try:
        year = Period.parse(period).year
    except ValueError:
        return None  # the replay answers: no such result
    projector = svc.views.projector
    return own_year_replay(
        svc.app, projector.state, projector.deriver, code, year, upto, svc.views.locked
    )


def _foldable(svc: Services, position: int | None) -> int | None:
    """The position to fold a year's records up to, from the live state's ids; None
    when there is none, a whole-log replay is kept there, or the live state has not
    reached it."""
    if position is None:
        return None
    upto = min(position, svc.app.recorder.max_notification_id() or 0)
    if svc.replays.cached(upto) is not None:
        return None
    with svc.views.locked():
        if svc.views.projector.position < upto:
            return None
    return upto


def year_explanation(
    svc: Services,
    scope: ReadScope,
    code: str,
    year: int,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Row:
    """Every step behind a servant's annual classification, its events and the facts
    that decided it — now, or as of a past position or moment."""
    servant_in_scope(svc, scope, code)
    return _explained(svc, "year", code, year, as_of_position, as_of_time)


def period_explanation(
    svc: Services,
    scope: ReadScope,
    code: str,
    period: str,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Row:
    servant_in_scope(svc, scope, code)
    return _explained(svc, "period", code, period, as_of_position, as_of_time)


def evidence_bundle(svc: Services, scope: ReadScope, code: str, year: int) -> Row:
    """The evidence bundle of a servant's year, as of the latest signed checkpoint."""
    servant_in_scope(svc, scope, code)
    if svc.views.ledger.signer is None:
        raise InvalidState("the ledger has no signing key here: no checkpoint to prove against")
    svc.views.catch_up()

    def replayer(position: int) -> Replayed:
        # The year's own records up to the checkpoint, or the servant's component (kept).
        upto = _foldable(svc, position)
        found = _focused(svc, code, year, upto) if upto is not None else None
        return found or svc.replays.at(position, servant=code)

    return make_bundle(
        svc.app, svc.views.ledger, code, year, replayer=replayer, live=svc.views.locked
    )


@dataclass(frozen=True)
class LedgerWord:
    """Whether the events behind a result are under the latest signed checkpoint."""

    checkpoint: Checkpoint | None
    total: int  # events behind the result
    covered: int  # of which within the checkpoint's tree
    uncovered: list[int]  # their log positions, for the others

    @property
    def all_covered(self) -> bool:
        return self.checkpoint is not None and self.covered == self.total


def ledger_word(svc: Services, explanation: Row) -> LedgerWord:
    with svc.views.locked():
        checkpoint = svc.views.ledger.latest()
    size = checkpoint.size if checkpoint is not None else 0
    inputs = explanation["inputs"]
    uncovered = [
        ref["position"] for ref in inputs if ref["leaf_index"] is None or ref["leaf_index"] >= size
    ]
    return LedgerWord(checkpoint, len(inputs), len(inputs) - len(uncovered), uncovered)


def year_score_trail(svc: Services, explanation: Row) -> dict[int, ScoreChange]:
    """What each event behind ``explanation`` changed in the servant's scores, by log
    position."""
    subject = explanation["subject"]
    servant, year = subject["servant"], subject["year"]
    positions = [ref["position"] for ref in explanation["inputs"]]

    def compute() -> dict[int, ScoreChange]:
        source = StoreEvents(svc.app)
        source.load(positions)
        return score_trail(source, svc.app.mapper, positions, servant, year)

    return kept((id(svc), "trail", servant, year, explanation["as_of"]["position"]), compute)
