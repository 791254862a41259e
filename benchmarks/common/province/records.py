"""The records the generator keeps while it builds the year: its size, the people,
what was generated, and a saver that stores aggregates a few hundred at a time;
with the small helpers it draws dates and scores with."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from benchmarks.common.province.shape import CRITERIA_MAXIMA, HALF
from demo import Profile
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.base import Audited
from domain.servant import CivilServant
from domain.values import LeadershipRole


@dataclass(frozen=True)
class Size:
    agencies: int
    servants: int  # per agency
    groups: int = 1  # managing agencies (provinces) the agencies are spread over

    def __str__(self) -> str:
        shape = f"{self.agencies} agencies × {self.servants} servants × 12 months"
        return shape if self.groups == 1 else f"{shape} in {self.groups} managing groups"


@dataclass
class Person:
    code: str
    agency: str
    unit: str
    position: str
    leadership: LeadershipRole
    peer_group: str
    profile: Profile
    aggregate: CivilServant

    @property
    def own(self) -> CommandContext:
        return CommandContext(Actor(self.code, Role.CIVIL_SERVANT))


@dataclass
class History:
    """What was generated: codes to query, and how many events were stored."""

    year: int
    agencies: list[str]
    servants: list[str]
    events: int = 0
    topics: Counter[str] = field(default_factory=Counter)


class Saver:
    """Saves aggregates with new events, a few hundred per ``app.save`` call."""

    def __init__(self, app: MinhBach, batch: int, topics: Counter[str]) -> None:
        self.app, self.batch, self.topics = app, batch, topics
        self.pending: dict[uuid.UUID, Audited] = {}

    def add(self, *aggregates: Audited) -> None:
        for aggregate in aggregates:
            self.pending[aggregate.id] = aggregate
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            recordings = self.app.save(*self.pending.values())
            self.topics.update(r.notification.topic for r in recordings)
            self.pending = {}


def at(day: date, hour: int = 16) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def working_days(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


def manager(person: Person) -> CommandContext:
    return CommandContext(Actor(person.code, Role.MANAGER))


def pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def criteria_scores(rng: random.Random, total: Decimal) -> dict[str, Decimal]:
    """The ten sub-criteria adding up to ``total`` (half points off their maxima)."""
    scores = dict(CRITERIA_MAXIMA)
    codes = list(scores)
    off = int((sum(scores.values()) - total) / HALF)
    while off > 0:
        code = rng.choice(codes)
        if scores[code] > 0:
            scores[code] -= HALF
            off -= 1
    return scores


def criteria_total(rng: random.Random, profile: Profile) -> Decimal:
    low, high = profile.criteria
    return low + HALF * rng.randint(0, int((high - low) / HALF))
