"""The verifier: re-read every stored event and the ledger, and name the first
record that was edited, deleted, reordered or inserted, and any checkpoint that
a key did not sign or that contradicts an earlier one.

It trusts nothing the database says about itself: leaf hashes are recomputed
from the events, roots from those leaves, and checkpoints are checked against
the public key (and against copies kept outside, when given).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Engine, select

from domain.application import MinhBach
from projections.ledger import Checkpoint, event_leaf, load_leaves
from projections.merkle import MerkleTree, ProofError, verify_consistency
from projections.tables import ledger_checkpoints, metadata

READ_PAGE = 5_000


@dataclass(frozen=True)
class Finding:
    kind: str  # edited, deleted, inserted, reordered, checkpoint_*
    message: str
    notification_id: int | None = None
    leaf_index: int | None = None
    checkpoint: int | None = None


@dataclass
class Report:
    events: int = 0
    leaves: int = 0
    checkpoints: int = 0
    pending: int = 0  # events newer than the ledger: not yet covered, not a fault
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None


def _events(app: MinhBach) -> list[Notification]:
    out: list[Notification] = []
    after: int | None = None
    while True:
        page = app.recorder.select_notifications(
            start=after, limit=READ_PAGE, inclusive_of_start=False
        )
        if not page:
            return out
        out.extend(page)
        after = page[-1].id


def _ledger(engine: Engine) -> tuple[list[tuple[int, int, bytes]], list[Checkpoint]]:
    metadata.create_all(engine)
    with engine.connect() as conn:
        leaves = [(i, p, digest) for i, (p, digest) in enumerate(load_leaves(conn))]
        checkpoints = [
            Checkpoint.from_dict(dict(r._mapping))
            for r in conn.execute(select(ledger_checkpoints).order_by(ledger_checkpoints.c.seq))
        ]
    return leaves, checkpoints


MOVE_SEARCH_LIMIT = 200


def _recorded_elsewhere(
    event: Notification, candidates: Sequence[tuple[int, int, bytes]]
) -> int | None:
    """The ledger leaf whose position this event's content was recorded at, if another."""
    for index, notification_id, digest in candidates[:MOVE_SEARCH_LIMIT]:
        if notification_id != event.id and event_leaf(replace(event, id=notification_id)) == digest:
            return index
    return None


def compare_events(
    notifications: Sequence[Notification], leaves: Sequence[tuple[int, int, bytes]]
) -> list[Finding]:
    """Walk the log and the ledger side by side; name each divergence."""
    findings: list[Finding] = []
    ledger_ids = {n for _, n, _ in leaves}
    by_id = {n.id: n for n in notifications}
    events = [(n.id, event_leaf(n)) for n in notifications]
    event_ids = set(by_id)
    hash_of = dict(events)
    mismatched = [(i, n, d) for i, n, d in leaves if n in hash_of and hash_of[n] != d]
    for index, (leaf_index, notification, digest) in enumerate(leaves):
        if leaf_index != index:
            findings.append(
                Finding("ledger_damaged", f"ledger leaf {index} is missing", leaf_index=index)
            )
            break
        if notification not in event_ids:
            newest = all(n not in event_ids for _, n, _ in leaves[index:])
            where = "the newest events were removed" if newest else "it was removed"
            findings.append(
                Finding(
                    "deleted",
                    f"event {notification} (ledger leaf {index}) is missing from the log: {where}",
                    notification,
                    index,
                )
            )
            continue
        stored = hash_of[notification]
        if stored != digest:
            moved = _recorded_elsewhere(by_id[notification], mismatched)
            if moved is not None:
                findings.append(
                    Finding(
                        "reordered",
                        f"event {notification} holds the content of ledger leaf {moved}: "
                        "rows were swapped or moved",
                        notification,
                        index,
                    )
                )
            else:
                findings.append(
                    Finding(
                        "edited",
                        f"event {notification} (ledger leaf {index}) was changed after it "
                        "was recorded",
                        notification,
                        index,
                    )
                )
    last_covered = max(ledger_ids, default=0)
    for notification, _ in events:
        if notification not in ledger_ids and notification <= last_covered:
            findings.append(
                Finding(
                    "inserted",
                    f"event {notification} is not in the ledger although later events are: "
                    "it was inserted afterwards",
                    notification,
                )
            )
    ids_in_ledger_order = [n for _, n, _ in leaves]
    if ids_in_ledger_order != sorted(ids_in_ledger_order):
        findings.append(Finding("reordered", "ledger leaves are out of log order"))
    ordered = sorted(findings, key=lambda f: (f.notification_id or 0, f.leaf_index or 0))
    return _merge_deletions(ordered)


def _merge_deletions(findings: list[Finding]) -> list[Finding]:
    """One finding for each run of consecutive deleted events."""
    merged: list[Finding] = []
    run: list[Finding] = []

    def flush() -> None:
        if len(run) == 1:
            merged.append(run[0])
        elif run:
            first, last = run[0], run[-1]
            tail = "the newest events were removed" if "newest" in last.message else "removed"
            merged.append(
                Finding(
                    "deleted",
                    f"events {first.notification_id}–{last.notification_id} (ledger leaves "
                    f"{first.leaf_index}–{last.leaf_index}, {len(run)} events) are missing "
                    f"from the log: {tail}",
                    first.notification_id,
                    first.leaf_index,
                )
            )
        run.clear()

    for finding in findings:
        follows = (
            run
            and finding.kind == "deleted"
            and finding.leaf_index is not None
            and run[-1].leaf_index is not None
            and finding.leaf_index == run[-1].leaf_index + 1
        )
        if finding.kind == "deleted" and (not run or follows):
            run.append(finding)
            continue
        flush()
        if finding.kind == "deleted":
            run.append(finding)
        else:
            merged.append(finding)
    flush()
    return merged


def check_checkpoints(
    tree: MerkleTree,
    checkpoints: Sequence[Checkpoint],
    public_key: Any | None,
    label: str = "checkpoint",
) -> list[Finding]:
    """Each checkpoint is signed, matches the recomputed tree, and extends the one before."""
    findings: list[Finding] = []
    previous: Checkpoint | None = None
    for cp in checkpoints:
        if public_key is not None and not cp.verify(public_key):
            findings.append(
                Finding(
                    "checkpoint_signature",
                    f"{label} {cp.seq} is not signed by the ledger key",
                    checkpoint=cp.seq,
                )
            )
        if previous is not None and (cp.size < previous.size or cp.signed_at < previous.signed_at):
            findings.append(
                Finding(
                    "checkpoint_replayed",
                    f"{label} {cp.seq} (size {cp.size}) goes back from {label} {previous.seq} "
                    f"(size {previous.size}): an old checkpoint was replayed",
                    checkpoint=cp.seq,
                )
            )
        if cp.size > len(tree):
            findings.append(
                Finding(
                    "checkpoint_truncated",
                    f"{label} {cp.seq} covers {cp.size} events but the log holds "
                    f"{len(tree)}: events were removed",
                    checkpoint=cp.seq,
                )
            )
        elif tree.root(cp.size).hex() != cp.root_hash:
            findings.append(
                Finding(
                    "checkpoint_mismatch",
                    f"{label} {cp.seq} does not match the events it covers",
                    checkpoint=cp.seq,
                )
            )
        elif previous is not None and previous.size <= cp.size <= len(tree):
            try:
                verify_consistency(
                    previous.size,
                    cp.size,
                    tree.consistency_proof(previous.size, cp.size) if previous.size else [],
                    bytes.fromhex(previous.root_hash),
                    bytes.fromhex(cp.root_hash),
                )
            except ProofError as error:
                findings.append(
                    Finding(
                        "checkpoint_inconsistent",
                        f"{label} {cp.seq} is inconsistent with {label} {previous.seq}: {error}",
                        checkpoint=cp.seq,
                    )
                )
        previous = cp
    return findings


def verify_store(
    app: MinhBach,
    engine: Engine,
    public_key: Any | None = None,
    external: Sequence[Checkpoint] = (),
) -> Report:
    """Everything the verifier can say about the store; ``intact`` only if nothing."""
    notifications = _events(app)
    events = [(n.id, event_leaf(n)) for n in notifications]
    leaves, checkpoints = _ledger(engine)
    report = Report(events=len(events), leaves=len(leaves), checkpoints=len(checkpoints))
    report.findings.extend(compare_events(notifications, leaves))
    last_covered = max((n for _, n, _ in leaves), default=0)
    report.pending = sum(1 for n, _ in events if n > last_covered)
    # The tree the events themselves define, in log order: checkpoints must match it.
    tree = MerkleTree([digest for _, digest in events])
    report.findings.extend(check_checkpoints(tree, checkpoints, public_key))
    if external:
        report.findings.extend(
            check_checkpoints(
                tree, sorted(external, key=lambda c: c.seq), public_key, "kept checkpoint"
            )
        )
    return report
