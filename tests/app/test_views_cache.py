"""Standings asked again before the views change are answered from memory, and never
once the views have moved: a writer reading its own write, a reset after another
process wrote the views, each gets what the views hold."""

from __future__ import annotations

from typing import Any

from api import reads
from api.auth import ReadScope
from api.views_cache import ViewsCache
from projections import queries
from projections.runner import Projector
from tests.app.live_world import World
from tests.app.scenario import build_agency
from tests.app.test_projection_properties import History

YEAR = 2026
EVERYTHING = ReadScope(everything=True)


def _standings(world: World, min_position: int | None = None) -> list[dict[str, Any]]:
    return reads.standings(world.svc, EVERYTHING, "SNV", YEAR, min_position=min_position).items


def _stored(world: World) -> list[dict[str, Any]]:
    with world.svc.views.engine.connect() as conn:
        return queries.standings(conn, "SNV", YEAR)[0]


def _scores(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {row["servant_code"]: row["annual_score"] for row in rows}


def _head(world: World) -> int:
    return world.app.recorder.max_notification_id() or 0


def _scored(world: World) -> History:
    """CV1's January worked and scored."""
    build_agency(world.app)
    applying = History(world.app)
    applying.apply(("work", "CV1", 1, 0, 0, False, True))
    applying.apply(("criteria", "CV1", 1, "max"))
    return applying


def test_a_writer_reads_its_own_write_through_the_kept_answer(world: World) -> None:
    applying = _scored(world)
    first = _standings(world, _head(world))
    answers = world.svc.views.answers
    misses = answers.misses
    assert _standings(world) == first and answers.misses == misses  # kept
    assert answers.hits >= 1

    applying.apply(("criteria", "CV1", 1, "1.5"))  # CV1's score changes
    after = _standings(world, _head(world))
    assert _scores(after) != _scores(first)
    assert after == _stored(world)
    assert answers.misses == misses + 1


def test_a_reset_after_another_process_wrote_the_views_answers_afresh(world: World) -> None:
    applying = _scored(world)
    first = _standings(world, _head(world))
    applying.apply(("criteria", "CV1", 1, "1.5"))
    other = Projector(world.app)  # another process's worker commits the new rows first
    other.catch_up()
    other.engine.dispose()
    version = world.svc.views.version
    after = _standings(world, _head(world))  # this follower conflicts, resyncs, reads
    assert world.svc.views.version > version
    assert _scores(after) != _scores(first) and after == _stored(world)


def test_an_answer_is_kept_for_its_version_only() -> None:
    cache = ViewsCache(kept=2)
    calls: list[int] = []

    def compute(value: int) -> Any:
        def run() -> tuple[list[dict[str, Any]], int]:
            calls.append(value)
            return [{"v": value}], 1

        return run

    assert cache.answer(1, "a", compute(1)) == ([{"v": 1}], 1)
    assert cache.answer(1, "a", compute(2)) == ([{"v": 1}], 1)  # kept
    assert cache.answer(2, "a", compute(3)) == ([{"v": 3}], 1)  # the views moved
    assert cache.answer(1, "a", compute(4)) == ([{"v": 4}], 1)  # an older version: not kept
    assert cache.answer(2, "a", compute(5)) == ([{"v": 3}], 1)
    assert calls == [1, 3, 4]
    cache.answer(2, "b", compute(6))
    cache.answer(2, "c", compute(7))  # past ``kept``: the oldest goes
    assert cache.answer(2, "a", compute(8)) == ([{"v": 8}], 1)
    rows, _ = cache.answer(2, "a", compute(9))
    rows[0]["v"] = "changed by a caller"
    assert cache.answer(2, "a", compute(10)) == ([{"v": 8}], 1)  # each caller its own copy
