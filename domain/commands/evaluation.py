"""Commands of a period's evaluation (Art. 12, 15, 17): general criteria and leader components."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from domain.commands.base import Amount, Command, PeriodCode, Scores
from domain.text import Code, Reason


class SelfScoreCriteria(Command):
    name = "self_score_criteria"
    servant: Code
    period: PeriodCode
    scores: Scores


class ScoreCriteria(Command):
    name = "score_criteria"
    servant: Code
    period: PeriodCode
    scores: Scores
    appeal_ref: Code | None = Field(None, description="The appeal this re-scoring corrects")


class ScoreLeaderComponent(Command):
    name = "score_leader_component"
    servant: Code
    period: PeriodCode
    component: Literal["dd", "e"] = Field(description="đ (organising ability) or e (unity)")
    value: Amount = Field(description="1 (100%) or 0.5 (50%)")
    reason: Reason
