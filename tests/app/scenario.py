"""A small agency to run commands against: one board, two units, a catalogue.

SNV: board BGD (GD head, PGD deputy); unit P1 (TP1 head, PP1 deputy, CV1 and
CV2 staff); unit P2 (TP2 head, CV3 staff). Product BC (factor 1.5), VB (1).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import CommandResult, MinhBach

ADMIN = CommandContext(Actor("admin", Role.ADMIN))
HR = CommandContext(Actor("hr-snv", Role.HR))
AUTHORITY = CommandContext(Actor("ubnd-tinh", Role.AUTHORITY), source_ref="QĐ 1/QĐ-UBND")
YEAR = 2026


def manager(code: str) -> CommandContext:
    return CommandContext(Actor(code, Role.MANAGER))


def servant(code: str) -> CommandContext:
    return CommandContext(Actor(code, Role.CIVIL_SERVANT))


def with_source(ctx: CommandContext, ref: str) -> CommandContext:
    return CommandContext(ctx.actor, ref)


STAFF: dict[str, tuple[str, str]] = {
    # code: (unit, leadership)
    "GD": ("BGD", "head"),
    "PGD": ("BGD", "deputy"),
    "TP1": ("P1", "head"),
    "PP1": ("P1", "deputy"),
    "CV1": ("P1", "staff"),
    "CV2": ("P1", "staff"),
    "TP2": ("P2", "head"),
    "CV3": ("P2", "staff"),
}


def build_agency(app: MinhBach) -> None:
    app.execute(c.RegisterAgency(code="SNV", title="Sở Nội vụ"), ADMIN)
    app.execute(
        c.OpenUnit(agency="SNV", unit="BGD", title="Ban giám đốc", is_leadership=True), ADMIN
    )
    app.execute(c.OpenUnit(agency="SNV", unit="P1", title="Phòng Tổ chức"), ADMIN)
    app.execute(c.OpenUnit(agency="SNV", unit="P2", title="Văn phòng"), ADMIN)
    for code, (unit, leadership) in STAFF.items():
        app.execute(
            c.RegisterServant.model_validate(
                {
                    "code": code,
                    "full_name": f"Công chức {code}",
                    "agency": "SNV",
                    "unit": unit,
                    "position": "chuyen-vien",
                    "leadership": leadership,
                    "employed_from": "2020-01-01",
                }
            ),
            HR,
        )
    for product, factor in (("BC", "1.5"), ("VB", "1")):
        app.execute(
            c.AddProduct(
                agency="SNV",
                product=product,
                title=f"Sản phẩm {product}",
                position="chuyen-vien",
                complexity_group=2,
                factor=Decimal(factor),
                effective_from=date(2026, 1, 1),
            ),
            HR,
        )


def assign(
    app: MinhBach,
    task: str,
    to: str = "CV1",
    by: str = "TP1",
    *,
    period: str = "2026-03",
    product: str = "BC",
    quantity: str = "2",
    **extra: Any,
) -> CommandResult:
    month = int(period[5:7]) if "Q" not in period else 3 * int(period[-1]) - 2
    fields: dict[str, Any] = {
        "task": task,
        "servant": to,
        "product": product,
        "quantity": quantity,
        "period": period,
        "assigned_on": date(YEAR, month, 1).isoformat(),
        "deadline": date(YEAR, month, 10).isoformat(),
        **extra,
    }
    return app.execute(c.AssignTask.model_validate(fields), manager(by))


def log_size(app: MinhBach) -> int:
    """The position of the newest event (0 when the log is empty)."""
    return app.recorder.max_notification_id() or 0


# One task done on time (ratio 1, 70 points) plus the general criteria.
FULL_CRITERIA = {
    "I.1": "5",
    "I.2": "5",
    **{f"{g}.{n}": "2.5" for g in ("II", "III") for n in range(1, 5)},
}  # 100
GOOD_CRITERIA = {"I.1": "5", "I.2": "5", "II.1": "2.5", "II.2": "2.5"}  # 85
EVALUATORS = {"GD": AUTHORITY, "PGD": manager("GD"), "TP1": manager("GD"), "TP2": manager("GD")}


def evaluator(code: str) -> CommandContext:
    return EVALUATORS.get(code) or manager("TP2" if code == "CV3" else "TP1")


def work(
    app: MinhBach,
    code: str,
    criteria: dict[str, str],
    month: int = 3,
    by: CommandContext | None = None,
) -> None:
    """One month for ``code``: a task done on time, then the evaluator's criteria."""
    period = f"{YEAR}-{month:02d}"
    task = f"{code}-{period}"
    boss = by or evaluator(code)
    app.execute(
        c.AssignTask.model_validate(
            {
                "task": task,
                "servant": code,
                "product": "BC",
                "quantity": "2",
                "period": period,
                "assigned_on": f"{period}-01",
                "deadline": f"{period}-10",
            }
        ),
        boss,
    )
    app.execute(
        c.SubmitResult.model_validate(
            {"task": task, "completed_quantity": "2", "completed_on": f"{period}-09"}
        ),
        servant(code),
    )
    app.execute(c.AssessResult(task=task, outcome="accepted"), boss)
    scores = {k: Decimal(v) for k, v in criteria.items()}
    app.execute(c.ScoreCriteria(servant=code, period=period, scores=scores), boss)
