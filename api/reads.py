"""The read side every edge shares: scope checks and the scoped queries.

The HTTP API (``/api/v1``) and the web pages call these same functions, so a
scope is decided in one place whatever the channel.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from api.auth import ReadScope
from api.deps import Services
from domain.errors import InvalidState, NotAuthorised, NotFound
from domain.servant import CivilServant, servant_id
from projections import queries
from projections.bundle import make_bundle
from projections.explain import Explainer, StoreEvents
from projections.ledger import Checkpoint
from projections.score_trail import ScoreChange, score_trail

Row = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """Rows of a listing, how many there are in all, and the log position they reflect."""

    items: list[Row]
    total: int
    position: int
    lag: int


def fresh(svc: Services, min_position: int | None) -> tuple[int, int]:
    """The views' position and lag, after waiting for ``min_position`` if given."""
    if min_position is not None:
        svc.views.ensure(min_position)
    status = svc.views.status()
    return status.position, status.lag


def servant_in_scope(svc: Services, scope: ReadScope, code: str) -> CivilServant:
    servant = svc.app.find(CivilServant, servant_id(code))
    if servant is None:
        raise NotFound(f"civil servant {code} not found")
    placement = servant.placement_on(svc.app.clock().date())
    if not scope.allows(placement.agency_code, placement.unit_code, code):
        raise NotAuthorised(f"you may not read the records of {code}")
    return servant


def unit_in_scope(scope: ReadScope, agency: str, unit: str | None) -> str | None:
    """The unit filter a caller must use in ``agency`` (managers see their unit)."""
    if scope.everything:
        return unit
    if scope.servant is not None or scope.cases is not None or scope.agency != agency:
        raise NotAuthorised(f"you may not read the standings of {agency}")
    if scope.unit is not None:
        if unit not in (None, scope.unit):
            raise NotAuthorised(f"you may read unit {scope.unit} only")
        return scope.unit
    return unit


def public(row: Row) -> Row:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def standings(
    svc: Services,
    scope: ReadScope,
    agency: str,
    year: int,
    *,
    unit: str | None = None,
    peer_group: str | None = None,
    level: str | None = None,
    sort: str = "score",
    descending: bool | None = None,
    limit: int = 100,
    offset: int = 0,
    min_position: int | None = None,
    as_of_position: int | None = None,
    as_of_time: datetime | None = None,
) -> Page:
    """Annual standings of an agency within the caller's scope — now, or as of a
    past position or moment."""
    unit = unit_in_scope(scope, agency, unit)
    chosen: dict[str, Any] = {
        "unit": unit,
        "peer_group": peer_group,
        "level": level,
        "sort": sort,
        "descending": descending,
        "limit": limit,
        "offset": offset,
    }
    if as_of_position is not None or as_of_time is not None:
        replayed = svc.replays.at(as_of_position, as_of_time)
        rows, total = queries.standings_from_rows(
            replayed.deriver.annual_rows.values(), agency, year, **chosen
        )
        head = svc.app.recorder.max_notification_id() or 0
        return Page(rows, total, replayed.position, max(0, head - replayed.position))
    position, lag = fresh(svc, min_position)
    with svc.views.engine.connect() as conn:
        rows, total = queries.standings(conn, agency, year, **chosen)
    return Page(rows, total, position, lag)


def _agency_view(
    svc: Services, scope: ReadScope, agency: str, unit: str | None
) -> tuple[str | None, int]:
    """The unit the caller must stay within, and the views' position."""
    unit = unit_in_scope(scope, agency, unit)
    position, _ = fresh(svc, None)
    return unit, position


def level_distribution(
    svc: Services, scope: ReadScope, agency: str, year: int, by: str, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.level_distribution(conn, agency, year, by, unit), position


def quota_groups(
    svc: Services, scope: ReadScope, agency: str, year: int, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.quota_groups(conn, agency, year, unit), position


def worklist(
    svc: Services, scope: ReadScope, agency: str, year: int, which: str, unit: str | None = None
) -> tuple[list[Row], int]:
    unit, position = _agency_view(svc, scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.worklist(conn, agency, year, which, unit), position


def peer_groups(
    svc: Services, scope: ReadScope, agency: str, year: int, unit: str | None = None
) -> list[str]:
    unit = unit_in_scope(scope, agency, unit)
    with svc.views.engine.connect() as conn:
        return queries.peer_groups_of(conn, agency, year, unit)


# --- one servant's year: the explanation, its evidence, the ledger's word ----------


# Explanations and score trails, kept for a few log positions: what the log held at
# a position never changes (the ledger's size is part of the key, since an event's
# leaf appears once the ledger catches up). Callers must not modify what they get.
_KEPT: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_KEPT_MOST = 32
_kept_lock = threading.Lock()


def _kept(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    with _kept_lock:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            found: T = _KEPT[key]
            return found
    value = compute()
    with _kept_lock:
        _KEPT[key] = value
        while len(_KEPT) > _KEPT_MOST:
            _KEPT.popitem(last=False)
    return value


def _explained(
    svc: Services,
    what: str,
    code: str,
    subject: int | str,
    position: int | None,
    moment: datetime | None,
) -> Row:
    replayed = svc.replays.at(position, moment)
    ledger = svc.views.ledger
    key = (id(svc), what, code, subject, replayed.position, len(ledger.tree))

    def compute() -> Row:
        explainer = Explainer(StoreEvents(svc.app, ledger), replayed)
        if what == "year":
            return explainer.year(code, int(subject))
        return explainer.period(code, str(subject))

    return _kept(key, compute)


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
    with svc.views.locked():
        return make_bundle(svc.app, svc.views.ledger, code, year)


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

    return _kept((id(svc), "trail", servant, year, explanation["as_of"]["position"]), compute)
