"""Every event type round-trips through storage on every backend.

The complete import example (docs/examples/import-example.jsonl) exercises
every command, and so every event type; each stored event is decoded and
re-encoded to the same bytes, and every aggregate loads from the store.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import MapperDeserialisationError

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
from projections.lean import LeanReader, StoredRow
from projections.lean import notification as notification_of
from tests.app.scenario import log_size

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


def test_the_projections_fast_read_builds_the_librarys_events(app: MinhBach) -> None:
    """Every event type, as the projections read it (raw rows, orjson), equals the
    library's decoding: same class, same attributes of the same types."""
    report = import_lines(app, EXAMPLE.read_text(encoding="utf-8").splitlines())
    assert report.failures == []
    reader = LeanReader(app, page=7)  # several pages
    rows = [row for page in reader.pages(0, log_size(app)) for row in page]
    notifications = app.recorder.select_notifications(start=None, limit=10_000)
    assert [(r.id, r.topic, r.state) for r in rows] == [
        (n.id, n.topic, n.state) for n in notifications
    ]
    assert [notification_of(r, reader.convert_id) for r in rows] == notifications
    for row, stored in zip(rows, notifications, strict=True):
        fast, library = reader.event(row), app.mapper.to_domain_event(stored)
        assert type(fast) is type(library), row.topic
        assert fast.__dict__ == library.__dict__, row.topic
        assert {k: type(v) for k, v in fast.__dict__.items()} == {
            k: type(v) for k, v in library.__dict__.items()
        }


def stored_row(app: MinhBach, state: bytes) -> StoredRow:
    """A row as the backend gives it (SQLite: the id as text), of some event class."""
    originator = uuid.uuid4()
    stored_id = str(originator) if app.storage.backend == "sqlite" else originator
    return StoredRow(1, stored_id, 1, min(event_topics()), state)


@pytest.mark.parametrize(
    "state",
    [
        b'{"a": NaN, "b": {"_type_": "decimal_str", "_data_": "1.5"}}',  # orjson refuses NaN
        b'{"a": 123456789012345678901234567890}',  # beyond 64 bits
        b'{"a": -9223372036854775809, "b": 1e400}',
        b'{"a": 1.5, "b": [2.5e3, {"_type_": "decimal_str", "_data_": "0.10"}]}',
        b'{"a": {"_type_": "uuid_hex", "_data_": {"_type_": "decimal_str", "_data_": "1"}}}',
        b'{"a": {"_type_": "date_iso", "_data_": "2026-01-02", "c": 1}, "b": [[[]], {}]}',
        b'{"a": "\\ud800"}',  # a lone surrogate
        b'{"a": [{"_type_": "uuid_hex", "_data_": "' + b"0" * 32 + b'"}, {"_type_": 1}]}',
        b'{"_type_": "x", "a": {"_type_": "date_iso", "_data_": "2026-01-02", "c": 1}}',
    ],
)
def test_the_fast_read_decodes_unusual_states_as_the_library_does(
    app: MinhBach, state: bytes
) -> None:
    reader = LeanReader(app, page=10)
    row = stored_row(app, state)

    def outcome(decode: Callable[[], Any]) -> str:
        try:
            return repr(decode().__dict__)  # repr: NaN ≠ NaN
        except Exception as error:
            return f"{type(error).__name__}: {error}"

    library = outcome(lambda: app.mapper.to_domain_event(notification_of(row, reader.convert_id)))
    assert outcome(lambda: reader.event(row)) == library


def test_an_unknown_transcoding_is_refused_as_by_the_library(app: MinhBach) -> None:
    reader = LeanReader(app, page=10)
    state = b'{"a": {"_type_": "vanished", "_data_": 1}}'
    row = stored_row(app, state)
    with pytest.raises(MapperDeserialisationError) as library:
        app.mapper.to_domain_event(notification_of(row, reader.convert_id))
    with pytest.raises(MapperDeserialisationError) as fast:
        reader.event(row)
    assert str(fast.value) == str(library.value)
