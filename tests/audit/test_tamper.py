"""Tampering with the store behind the application's back is detected and named,
on SQLite and on PostgreSQL; an untouched store verifies clean."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from domain.application import MinhBach
from projections.ledger import Checkpoint, Ledger, event_leaf, load_leaves, sign_checkpoint
from projections.merkle import MerkleTree
from projections.signing import Signer, generate
from projections.verify import Report, check_checkpoints, verify_store
from tests.app.scenario import build_agency, log_size
from tests.app.test_projection_properties import History
from tests.audit.tamper import Tamperer
from tests.conftest import FakeClock

KEY = generate()


@pytest.fixture
def ledger(app: MinhBach, clock: FakeClock) -> Iterator[Ledger]:
    """Two months of work, a checkpoint, one more month, another checkpoint."""
    build_agency(app)
    history = History(app)
    for month in (1, 2):
        for code in ("CV1", "CV2", "CV3"):
            history.work(code, month, late=month, failures=1, ad_hoc=False, finish=True)
    ledger = Ledger(app, signer=KEY)
    ledger.catch_up()
    clock.advance(days=1)
    for code in ("CV1", "CV2", "CV3"):
        history.work(code, 3, late=0, failures=0, ad_hoc=False, finish=True)
    ledger.catch_up()
    assert [c.seq for c in ledger.checkpoints()] == [1, 2]
    yield ledger
    ledger.engine.dispose()


def verify(ledger: Ledger, kept: list[Checkpoint] | None = None) -> Report:
    return verify_store(ledger.app, ledger.engine, KEY.public, kept or [])


def test_an_untouched_store_verifies_clean(ledger: Ledger) -> None:
    report = verify(ledger)
    assert report.intact, report.findings
    assert report.events == report.leaves == log_size(ledger.app)
    assert report.checkpoints == 2
    assert report.confirmed == report.events and report.pending == 0


def test_one_changed_byte_is_named(ledger: Ledger) -> None:
    Tamperer(ledger.app.storage).change_one_byte(17)
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.notification_id) == ("edited", 17)
    assert "event 17" in report.first.message
    assert {f.kind for f in report.findings} >= {"edited", "checkpoint_mismatch"}


def test_a_deleted_middle_row_is_named(ledger: Ledger) -> None:
    Tamperer(ledger.app.storage).delete(23)
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.notification_id) == ("deleted", 23)
    assert "it was removed" in report.first.message


def test_deleted_newest_rows_are_named(ledger: Ledger) -> None:
    head = log_size(ledger.app)
    Tamperer(ledger.app.storage).delete_from(head - 4)
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.notification_id) == ("deleted", head - 4)
    assert "the newest events were removed" in report.first.message
    assert any(f.kind == "checkpoint_truncated" for f in report.findings)


def test_swapped_rows_are_named(ledger: Ledger) -> None:
    Tamperer(ledger.app.storage).swap(30, 31)
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.notification_id) == ("reordered", 30)
    assert "swapped" in report.first.message


def test_a_forged_row_in_an_id_gap_is_named(app: MinhBach, ledger: Ledger) -> None:
    tamper = Tamperer(app.storage)
    head = log_size(app)
    tamper.burn_an_id()
    History(app).criteria("CV1", 4, "2.5")  # the next real events, after a gap
    if app.storage.backend == "sqlite":  # SQLite ids have no gaps: make one
        last = log_size(app)
        tamper.sql(f"UPDATE stored_events SET rowid = -rowid WHERE rowid > {head}")
        tamper.sql("UPDATE stored_events SET rowid = 1 - rowid WHERE rowid < 0")
        assert log_size(app) == last + 1
    ledger.catch_up()
    assert verify(ledger).intact
    tamper.insert_copy_at(head + 1, source=5, new_version=999)
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.notification_id) == ("inserted", head + 1)


def _recompute_without_the_key(ledger: Ledger, forger: Signer) -> None:
    """Rewrite the ledger from the (edited) events and re-sign with another key."""
    tamper = Tamperer(ledger.app.storage)
    events = ledger.app.recorder.select_notifications(start=None, limit=100_000)
    leaves = [event_leaf(n) for n in events]
    tree = MerkleTree(leaves)
    tamper.rewrite_ledger([(n.id, digest) for n, digest in zip(events, leaves, strict=True)])
    with ledger.engine.begin() as conn:
        for checkpoint in ledger.checkpoints():
            forged = sign_checkpoint(
                forger,
                checkpoint.seq,
                checkpoint.size,
                tree.root(checkpoint.size),
                ledger.app.clock(),
            )
            conn.execute(
                text(
                    f"UPDATE {tamper.prefix}pj_ledger_checkpoints SET root_hash = :r, "
                    "signature = :s, key_id = :k WHERE seq = :q"
                ),
                {
                    "r": forged.root_hash,
                    "s": forged.signature,
                    "k": forged.key_id,
                    "q": checkpoint.seq,
                },
            )


def test_a_recomputed_ledger_without_the_key_is_caught(ledger: Ledger) -> None:
    forger = generate()
    Tamperer(ledger.app.storage).change_one_byte(12)
    _recompute_without_the_key(ledger, forger)
    report = verify(ledger)
    kinds = [f.kind for f in report.findings]
    assert "edited" not in kinds  # the leaves were rewritten to match…
    assert kinds == ["checkpoint_other_key"] * 2  # …but the key does not sign the new roots
    assert report.other_key and report.other_key_ids == [forger.key_id]
    assert report.confirmed == 0 and report.pending == report.events


def test_a_replayed_old_checkpoint_is_caught(ledger: Ledger) -> None:
    """A copy of checkpoint 1 under a new number: the number is signed too."""
    old = ledger.checkpoints()[0]
    Tamperer(ledger.app.storage).sql(
        "INSERT INTO {p}pj_ledger_checkpoints (seq, size, root_hash, signed_at, key_id, "
        "signature) VALUES (3, :size, :root, :at, :key, :sig)",
        size=old.size,
        root=old.root_hash,
        at=old.signed_at,
        key=old.key_id,
        sig=old.signature,
    )
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.checkpoint) == ("checkpoint_signature", 3)


def test_a_renumbered_checkpoint_is_caught(ledger: Ledger) -> None:
    """Every field of a checkpoint is in the signed text, its sequence number too."""
    Tamperer(ledger.app.storage).sql("UPDATE {p}pj_ledger_checkpoints SET seq = 7 WHERE seq = 2")
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.checkpoint) == ("checkpoint_signature", 7)


def test_a_removed_checkpoint_is_caught(ledger: Ledger) -> None:
    Tamperer(ledger.app.storage).sql("DELETE FROM {p}pj_ledger_checkpoints WHERE seq = 1")
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.checkpoint) == ("checkpoint_missing", 2)


def test_checkpoints_are_ordered_by_tree_size_not_by_their_time(ledger: Ledger) -> None:
    """A signer whose clock went back signs a later checkpoint with an earlier time:
    the tree grew and stays consistent, so nothing was replayed."""
    second = ledger.checkpoints()[1]
    earlier = sign_checkpoint(
        KEY,
        second.seq,
        second.size,
        bytes.fromhex(second.root_hash),
        datetime.fromisoformat(ledger.checkpoints()[0].signed_at) - timedelta(days=30),
    )
    Tamperer(ledger.app.storage).sql(
        "UPDATE {p}pj_ledger_checkpoints SET signed_at = :at, signature = :sig WHERE seq = 2",
        at=earlier.signed_at,
        sig=earlier.signature,
    )
    report = verify(ledger)
    assert report.intact, report.findings


def test_a_signed_checkpoint_smaller_than_the_one_before_is_a_replay(ledger: Ledger) -> None:
    first, second = ledger.checkpoints()
    tree = MerkleTree(
        [event_leaf(n) for n in ledger.app.recorder.select_notifications(start=None, limit=100_000)]
    )
    going_back = sign_checkpoint(
        KEY, 3, first.size, bytes.fromhex(first.root_hash), datetime.now(UTC)
    )
    findings = check_checkpoints(tree, [first, second, going_back], KEY.public)
    assert [(f.kind, f.checkpoint) for f in findings] == [("checkpoint_replayed", 3)]


def test_an_altered_ledger_leaf_is_a_ledger_fault_not_an_edited_event(ledger: Ledger) -> None:
    with ledger.engine.connect() as conn:
        leaves = load_leaves(conn)
    position, _ = leaves[17]
    leaves[17] = (position, bytes(32))
    Tamperer(ledger.app.storage).rewrite_ledger(leaves)
    report = verify(ledger)
    assert report.first is not None
    assert (report.first.kind, report.first.leaf_index) == ("ledger_fault", 17)
    assert "the ledger's stored leaves were altered, not the events" in report.first.message
    assert [f.kind for f in report.findings] == ["ledger_fault"]


def test_a_truncated_log_with_its_ledger_is_caught_by_kept_checkpoints(ledger: Ledger) -> None:
    """The administrator removes the newest events, their leaves and the newest
    checkpoint: only a checkpoint kept outside the database can tell."""
    kept = ledger.checkpoints()
    first, newest = kept
    tamper = Tamperer(ledger.app.storage)
    tamper.delete_from(first.size + 1)
    with ledger.engine.connect() as conn:
        kept_leaves = load_leaves(conn)[: first.size]
    tamper.rewrite_ledger(kept_leaves)
    tamper.sql("DELETE FROM {p}pj_ledger_checkpoints WHERE seq = 2")
    assert verify(ledger).intact  # the database alone now looks consistent
    report = verify(ledger, kept)
    found = [(f.kind, f.checkpoint) for f in report.findings]
    assert found == [("checkpoint_missing", newest.seq), ("checkpoint_truncated", newest.seq)]
    assert "kept checkpoint 2" in report.findings[1].message


def test_a_ledger_riding_with_the_runner_holds_every_event_once(
    app: MinhBach, clock: FakeClock
) -> None:
    """Leaves appended by the projection runner, in small batches, with a runner
    restart and a views rebuild in between, are exactly the log's events."""
    from projections.runner import Projector

    build_agency(app)
    history = History(app)
    history.work("CV1", 1, late=1, failures=1, ad_hoc=False, finish=True)
    projector = Projector(app, batch_size=7)
    projector.catch_up()  # views ahead of a ledger that does not exist yet
    ledger = Ledger(app, projector.engine, KEY)
    projector.ledger = ledger
    history.work("CV2", 2, late=0, failures=2, ad_hoc=False, finish=True)
    projector.catch_up()  # the ledger catches up on its own, then rides along
    history.work("CV3", 3, late=2, failures=0, ad_hoc=True, finish=True)
    projector.rebuild()  # the views are rebuilt; the ledger's leaves are not rewritten
    restarted = Projector(
        app, projector.engine, batch_size=3, ledger=Ledger(app, projector.engine, KEY)
    )
    history.criteria("CV1", 4, "2.5")
    restarted.catch_up()
    assert restarted.ledger is not None
    restarted.ledger.sign_if_due(force=True)
    events = app.recorder.select_notifications(start=None, limit=10_000)
    assert len(restarted.ledger.tree) == len(events)
    assert restarted.ledger.tree.root() == MerkleTree([event_leaf(n) for n in events]).root()
    report = verify(restarted.ledger)
    assert report.intact, report.findings


def test_a_rotated_key_verifies_with_both_public_keys(ledger: Ledger) -> None:
    new = generate()
    ledger.signer = new
    History(ledger.app).criteria("CV1", 4, "2.5")
    ledger.catch_up()
    assert [c.key_id for c in ledger.checkpoints()] == [KEY.key_id] * 2 + [new.key_id]
    both = verify_store(ledger.app, ledger.engine, [KEY.public, new.public])
    assert both.intact and both.pending == 0, both.findings
    only_old = verify(ledger)
    assert [(f.kind, f.checkpoint) for f in only_old.findings] == [("checkpoint_signature", 3)]
