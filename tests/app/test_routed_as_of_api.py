"""The API's as-of answers about one servant or one agency fold only that subject's
component of the log (``api.as_of.Replays`` given a subject: the event routes, as
the command line reads them) and equal what a replay of the whole log answers —
standings, a servant's year, its explanation, an organisation's rating, what-if,
leniency."""

from __future__ import annotations

from typing import Any

import pytest

from api import as_of, reads, reads_analysis, reads_organisation, reads_year
from api.as_of import Replays
from api.auth import ReadScope
from api.deps import Services
from domain.errors import NotFound
from tests.app.live_world import World
from tests.app.projection_helpers import whole_log_refused
from tests.app.test_partitions import STORY
from tests.app.test_projection_properties import History
from tests.app.test_routed_replay import AGENCIES, SERVANTS, YEAR, _build

EVERYTHING = ReadScope(everything=True)


def _or_not_found(compute: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return compute(*args, **kwargs)
    except NotFound as error:
        return str(error)


def _answers(svc: Services, position: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for agency in AGENCIES:
        page = reads.standings(svc, EVERYTHING, agency, YEAR, as_of_position=position)
        found[f"standings {agency}"] = (page.items, page.total, page.position)
        found[f"rating {agency}"] = _or_not_found(
            reads_organisation.organisation_year,
            *(svc, EVERYTHING, agency, None, YEAR),
            as_of_position=position,
        )
        found[f"what-if {agency}"] = reads_analysis.what_if(
            svc, EVERYTHING, agency, YEAR, "quota-good-or-better", as_of_position=position
        ).as_dict()
        found[f"leniency {agency}"] = reads_analysis.leniency(
            svc, EVERYTHING, agency, YEAR, as_of_position=position
        ).as_dict()
    for code in SERVANTS:
        year = reads.servant_year(svc, EVERYTHING, code, YEAR, as_of_position=position)
        found[f"year {code}"] = (year.classification, year.periods, year.interim, year.position)
        found[f"explained {code}"] = _or_not_found(
            reads_year.year_explanation, svc, EVERYTHING, code, YEAR, as_of_position=position
        )
    return found


def test_as_of_answers_fold_the_subject_s_component_and_equal_the_whole_log(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = _build(world.app, [])  # every agency and servant, before any work
    head = _build_more(world)
    whole = Services(world.app, world.svc.views, Replays(world.app, routed=False))
    positions = sorted({registered + 1, (registered + head) // 2, head - 3, head})
    folded: list[str] = []
    for position in positions:
        with monkeypatch.context() as refusing:
            refusing.setattr(as_of, "replay", whole_log_refused)
            for name in ("agency_replay", "servant_replay"):
                refusing.setattr(as_of, name, _noting(folded, name, getattr(as_of, name)))
            routed = _answers(world.svc, position)
        assert routed == _answers(whole, position), position
    # One fold per subject and position: the rest came from the kept folds.
    assert folded.count("agency_replay") == len(positions) * len(AGENCIES)
    assert folded.count("servant_replay") == len(positions) * len(SERVANTS)


def test_a_whole_log_replay_kept_at_the_position_answers_every_subject(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(world.app, [])
    head = _build_more(world)
    kept = world.svc.replays.at(head)  # the whole log, kept
    monkeypatch.setattr(as_of, "servant_replay", whole_log_refused)  # nothing else folds
    monkeypatch.setattr(as_of, "agency_replay", whole_log_refused)
    assert world.svc.replays.at(head, servant="CV2") is kept
    assert world.svc.replays.at(head, agency="SNQ") is kept


def test_a_servant_the_routes_do_not_know_is_answered_from_the_whole_log(world: World) -> None:
    _build(world.app, [])
    head = world.app.recorder.max_notification_id() or 0
    replayed = world.svc.replays.at(head, servant="NOBODY")
    assert replayed.position == head and "NOBODY" not in replayed.state.servants
    assert world.svc.replays.cached(head) is replayed  # kept as the whole log's


def test_replays_kept_are_bounded_whole_and_routed_together(world: World) -> None:
    _build(world.app, [])
    head = _build_more(world)
    for position in range(head - as_of.CACHED - 2, head + 1):
        world.svc.replays.at(position, agency="SNV")
        world.svc.replays.at(position)
    assert len(world.svc.replays._cache) == as_of.CACHED


def _build_more(world: World) -> int:
    applying = History(world.app)
    for op in STORY:
        applying.apply(op)
    return world.app.recorder.max_notification_id() or 0


def _noting(folded: list[str], name: str, fold: Any) -> Any:
    def noted(*args: Any, **kwargs: Any) -> Any:
        folded.append(name)
        return fold(*args, **kwargs)

    return noted
