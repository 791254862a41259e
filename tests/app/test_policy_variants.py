"""An agency adopts a policy variant from a date by a recorded decision; every result
names the policy and the variant that produced it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.errors import DomainError
from projections.queries import annual_classification, period_results_of
from projections.runner import Projector
from tests.app.quarterly_agency import work
from tests.app.scenario import AUTHORITY, HR, build_agency, manager, with_source

GOOD_CRITERIA = {"I.1": "5", "I.2": "5"}  # 70 + 10 = 80: GOOD


@pytest.fixture
def projector(app: MinhBach) -> Iterator[Projector]:
    build_agency(app)
    projector = Projector(app)
    yield projector
    projector.engine.dispose()


def adopt(app: MinhBach, variant: str | None, on: date, ctx: CommandContext = AUTHORITY) -> None:
    app.execute(
        c.AdoptPolicyVariant(agency="SNV", variant=variant, effective_from=on),
        with_source(ctx, f"QĐ {on.isoformat()}/QĐ-UBND") if ctx.source_ref else ctx,
    )


@pytest.mark.parametrize(
    ("ctx", "fields", "code"),
    [
        (HR, {"variant": "quota-good-or-better"}, "not_authorised"),
        (
            CommandContext(Actor("ubnd", Role.AUTHORITY)),
            {"variant": "quota-good-or-better"},
            "missing_source_document",
        ),
        (AUTHORITY, {"variant": "lenient"}, "unknown_policy_variant"),
        (AUTHORITY, {"policy_id": "ND999"}, "unknown_policy"),
        (
            AUTHORITY,
            {"variant": "quota-good-or-better", "effective_from": "2025-12-01"},
            "invalid_value",
        ),
        (
            CommandContext(Actor("ubnd", Role.AUTHORITY, agency="OTHER"), "QĐ 9"),
            {"variant": "quota-good-or-better"},
            "outside_agency",
        ),
    ],
)
def test_adoption_rules(
    app: MinhBach, projector: Projector, ctx: CommandContext, fields: dict[str, str], code: str
) -> None:
    command = c.AdoptPolicyVariant.model_validate(
        {"agency": "SNV", "effective_from": "2026-07-01", **fields}
    )
    with pytest.raises(DomainError) as raised:
        app.execute(command, ctx)
    assert raised.value.code == code


def test_results_name_the_variant_from_its_date(app: MinhBach, projector: Projector) -> None:
    for month in (6, 7):
        work(app, f"T{month}", "CV1", f"2026-{month:02d}", "TP1")
    adopt(app, "late-working-days", date(2026, 7, 1))
    projector.catch_up()
    with projector.engine.connect() as conn:
        june, july = period_results_of(conn, "CV1", 2026)
        year = annual_classification(conn, "CV1", 2026)
    assert (june["policy_id"], june["policy_version"], june["policy_variant"]) == (
        "ND335-2025",
        1,
        None,
    )
    assert july["policy_variant"] == "late-working-days"
    # The year starts before the adoption: it keeps the policy as published.
    assert year is not None and year["policy_variant"] is None
    adopt(app, None, date(2026, 7, 1))  # a later decision, same day: back to the base
    projector.catch_up()
    with projector.engine.connect() as conn:
        _, july = period_results_of(conn, "CV1", 2026)
    assert july["policy_variant"] is None


def _peer_group_of_five(app: MinhBach) -> None:
    """CV1 EXCELLENT by score (100); CV2, PP1, TP1 and CV3 GOOD (80), one month each."""
    work(app, "T-CV1", "CV1", "2026-03", "TP1", criteria=True)
    for code, evaluator in (("CV2", "TP1"), ("PP1", "TP1"), ("TP1", "GD"), ("CV3", "TP2")):
        work(app, f"T-{code}", code, "2026-03", evaluator)
        app.execute(
            c.ScoreCriteria.model_validate(
                {"servant": code, "period": "2026-03", "scores": GOOD_CRITERIA}
            ),
            manager(evaluator),
        )
    # TP1 heads P1: with P1's level recorded as GOOD, TP1 is rated GOOD; without it
    # TP1 would be pending the organisation's level and count for nothing (Art. 20(6)).
    app.execute(
        c.DecideOrganisationLevel.model_validate(
            {"agency": "SNV", "year": 2026, "level": "GOOD", "unit": "P1"}
        ),
        AUTHORITY,
    )


def test_art_20_5_quota_base_variant_changes_the_proposal(
    app: MinhBach, projector: Projector
) -> None:
    _peer_group_of_five(app)
    projector.catch_up()
    with projector.engine.connect() as conn:
        literal = annual_classification(conn, "CV1", 2026)
    # The text: k ≤ ⌊0.2 × (4 GOOD + 1 − k)⌋ gives k = 0, so CV1 is moved down to GOOD.
    assert literal is not None
    assert (literal["level_by_score"], literal["proposed_level"]) == ("EXCELLENT", "GOOD")
    assert literal["reason"] == "quota"
    adopt(app, "quota-good-or-better", date(2026, 1, 1))
    projector.catch_up()
    with projector.engine.connect() as conn:
        read_wider = annual_classification(conn, "CV1", 2026)
    # GOOD or better: ⌊0.2 × 5⌋ = 1 place.
    assert read_wider is not None
    assert read_wider["proposed_level"] == "EXCELLENT"
    assert read_wider["policy_variant"] == "quota-good-or-better"


def test_an_agency_event_without_adoption_changes_nothing_of_the_variant(
    app: MinhBach, projector: Projector
) -> None:
    work(app, "T1", "CV1", "2026-03", "TP1")
    adopt(app, "protected-leave-exempt", date(2026, 1, 1))
    app.execute(
        c.DecideOrganisationLevel.model_validate({"agency": "SNV", "year": 2026, "level": "GOOD"}),
        AUTHORITY,
    )
    projector.catch_up()
    with projector.engine.connect() as conn:
        [row] = period_results_of(conn, "CV1", 2026)
        year = annual_classification(conn, "CV1", 2026)
    assert row["policy_variant"] == "protected-leave-exempt"
    assert year is not None and year["policy_variant"] == "protected-leave-exempt"


def test_explanations_name_the_variant(app: MinhBach, projector: Projector) -> None:
    from projections.explain import Explainer
    from projections.replay import replay

    for month in (6, 7):
        work(app, f"T{month}", "CV1", f"2026-{month:02d}", "TP1")
    adopt(app, "late-working-days", date(2026, 7, 1))
    explainer = Explainer(app, replay(app))
    june = explainer.period("CV1", "2026-06")["policy"]
    july = explainer.period("CV1", "2026-07")["policy"]
    assert (june["variant"], july["variant"]) == (None, "late-working-days")
    assert july["parameters"]["late_day_basis"] == "working"
    assert explainer.year("CV1", 2026)["policy"]["variant"] is None
