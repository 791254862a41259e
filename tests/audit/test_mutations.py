"""Every field of an evidence bundle, a decision trace, a checkpoint and a
publication, changed in turn (``tests.audit.mutations``): the verifiers reject
every single change. Run with ``-s`` to see the counts quoted in docs/audit.md."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.application import MinhBach
from domain.errors import DomainError
from domain.publication import table_digest
from domain.storage import storage_from_url
from projections.bundle import make_bundle, verify_bundle
from projections.evidence import check_checkpoint
from projections.ledger import Checkpoint
from projections.publication import draft, reproduce
from projections.signing import generate
from projections.trace import make_trace, verify_trace
from projections.verify import verify_store
from tests.app.scenario import HR, with_source
from tests.audit.evidence_world import World, dismiss, record_year
from tests.audit.mutations import mutations, survivors
from tests.conftest import FakeClock

KEY = generate()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("mutations") / "events.db"
    clock = FakeClock(datetime(2026, 12, 20, 9, 0, tzinfo=UTC))
    app = MinhBach(storage_from_url(f"sqlite:///{path}"), clock=clock)
    recorded = record_year(app, KEY, months=1)
    dismiss(recorded)
    recorded.ledger.catch_up(force_checkpoint=True)
    yield recorded
    recorded.ledger.engine.dispose()
    app.close()


def as_read(document: dict[str, Any]) -> dict[str, Any]:
    read: dict[str, Any] = json.loads(json.dumps(document))
    return read


def report(what: str, tried: int, passed: list[str]) -> None:
    print(f"\n{what}: {tried - len(passed)} of {tried} single-field changes rejected")


def test_every_change_to_a_bundle_is_rejected(world: World) -> None:
    bundle = as_read(make_bundle(world.app, world.ledger, "CV1", 2026))
    original = json.dumps(bundle)
    tried, passed = survivors(bundle, lambda b: not verify_bundle(b, KEY.public).valid)
    report("bundle", tried, passed)
    assert json.dumps(bundle) == original  # every change was undone
    assert passed == []
    assert tried > 1_000


def test_every_change_to_a_trace_is_rejected(world: World) -> None:
    trace = as_read(make_trace(world.app, world.ledger, "QĐ-TV-1", language="en"))
    tried, passed = survivors(trace, lambda t: not verify_trace(t, KEY.public).valid)
    report("trace", tried, passed)
    assert passed == []
    assert tried > 1_000


def test_every_change_to_a_checkpoint_is_rejected(world: World) -> None:
    latest = world.ledger.latest()
    assert latest is not None
    document = as_read(latest.as_dict())

    def rejected_offline(candidate: dict[str, Any]) -> bool:
        problems: list[str] = []
        check_checkpoint(candidate, KEY.public, problems)
        return bool(problems)

    def rejected_as_kept(candidate: dict[str, Any]) -> bool:
        try:
            kept = Checkpoint.parse(candidate)
        except ValueError:
            return True
        return not verify_store(world.app, world.ledger.engine, KEY.public, [kept]).intact

    assert not rejected_offline(document) and not rejected_as_kept(document)
    tried, passed = survivors(document, rejected_offline)
    report("checkpoint", tried, passed)
    assert passed == []
    assert (tried, survivors(document, rejected_as_kept)[1]) == (tried, [])


def test_every_change_to_a_publication_is_rejected(world: World) -> None:
    """Each changed publication is recorded the way a forger would (rows changed
    with a digest that matches them); the handler refuses it or reproducing it
    reports it."""
    app = world.app
    table = draft(app, "SNV", 2026)
    document = {
        "agency": table.agency,
        "year": table.year,
        "position": table.position,
        "policy_id": table.policy_id,
        "policy_version": table.policy_version,
        "digest": table.digest,
        "rows": [dict(r) for r in table.rows],
    }
    assert not _publication_rejected(app, document, table.position, "the draft")
    tried, passed = 0, []
    for label in mutations(document):
        tried += 1
        if not _publication_rejected(app, document, table.position, label):
            passed.append(label)
    report("publication", tried, passed)
    assert passed == []
    assert tried > 50


def _publication_rejected(
    app: MinhBach, document: dict[str, Any], drafted_at: int, label: str
) -> bool:
    command = json.loads(json.dumps(document))
    if isinstance(command.get("position"), int):  # as if drafted now, with the same change
        command["position"] += (app.recorder.max_notification_id() or 0) - drafted_at
    if label.startswith("$.rows"):
        with contextlib.suppress(KeyError, TypeError, AttributeError):  # not a table: refused
            command["digest"] = table_digest(command["rows"])
    try:
        recorded = app.execute(
            c.PublishResults.model_validate(command), with_source(HR, f"TB {label}")
        )
    except (DomainError, ValidationError):
        return True
    number = int(recorded.result["publication"])
    outcome = reproduce(app, command["agency"], command["year"], number)
    return not outcome.matches


def test_the_mutations_cover_every_kind_of_change() -> None:
    document = {"n": 1, "t": "ab", "b": True, "z": None, "l": [1, {"k": "v"}], "e": []}
    labels = list(mutations(document))
    assert document == {"n": 1, "t": "ab", "b": True, "z": None, "l": [1, {"k": "v"}], "e": []}
    assert "$.n changed" in labels and "$.n removed" in labels and "$ key added" in labels
    assert "$.l[0] dropped" in labels and "$.l item added" in labels
    assert "$.l[1].k changed" in labels and "$.e item added" in labels
    assert len(labels) == len(set(labels))
