"""One servant's evaluation for one period: general criteria (Form 01) and
the leader components đ and e (Art. 12, 15(3), 17(2)).

A score is kept per sub-criterion: a scoring event sets the sub-criteria it
names and leaves the others as they were. Events recorded before version 2
replaced the whole set (what the command did then), and are read that way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
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
        class_version = 2
        scores: dict[str, Decimal]
        replaces_all: bool  # True only for events recorded before version 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["replaces_all"] = True

        def apply(self, evaluation: PeriodEvaluation) -> None:
            evaluation.self_scores = _scored(evaluation.self_scores, self.scores, self.replaces_all)
            evaluation.self_scored = True

    class CriteriaScored(Audited.Event):
        """The evaluator's scores, which confirm the period (Art. 17(2)); whether
        they or the self-scores count is the policy's ``criteria_source``."""

        TOPIC = "minhbach.evaluation:CriteriaScored"
        class_version = 2
        scores: dict[str, Decimal]
        replaces_all: bool  # True only for events recorded before version 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["replaces_all"] = True

        def apply(self, evaluation: PeriodEvaluation) -> None:
            evaluation.scores = _scored(evaluation.scores, self.scores, self.replaces_all)
            evaluation.confirmed = True

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
        # Whether the servant, and the evaluator, recorded scores (even none of them).
        self.self_scored = False
        self.confirmed = False
        self.leader_components: dict[str, Decimal] = {}


def _scored(
    current: dict[str, Decimal], named: dict[str, Decimal], replaces_all: bool
) -> dict[str, Decimal]:
    """The scores after an event: only the named sub-criteria change (a copy, so the
    stored event is never aliased)."""
    return dict(named) if replaces_all else {**current, **named}
