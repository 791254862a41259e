"""An organisation's year of rating (Chapter II) has an evidence bundle as a
servant's year does: the organisation view and every event it reads, proven
against a signed checkpoint; the offline verifier folds the proven events,
recomputes the view, and rejects any score or level the events do not give."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from domain.application import MinhBach
from domain.organisation_year import organisation_year_id
from projections.bundle import make_organisation_bundle, verify_bundle
from projections.ledger import Ledger
from projections.signing import generate
from tests.app.scenario import build_agency
from tests.app.test_organisation_rating import assess, good_units, plan, rate

KEY = generate()


@pytest.fixture
def ledger(app: MinhBach) -> Iterator[Ledger]:
    build_agency(app)
    good_units(app, 2)
    plan(app, "P1", late=1)
    assess(app, "P1", "25", "50")
    rate(app, "P1", "COMPLETE")
    recorded = Ledger(app, signer=KEY)
    recorded.catch_up()
    yield recorded
    recorded.engine.dispose()


def bundle_of(app: MinhBach, ledger: Ledger, unit: str | None = "P1") -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        json.dumps(make_organisation_bundle(app, ledger, "SNV", unit, 2026))
    )
    return document


def test_an_organisation_s_bundle_verifies_offline(app: MinhBach, ledger: Ledger) -> None:
    bundle = bundle_of(app, ledger)
    report = verify_bundle(bundle, KEY.public)
    assert report.valid, report.problems
    explanation = bundle["explanation"]
    assert bundle["subject"] == {"agency": "SNV", "unit": "P1", "year": 2026}
    assert explanation["level"] == "COMPLETE" and explanation["assessment"]["total"] == "75"
    assert explanation["steps"] and all(step["rule"] for step in explanation["steps"])
    own = set(explanation["events"])
    assert report.events == len(own | set(bundle["context"])) > len(own)
    ids = {e["originator_id"] for e in bundle["events"]}
    # The units sharing the quota are read, and so proven.
    assert str(organisation_year_id("SNV", "G0", 2026)) in ids
    assert bundle["anchor"]["position"] == explanation["position"]


def test_a_forged_score_or_level_fails(app: MinhBach, ledger: Ledger) -> None:
    bundle = bundle_of(app, ledger)
    forged = copy.deepcopy(bundle)
    forged["explanation"]["assessment"]["general_points"] = "30"
    problems = verify_bundle(forged, KEY.public).problems
    assert problems and "explanation.assessment.general_points" in problems[0]
    forged = copy.deepcopy(bundle)
    forged["explanation"]["level"] = "EXCELLENT"
    assert not verify_bundle(forged, KEY.public).valid
    dropped = copy.deepcopy(bundle)
    dropped["events"] = [e for e in dropped["events"] if e["position"] != bundle["context"][0]]
    dropped["context"] = bundle["context"][1:]
    assert not verify_bundle(dropped, KEY.public).valid
    other = copy.deepcopy(bundle)
    other["subject"]["unit"] = "G0"
    assert not verify_bundle(other, KEY.public).valid


def test_the_agency_s_bundle_reads_the_units_under_it(app: MinhBach, ledger: Ledger) -> None:
    plan(app, None)
    assess(app, None, "25", "55")
    ledger.catch_up()
    bundle = bundle_of(app, ledger, None)
    assert verify_bundle(bundle, KEY.public).valid
    under = {row["organisation"] for row in bundle["explanation"]["under"]}
    assert under >= {"SNV/P1", "SNV/G0", "SNV/G1"}


def test_nothing_recorded_is_not_found(app: MinhBach, ledger: Ledger) -> None:
    from domain.errors import NotFound

    with pytest.raises(NotFound):
        make_organisation_bundle(app, ledger, "SNV", "G9", 2026)
