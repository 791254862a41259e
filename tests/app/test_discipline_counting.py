"""Art. 11(3)(a–d): which year, and which organisation, a discipline counts for.

- (a) Party and administrative discipline for one act, in different years: counted in
  one year only — the two decisions are linked by ``related_decision``.
- (b) a violation used for a FAIL (by a competent conclusion) before any decision: the
  decision that comes in a later year is not counted again.
- (c–d) a violation at a former organisation counts for the evaluation there: the
  decision names the organisation (``violation_agency``) and/or the date.

CV1 works at the monthly SNV (unit P1); SNQ is a quarterly agency it can move to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import StoredEvent

from domain import commands as c
from domain.application import MinhBach
from domain.discipline import AuthorityConclusion, DisciplineDecision, conclusion_id, discipline_id
from domain.errors import DomainError
from projections.explain import Explainer, StoreEvents
from projections.queries import annual_classification
from projections.replay import replay
from projections.runner import Projector
from tests.app.quarterly_agency import build_quarterly_agency
from tests.app.scenario import AUTHORITY, HR, build_agency, with_source


@pytest.fixture
def projector(app: MinhBach) -> Iterator[Projector]:
    build_agency(app)
    build_quarterly_agency(app)
    projector = Projector(app)
    yield projector
    projector.engine.dispose()


def discipline(app: MinhBach, number: str, decided_on: str, **extra: Any) -> None:
    app.execute(
        c.RecordDiscipline.model_validate(
            {
                "decision_no": number,
                "servant": "CV1",
                "form": "reprimand",
                "public_service_related": True,
                "decided_on": decided_on,
                **extra,
            }
        ),
        with_source(HR, f"QĐ {number}"),
    )


def conclusion(app: MinhBach, number: str, year: int, **extra: Any) -> None:
    app.execute(
        c.RecordConclusion.model_validate(
            {
                "conclusion_no": number,
                "servant": "CV1",
                "kind": "degradation",
                "year": year,
                "concluded_on": f"{year}-11-20",
                **extra,
            }
        ),
        with_source(HR, f"KL {number}"),
    )


def triggers(projector: Projector, year: int) -> list[list[str]]:
    projector.catch_up()
    with projector.engine.connect() as conn:
        row = annual_classification(conn, "CV1", year)
    found: list[list[str]] = row["fail_triggers"] if row else []
    return found


def discipline_steps(app: MinhBach, year: int) -> dict[str, dict[str, Any]]:
    """The explanation's step on each discipline decision in ``year``'s row."""
    explanation = Explainer(StoreEvents(app), replay(app)).year("CV1", year)
    return {
        step["refs"][0]: step
        for section in explanation["sections"]
        for step in section["steps"]
        if step["key"] == "discipline"
    }


def verdicts(app: MinhBach, year: int) -> dict[str, str]:
    return {ref: step["result"] for ref, step in discipline_steps(app, year).items()}


def test_art_11_3_b_a_violation_used_for_a_fail_is_not_counted_again_the_year_decided(
    app: MinhBach, projector: Projector
) -> None:
    conclusion(app, "KL-1", 2026, violation_ref="VP-7")
    discipline(app, "QĐ-1", "2027-02-10", violation_ref="VP-7")
    assert triggers(projector, 2026) == [["KL-1"]]
    assert triggers(projector, 2027) == []
    assert verdicts(app, 2027)["QĐ-1"] == (
        "does not count: violation already used for a FAIL in 2026 (conclusion KL-1) "
        "before any decision (Art. 11(3)(b))"
    )
    # The conclusion withdrawn: it made no FAIL, so the decision counts in its own year.
    app.execute(c.WithdrawConclusion(conclusion_no="KL-1", reason="sai căn cứ"), AUTHORITY)
    assert triggers(projector, 2026) == []
    assert triggers(projector, 2027) == [["QĐ-1"]]


def test_art_11_3_b_a_conclusion_without_the_violation_named_leaves_the_decision_counted(
    app: MinhBach, projector: Projector
) -> None:
    conclusion(app, "KL-1", 2026)  # as recorded before conclusions named their violation
    discipline(app, "QĐ-1", "2027-02-10", violation_ref="VP-7")
    assert triggers(projector, 2027) == [["QĐ-1"]]


def test_art_11_3_a_linked_party_and_administrative_decisions_count_in_one_year(
    app: MinhBach, projector: Projector
) -> None:
    discipline(app, "QĐ-HC", "2026-11-05")  # administrative, no violation reference
    discipline(app, "QĐ-Đ", "2027-01-12", related_decision="QĐ-HC")  # Party, the same act
    assert triggers(projector, 2026) == [["QĐ-HC"]]
    assert triggers(projector, 2027) == []
    assert verdicts(app, 2027)["QĐ-Đ"] == (
        "does not count: same violation (QĐ-HC) already counted for 2026"
    )
    # Annulled, the first no longer uses the act up: the second counts in its year.
    app.execute(c.AnnulDiscipline(decision_no="QĐ-HC", reason="sai thẩm quyền"), AUTHORITY)
    assert triggers(projector, 2026) == []
    assert triggers(projector, 2027) == [["QĐ-Đ"]]


def test_art_11_3_a_linked_decisions_of_one_year_make_one_trigger(
    app: MinhBach, projector: Projector
) -> None:
    discipline(app, "QĐ-HC", "2026-03-05")
    discipline(app, "QĐ-Đ", "2026-06-12", related_decision="QĐ-HC")
    discipline(app, "QĐ-X", "2026-07-01")  # another act
    assert sorted(triggers(projector, 2026)) == [["QĐ-HC", "QĐ-Đ"], ["QĐ-X"]]


@pytest.mark.parametrize(
    ("related", "code"),
    [("QĐ-TP1", "invalid_value"), ("QĐ-9", "not_found"), ("QĐ-2", "invalid_value")],
)
def test_art_11_3_a_a_link_names_another_decision_of_the_same_servant(
    app: MinhBach, projector: Projector, related: str, code: str
) -> None:
    app.execute(
        c.RecordDiscipline.model_validate(
            {
                "decision_no": "QĐ-TP1",
                "servant": "TP1",
                "form": "warning",
                "public_service_related": True,
                "decided_on": "2026-03-01",
            }
        ),
        with_source(HR, "QĐ TP1"),
    )
    with pytest.raises(DomainError) as refused:
        discipline(app, "QĐ-2", "2026-04-01", related_decision=related)
    assert refused.value.code == code


def test_art_11_3_c_a_violation_at_the_former_organisation_counts_for_its_evaluation(
    app: MinhBach, projector: Projector
) -> None:
    app.execute(
        c.PlaceServant.model_validate(
            {"servant": "CV1", "effective": "2027-01-01", "agency": "SNQ", "unit": "PQ"}
        ),
        HR,
    )
    # Decided at SNQ in 2027 for what CV1 did at SNV: it counts for 2026, the year there.
    discipline(app, "QĐ-1", "2027-03-01", violation_agency="SNV")
    assert triggers(projector, 2026) == [["QĐ-1"]]
    assert triggers(projector, 2027) == []
    [step] = discipline_steps(app, 2026).values()
    assert step["result"] == "counts"
    assert "violation at the former organisation SNV" in step["substitution"]
    # Without the organisation named, the decision counts in the year decided (as before).
    discipline(app, "QĐ-2", "2027-03-02")
    assert triggers(projector, 2027) == [["QĐ-2"]]
    assert verdicts(app, 2027)["QĐ-1"] == (
        "does not count: counts for 2026: violation at the former organisation SNV (Art. 11(3)(c))"
    )


def test_art_11_3_d_the_violations_date_places_it_at_the_organisation_of_the_day(
    app: MinhBach, projector: Projector
) -> None:
    for effective, agency, unit in (("2026-07-01", "SNQ", "PQ"), ("2027-06-01", "SNV", "P1")):
        app.execute(
            c.PlaceServant.model_validate(
                {"servant": "CV1", "effective": effective, "agency": agency, "unit": unit}
            ),
            HR,
        )
    # Back at SNV in 2027, for a violation at SNQ on 5 October 2026: SNQ's, in 2026.
    discipline(app, "QĐ-1", "2027-08-01", violation_on="2026-10-05")
    # For a violation at SNV on 2 July 2027 (its own organisation): the year decided.
    discipline(app, "QĐ-2", "2027-08-02", violation_on="2027-07-02")
    assert triggers(projector, 2026) == [["QĐ-1"]]
    assert triggers(projector, 2027) == [["QĐ-2"]]
    with pytest.raises(DomainError) as mismatch:
        discipline(app, "QĐ-3", "2027-08-03", violation_on="2026-10-05", violation_agency="SNV")
    assert mismatch.value.code == "invalid_value"
    with pytest.raises(DomainError) as never_there:
        app.execute(
            c.RecordDiscipline.model_validate(
                {
                    "decision_no": "QĐ-4",
                    "servant": "CV2",
                    "form": "reprimand",
                    "public_service_related": True,
                    "decided_on": "2027-08-01",
                    "violation_agency": "SNQ",
                }
            ),
            with_source(HR, "QĐ 4"),
        )
    assert never_there.value.code == "invalid_value"


def _as_version_1(app: MinhBach, aggregate_id: UUID, dropped: tuple[str, ...]) -> Any:
    """The aggregate's first event as stored before ``dropped`` fields existed, decoded."""
    [stored] = app.recorder.select_events(aggregate_id, lte=1)
    state = app.mapper.transcoder.decode(stored.state)
    for name in ("class_version", *dropped):
        state.pop(name)
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=app.mapper.transcoder.encode(state),
    )
    event = app.mapper.to_domain_event(old)
    assert isinstance(event, CanMutateAggregate)
    return event.mutate(None)


def test_art_11_3_events_recorded_before_links_and_places_fold_with_their_meaning(
    app: MinhBach, projector: Projector
) -> None:
    discipline(app, "QĐ-1", "2026-05-01", violation_ref="VP-1")
    conclusion(app, "KL-1", 2026)
    decision = _as_version_1(
        app, discipline_id("QĐ-1"), ("related_decision", "violation_agency", "violation_on")
    )
    assert isinstance(decision, DisciplineDecision)
    assert (decision.counted_year, decision.violation_ref, decision.agency_code) == (
        2026,
        "VP-1",
        "SNV",
    )
    assert (decision.related_decision, decision.at_former_organisation) == (None, None)
    found = _as_version_1(app, conclusion_id("KL-1"), ("violation_ref",))
    assert isinstance(found, AuthorityConclusion)
    assert (found.year, found.violation_ref) == (2026, None)
