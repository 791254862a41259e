"""A quarterly agency beside the scenario's monthly SNV, for servants who move between them.

SNQ evaluates by quarter: board BGQ (GQ head), unit PQ; product BC (factor 1.5).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain import commands as c
from domain.application import MinhBach
from domain.policy import ND335_2025_V1
from tests.app.scenario import ADMIN, HR, manager, servant

FULL_CRITERIA = {criterion.code: criterion.maximum for criterion in ND335_2025_V1.criteria_maxima}


def build_quarterly_agency(app: MinhBach) -> None:
    app.execute(c.RegisterAgency(code="SNQ", title="Sở Tư pháp", period_kind="quarter"), ADMIN)
    app.execute(
        c.OpenUnit(agency="SNQ", unit="BGQ", title="Ban giám đốc", is_leadership=True), ADMIN
    )
    app.execute(c.OpenUnit(agency="SNQ", unit="PQ", title="Phòng Hành chính"), ADMIN)
    app.execute(
        c.RegisterServant.model_validate(
            {
                "code": "GQ",
                "full_name": "Giám đốc SNQ",
                "agency": "SNQ",
                "unit": "BGQ",
                "position": "giam-doc",
                "leadership": "head",
                "employed_from": "2020-01-01",
            }
        ),
        HR,
    )
    app.execute(
        c.AddProduct(
            agency="SNQ",
            product="BC",
            title="Báo cáo",
            position="chuyen-vien",
            complexity_group=2,
            factor=Decimal("1.5"),
            effective_from=date(2026, 1, 1),
        ),
        HR,
    )


def period_days(period: str) -> tuple[date, date]:
    """The first day and the 10th day of a period's first month (assignment, deadline)."""
    year = int(period[:4])
    month = int(period[5:7]) if "Q" not in period else 3 * int(period[-1]) - 2
    return date(year, month, 1), date(year, month, 10)


def work(
    app: MinhBach,
    task: str,
    code: str,
    period: str,
    by: str,
    *,
    criteria: bool = False,
    on: date | None = None,
) -> None:
    """One task done on time and accepted (task ratio 1: 70 points); with ``criteria``,
    every general criterion at its maximum too (30 points), else the evaluator confirms
    the period with no criterion scored (0 points). Assigned on the period's first day
    (or ``on``), due 9 days later."""
    assigned, deadline = period_days(period)
    if on is not None:
        assigned, deadline = on, on + timedelta(days=9)
    app.execute(
        c.AssignTask.model_validate(
            {
                "task": task,
                "servant": code,
                "product": "BC",
                "quantity": "2",
                "period": period,
                "assigned_on": assigned.isoformat(),
                "deadline": deadline.isoformat(),
            }
        ),
        manager(by),
    )
    app.execute(
        c.SubmitResult(task=task, completed_quantity=Decimal(2), completed_on=deadline),
        servant(code),
    )
    app.execute(c.AssessResult(task=task, outcome="accepted"), manager(by))
    scores = FULL_CRITERIA if criteria else {}
    app.execute(c.ScoreCriteria(servant=code, period=period, scores=scores), manager(by))
