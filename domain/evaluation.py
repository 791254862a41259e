"""One servant's evaluation for one period: general criteria (Form 01) and
the leader components đ and e (Art. 12, 15(3), 17(2))."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from domain.base import AggregateCreated, Audited, stable_id


def evaluation_id(servant_code: str, period: str) -> UUID:
    return stable_id("evaluation", servant_code, period)


class PeriodEvaluation(Audited):
    TOPIC = "minhbach.evaluation:PeriodEvaluation"

    class Opened(Audited.Event, AggregateCreated):
        TOPIC = "minhbach.evaluation:Opened"
        servant_code: str
        period: str

        def apply(self, evaluation: PeriodEvaluation) -> None:
            evaluation.servant_code = self.servant_code
            evaluation.period = self.period

    class CriteriaSelfScored(Audited.Event):
        """The servant's own scores, per sub-criterion code (e.g. ``II.3``)."""

        TOPIC = "minhbach.evaluation:CriteriaSelfScored"
        scores: dict[str, Decimal]

        def apply(self, evaluation: PeriodEvaluation) -> None:
            evaluation.self_scores = dict(self.scores)

    class CriteriaScored(Audited.Event):
        """The evaluator's scores: these are the ones that count."""

        TOPIC = "minhbach.evaluation:CriteriaScored"
        scores: dict[str, Decimal]

        def apply(self, evaluation: PeriodEvaluation) -> None:
            evaluation.scores = dict(self.scores)

    class LeaderComponentScored(Audited.Event):
        """đ (``dd``) or e, 100% or 50%, with the evaluator's reason."""

        TOPIC = "minhbach.evaluation:LeaderComponentScored"
        component: str
        value: Decimal
        reason: str

        def apply(self, evaluation: PeriodEvaluation) -> None:
            evaluation.leader_components[self.component] = self.value

    def __init__(self) -> None:
        self.servant_code = ""
        self.period = ""
        self.self_scores: dict[str, Decimal] = {}
        self.scores: dict[str, Decimal] = {}
        self.leader_components: dict[str, Decimal] = {}
