"""Publishing the organisations' results a head recognises, and reproducing them
later (Art. 8(5), 9(2)(b)); when a level is decided against Art. 9(1)'s deadlines.
Both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from domain.application import MinhBach
from domain.errors import DomainError
from domain.publication import table_digest
from projections.organisation_view import organisation_year_view
from projections.publication import ORGANISATIONS, draft, reproduce
from projections.replay import replay
from tests.app.scenario import HR, YEAR, build_agency, with_source
from tests.app.test_organisation_rating import assess, plan, rate
from tests.conftest import FakeClock


def assessed(app: MinhBach) -> MinhBach:
    build_agency(app)
    plan(app, "P1", late=1)
    assess(app, "P1", "25", "50")
    plan(app, "P2")
    assess(app, "P2", "28", "60")
    return app


@pytest.fixture
def agency(app: MinhBach) -> Iterator[MinhBach]:
    yield assessed(app)


def publish(app: MinhBach) -> int:
    table = draft(app, "SNV", YEAR, ORGANISATIONS)
    result = app.execute(table.command(), with_source(HR, "TB 9/TB-SNV"))
    return int(result.result["publication"])


def test_the_published_table_reproduces_after_a_later_decision(agency: MinhBach) -> None:
    rate(agency, "P1", "COMPLETE")
    table = draft(agency, "SNV", YEAR, ORGANISATIONS)
    rows = {row["organisation"]: row for row in table.rows}
    assert set(rows) == {"SNV/P1", "SNV/P2"}
    assert rows["SNV/P1"] == {
        "organisation": "SNV/P1",
        "agency_code": "SNV",
        "unit_code": "P1",
        "name": rows["SNV/P1"]["name"],
        "total": "75",
        "computed_level": "COMPLETE",
        "level": "COMPLETE",
        "decision_no": "QĐ-TC 1",
        "status": "decided",
    }
    assert rows["SNV/P2"]["level"] is None and rows["SNV/P2"]["status"] == "ready"
    assert publish(agency) == 1
    rate(agency, "P2", "GOOD", "QĐ-TC 2")
    first = reproduce(agency, "SNV", YEAR, 1, ORGANISATIONS)
    assert first.matches, (first.differences, first.problems)
    assert publish(agency) == 2
    second = reproduce(agency, "SNV", YEAR, None, ORGANISATIONS)
    assert second.matches and second.publication.number == 2
    published = {r["organisation"]: r for r in second.publication.rows}
    assert published["SNV/P2"]["level"] == "GOOD"
    # the servants' publications are their own list
    state = replay(agency).state.agencies["SNV"]
    assert state.publications == [] and len(state.organisation_publications) == 2


def test_a_forged_level_does_not_reproduce(agency: MinhBach) -> None:
    rate(agency, "P1", "COMPLETE")
    table = draft(agency, "SNV", YEAR, ORGANISATIONS)
    forged = [dict(row) for row in table.rows]
    for row in forged:
        if row["organisation"] == "SNV/P1":
            row["level"] = "EXCELLENT"
    command = table.command().model_copy(
        update={"rows": tuple(forged), "digest": table_digest(forged, "organisation")}
    )
    agency.execute(command, with_source(HR, "TB 9/TB-SNV"))
    outcome = reproduce(agency, "SNV", YEAR, 1, ORGANISATIONS)
    assert not outcome.matches
    assert outcome.differences == [("SNV/P1", "level", "EXCELLENT", "COMPLETE")]


def test_a_table_whose_digest_is_not_its_rows_is_refused(agency: MinhBach) -> None:
    rate(agency, "P1", "COMPLETE")
    table = draft(agency, "SNV", YEAR, ORGANISATIONS)
    command = table.command().model_copy(update={"digest": "0" * 64})
    with pytest.raises(DomainError) as refused:
        agency.execute(command, with_source(HR, "TB 9/TB-SNV"))
    assert refused.value.code == "invalid_value"
    assert replay(agency).state.agencies["SNV"].organisation_publications == []


def test_nothing_to_publish_is_not_found(app: MinhBach) -> None:
    build_agency(app)
    with pytest.raises(DomainError) as missing:
        draft(app, "SNV", YEAR, ORGANISATIONS)
    assert missing.value.code == "not_found"


@pytest.mark.parametrize(
    ("day", "special", "timing"),
    [
        (datetime(YEAR, 12, 14, 16, tzinfo=UTC), None, "on_time"),
        (datetime(YEAR, 12, 15, 8, tzinfo=UTC), None, "late"),
        (datetime(YEAR, 12, 15, 8, tzinfo=UTC), "QĐ 5120/QĐ-UBND", "special_case"),
        (datetime(YEAR + 1, 1, 14, 8, tzinfo=UTC), "QĐ 5120/QĐ-UBND", "special_case"),
        (datetime(YEAR + 1, 1, 15, 8, tzinfo=UTC), "QĐ 5120/QĐ-UBND", "late"),
    ],
)
def test_when_the_level_is_decided_is_flagged_against_art_9_1(
    app: MinhBach, clock: FakeClock, day: datetime, special: str | None, timing: str
) -> None:
    """«trước ngày 15 tháng 12 hằng năm, trường hợp đặc biệt ... trước ngày 15 tháng 01
    năm sau»: a late decision is recorded, and shown as late."""
    clock.at = day - timedelta(days=1)
    agency = assessed(app)
    clock.at = day
    result = rate(agency, "P1", "COMPLETE", special_case_ref=special)
    assert result.result["timing"] == timing
    view = organisation_year_view(replay(agency).state, "SNV", "P1", YEAR)
    assert view is not None
    decision = view["decisions"][0]
    assert decision["decided_on"] == day.date().isoformat()
    assert decision["timing"]["result"] == timing
    assert decision["timing"]["rule"] == "Art. 9(1)"
