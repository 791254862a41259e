"""A small recorded year to make evidence from: a staff member (CV1) with a
reprimand, classified FAIL and dismissed on that basis (four eyes), who
appeals; their unit head (TP1) and a colleague (CV2) with work of their own,
so that the quota's peer group and a leader's d enter the evidence too."""

from __future__ import annotations

from dataclasses import dataclass

from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from projections.ledger import Ledger
from projections.signing import Signer
from tests.app.scenario import AUTHORITY, HR, build_agency, servant, with_source
from tests.app.test_projection_properties import History

HR2 = CommandContext(Actor("hr-snv-2", Role.HR))
YEAR = 2026


@dataclass
class World:
    app: MinhBach
    ledger: Ledger


def record_year(app: MinhBach, key: Signer, months: int = 2) -> World:
    build_agency(app)
    history = History(app)
    for month in range(1, months + 1):
        history.work("CV1", month, late=month - 1, failures=month % 2, ad_hoc=False, finish=True)
        history.criteria("CV1", month, "2.5")
        history.work("CV2", month, late=0, failures=0, ad_hoc=False, finish=True)
        history.work("TP1", month, late=0, failures=0, ad_hoc=False, finish=True)
    app.execute(
        c.RecordDiscipline.model_validate(
            {
                "decision_no": "KL-7",
                "servant": "CV1",
                "form": "reprimand",
                "public_service_related": True,
                "decided_on": "2026-04-02",
            }
        ),
        with_source(AUTHORITY, "QĐ 7/QĐ-UBND"),
    )
    return World(app, Ledger(app, signer=key))


def dismiss(world: World) -> None:
    """CV1 is classified FAIL, notified, dismissed on it, and appeals."""
    app = world.app
    app.execute(
        c.ProposeClassification.model_validate(
            {"servant": "CV1", "year": YEAR, "level": "FAIL", "basis": "views"}
        ),
        HR,
    )
    app.execute(
        c.DecideClassification(
            servant="CV1", year=YEAR, decision_no="QĐ 100", level="FAIL", minutes_ref="BB 1"
        ),
        with_source(AUTHORITY, "QĐ 100"),
    )
    app.execute(c.NotifyResult(servant="CV1", year=YEAR), with_source(HR, "TB 1"))
    app.execute(
        c.ProposeDecision(
            decision_no="QĐ-TV-1",
            kind="dismissal",
            servant="CV1",
            basis_years=(YEAR,),
            reason="Không hoàn thành nhiệm vụ",
        ),
        HR,
    )
    app.execute(c.ApproveDecision(decision_no="QĐ-TV-1", agency="SNV"), with_source(HR2, "TTr 5"))
    app.execute(
        c.FileAppeal(appeal_no="KN-1", servant="CV1", year=YEAR, grounds="sai thẩm quyền"),
        servant("CV1"),
    )
