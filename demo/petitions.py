"""A petition story on top of the demo year, for the screens of petitions and
inspection (and their benchmarks): two classifications decided at another level
than computed, with their reasons (Art. 21); a petition against one of them
(Art. 22) that nobody takes up for three weeks, so it is overdue; and a
commendation resting on a classification decision later replaced (Art. 23(3)),
so it is flagged.

Time has to pass for a petition to be overdue: ``later`` moves the app's clock on
(the demo, restarted, runs on from the newest recorded time)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from demo.agency import AGENCY, AUTHORITY, SEED
from demo.roster import build_roster
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.values import Level
from projections.replay import replay

APPEAL = "KN 01/2027"
COMMENDATION = "QĐ 7/QĐ-KT"


@dataclass(frozen=True)
class PetitionStory:
    petitioner: str  # decided below the computed level; petitions
    commended: str  # commended, then their basis decision replaced
    appeal_no: str = APPEAL
    commendation: str = COMMENDATION


def record_petitions(
    app: MinhBach, year: int, reviewer: str, later: Callable[[], None]
) -> PetitionStory:
    """Record the story after ``load_demo(app, year)``; ``reviewer`` is an appeals
    reviewer principal, assigned the petition once ``later()`` has moved time on."""
    hr = Actor(build_roster(random.Random(SEED)).hr().code, Role.HR, AGENCY)
    authority = AUTHORITY
    rows = sorted(replay(app).deriver.annual_rows.values(), key=lambda r: r["servant_code"])
    good = [
        r["servant_code"]
        for r in rows
        if r["agency_code"] == AGENCY
        and r["year"] == year
        and r["leadership"] == "staff"
        and r["status"] == "proposed"
        and r["proposed_level"] == "GOOD"
    ]
    petitioner, commended = good[0], good[1]

    def classify(servant: str, level: Level, number: str, reason: str | None) -> None:
        app.execute(
            c.ProposeClassification(
                servant=servant, year=year, level=level, basis="views", departure_reason=reason
            ),
            CommandContext(hr, f"TTr đề xuất {servant}"),
        )
        app.execute(
            c.DecideClassification(
                servant=servant,
                year=year,
                decision_no=number,
                level=level,
                minutes_ref="BB 3/BB-HĐ",
                departure_reason=reason,
            ),
            CommandContext(authority, number),
        )
        app.execute(c.NotifyResult(servant=servant, year=year), CommandContext(hr, "TB 2/TB-SNV"))

    classify(petitioner, Level.COMPLETE, "QĐ 101/QĐ-SNV", "Chậm tiến độ nhiều nhiệm vụ")
    app.execute(
        c.FileAppeal(
            appeal_no=APPEAL, servant=petitioner, year=year, grounds="Đề nghị xem xét lại"
        ),
        CommandContext(Actor(petitioner, Role.CIVIL_SERVANT), "Đơn kiến nghị"),
    )
    classify(commended, Level.GOOD, "QĐ 102/QĐ-SNV", None)
    app.execute(
        c.ProposeDecision(
            decision_no=COMMENDATION,
            kind="commendation",
            servant=commended,
            basis_years=(year,),
            reason=f"Hoàn thành tốt nhiệm vụ năm {year}",
        ),
        CommandContext(hr, "TTr 7/TTr-SNV"),
    )
    app.execute(
        c.ApproveDecision(decision_no=COMMENDATION, agency=AGENCY),
        CommandContext(authority, COMMENDATION),
    )
    app.execute(
        c.DecideClassification(
            servant=commended,
            year=year,
            decision_no="QĐ 103/QĐ-SNV",
            level=Level.COMPLETE,
            minutes_ref="BB 4/BB-HĐ",
            departure_reason="Xem xét lại theo kết luận kiểm tra",
            replaces="QĐ 102/QĐ-SNV",
        ),
        CommandContext(authority, "QĐ 103/QĐ-SNV"),
    )
    later()
    app.execute(
        c.AssignAppealReviewer(appeal_no=APPEAL, reviewer=reviewer),
        CommandContext(hr, "Phân công giải quyết kiến nghị"),
    )
    return PetitionStory(petitioner, commended)
