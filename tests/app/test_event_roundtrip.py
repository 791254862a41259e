"""Every event type round-trips through storage on every backend.

The complete import example (docs/examples/import-example.jsonl) exercises
every command, and so every event type; each stored event is decoded and
re-encoded to the same bytes, and every aggregate loads from the store.
"""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate

from api.importer import import_lines
from domain.agency import Agency
from domain.appeal import Appeal
from domain.application import MinhBach
from domain.base import Audited
from domain.catalogue import Catalogue
from domain.classification import Classification
from domain.commands import COMMANDS
from domain.discipline import AuthorityConclusion, DisciplineDecision
from domain.evaluation import PeriodEvaluation
from domain.organisation_year import OrganisationYear
from domain.personnel import PersonnelDecision
from domain.principal import AdminRoster, Principal
from domain.quota_pool import QuotaPool
from domain.receipt import CommandReceipt
from domain.servant import CivilServant
from domain.task import Task

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "import-example.jsonl"
AGGREGATES = (
    Agency,
    CivilServant,
    Catalogue,
    Task,
    PeriodEvaluation,
    DisciplineDecision,
    AuthorityConclusion,
    Classification,
    CommandReceipt,
    Principal,
    AdminRoster,
    Appeal,
    PersonnelDecision,
    QuotaPool,
    OrganisationYear,
)


def event_topics() -> set[str]:
    topics = set()
    for aggregate in AGGREGATES:
        for name, value in vars(aggregate).items():
            if (
                isinstance(value, type)
                and issubclass(value, CanMutateAggregate)
                and name != "Event"
            ):
                topics.add(value.TOPIC)  # type: ignore[attr-defined]
    return topics


def test_every_event_class_has_an_explicit_unique_topic() -> None:
    topics = event_topics()
    count = sum(
        1
        for aggregate in AGGREGATES
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, CanMutateAggregate) and name != "Event"
    )
    assert len(topics) == count
    assert all(topic.startswith("minhbach.") for topic in topics)


def test_the_import_example_uses_every_command() -> None:
    used = {json.loads(line)["command"] for line in EXAMPLE.read_text().splitlines() if line}
    assert used == set(COMMANDS)


def test_every_event_type_round_trips(app: MinhBach) -> None:
    report = import_lines(app, EXAMPLE.read_text(encoding="utf-8").splitlines())
    assert report.failures == []

    notifications = app.recorder.select_notifications(start=None, limit=10_000)
    assert {n.topic for n in notifications} == event_topics()

    for notification in notifications:
        event = app.mapper.to_domain_event(notification)
        again = app.mapper.to_stored_event(event)
        assert again.state == notification.state, notification.topic
        assert again.topic == notification.topic

    fresh = MinhBach(app.storage, clock=app.clock)
    try:
        for originator_id in {n.originator_id for n in notifications}:
            aggregate: Audited = fresh.repository.get(UUID(str(originator_id)))
            assert aggregate.version >= 1
    finally:
        fresh.close()
