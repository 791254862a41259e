"""The demo agency with a few more facts for the documents: a unit whose head is
capped by the unit's level, two decided classifications (one departing from its
proposal), and a signed ledger. Loaded once per test session into a file that
tests copy before changing anything."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from demo import AGENCY, load_demo
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.storage import storage_from_url
from domain.values import Level
from projections.ledger import Ledger
from projections.signing import Signer, generate

YEAR = 2026
KEY = generate()
AUTHORITY = Actor("UBND-HN-CT", Role.AUTHORITY)
HR = Actor("SNV-HN-029", Role.HR)

STAFF = "SNV-HN-015"  # a chuyên viên at COMPLETE level
LEADER = "SNV-HN-004"  # Trưởng phòng TCBC: d, đ, e
FAILED = "SNV-HN-034"  # reprimanded: FAIL whatever the score
TIED = "SNV-HN-010"  # tied across the EXCELLENT quota
CAPPED = "SNV-HN-016"  # head of CCHC, EXCELLENT by score, the unit decided GOOD
DEPARTED = "SNV-HN-024"  # proposed GOOD, decided COMPLETE
DECIDED = "SNV-HN-009"  # proposed and decided EXCELLENT


def clock() -> datetime:
    return datetime(YEAR + 1, 1, 20, 9, 0, tzinfo=UTC)


def add_year_end(app: MinhBach) -> None:
    authority = CommandContext(AUTHORITY, "QĐ 300/QĐ-UBND")
    # CCHC rated again, GOOD below its points: its head is capped (Art. 20(6)).
    app.execute(
        c.DecideOrganisationRating(
            agency=AGENCY,
            unit="CCHC",
            year=YEAR,
            decision_no="QĐ 300/QĐ-UBND",
            level=Level.GOOD,
            departure_reason="Kết quả kiểm tra của cấp có thẩm quyền",
        ),
        authority,
    )
    hr = CommandContext(HR, "Tờ trình 12/TTr-SNV")
    for code, level, score in (
        (DEPARTED, Level.GOOD, "87.79"),
        (DECIDED, Level.EXCELLENT, "97.63"),
    ):
        app.execute(
            c.ProposeClassification(
                servant=code, year=YEAR, level=level, annual_score=Decimal(score), basis="điểm"
            ),
            hr,
        )
    app.execute(
        c.DecideClassification(
            servant=DEPARTED,
            year=YEAR,
            decision_no="QĐ 41/QĐ-SNV",
            level=Level.COMPLETE,
            minutes_ref="BB 9/BB-SNV",
            departure_reason="Ý kiến của cuộc họp đánh giá",
        ),
        authority,
    )
    app.execute(
        c.DecideClassification(
            servant=DECIDED,
            year=YEAR,
            decision_no="QĐ 42/QĐ-SNV",
            level=Level.EXCELLENT,
            minutes_ref="BB 9/BB-SNV",
        ),
        authority,
    )
    app.execute(
        c.ProposeDecision(
            decision_no="QĐ 50/QĐ-SNV",
            kind="commendation",
            servant=DECIDED,
            basis_years=(YEAR,),
            reason="Hoàn thành xuất sắc nhiệm vụ năm 2026",
        ),
        hr,
    )


@dataclass(frozen=True)
class DemoFile:
    path: Path
    signer: Signer

    def open(self, folder: Path) -> tuple[MinhBach, Ledger]:
        """A copy of the loaded demo, and its ledger (signing with the demo's key)."""
        copy = folder / "demo.db"
        shutil.copy(self.path, copy)
        app = MinhBach(storage_from_url(f"sqlite:///{copy}"), clock=clock)
        return app, Ledger(app, signer=self.signer)


def build(folder: Path) -> DemoFile:
    path = folder / "demo.db"
    app = MinhBach(storage_from_url(f"sqlite:///{path}"), clock=clock)
    load_demo(app, YEAR)
    add_year_end(app)
    ledger = Ledger(app, signer=KEY)
    ledger.catch_up(force_checkpoint=True)
    ledger.engine.dispose()
    app.close()
    return DemoFile(path, KEY)
