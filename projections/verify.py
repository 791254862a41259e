"""The verifier: re-read every stored event and the ledger, and name the first
record that was edited, deleted, reordered or inserted, any ledger row that was
altered, and any checkpoint that the key did not sign or that contradicts an
earlier one.

It trusts nothing the database says about itself: leaf hashes are recomputed
from the events, roots from those leaves, and checkpoints are checked against
the public key (and against copies kept outside, when given). Only a checkpoint
signed by the key is a trusted root: events after the newest one are reported
as not yet attested, and with none at all nothing is.

What it cannot see without checkpoints kept outside the database: the newest
events removed together with their leaves and the checkpoints that covered them
(a consistent rollback) leave a store that verifies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Engine, select

from domain.application import MinhBach
from projections.ledger import Checkpoint, event_leaf, load_leaves
from projections.merkle import MerkleTree, ProofError, verify_consistency
from projections.signing import key_id
from projections.tables import ledger_checkpoints, metadata

READ_PAGE = 5_000


@dataclass(frozen=True)
class Finding:
    kind: str  # edited, deleted, inserted, reordered, checkpoint_*
    message: str
    notification_id: int | None = None
    leaf_index: int | None = None
    checkpoint: int | None = None
    key_id: str | None = None  # the key a checkpoint names, when the key given did not sign it


@dataclass
class Report:
    events: int = 0
    leaves: int = 0
    checkpoints: int = 0
    kept: int = 0  # checkpoints kept outside the database, given to the verifier
    key_id: str = ""  # of the public key given
    confirmed: int = 0  # events a checkpoint signed by the key confirms, from the first
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """Nothing found wrong (which says nothing of events no checkpoint covers)."""
        return not self.findings

    @property
    def pending(self) -> int:
        """Events after the newest signed checkpoint: not yet attested by anyone."""
        return self.events - self.confirmed

    @property
    def other_key_ids(self) -> list[str]:
        """The key ids named by checkpoints that the key given did not sign."""
        return sorted({f.key_id for f in self.findings if f.key_id})

    @property
    def other_key(self) -> bool:
        """Every finding is a checkpoint signed by another key: the wrong key was given."""
        return bool(self.findings) and all(f.kind == "checkpoint_other_key" for f in self.findings)

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
                Finding("ledger_fault", f"ledger leaf {index} is missing", leaf_index=index)
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


class Keys:
    """The ledger's public keys: one, or more across a key rotation. A checkpoint is
    trusted if the key its key id names is among them and signed it."""

    def __init__(self, keys: Any) -> None:
        self.keys = list(keys) if isinstance(keys, list | tuple) else [keys]
        self.by_id = {key_id(k): k for k in self.keys}

    @property
    def ids(self) -> str:
        return ", ".join(self.by_id)

    def signed(self, cp: Checkpoint) -> bool:
        key = self.by_id.get(cp.key_id)
        return key is not None and cp.verify(key)


def check_checkpoints(
    tree: MerkleTree,
    checkpoints: Sequence[Checkpoint],
    public_key: Any,
    label: str = "checkpoint",
    numbered_from_one: bool = True,
) -> list[Finding]:
    """Each checkpoint is signed by the key, matches the tree the events define, and
    extends the one before it — judged by tree size and consistency, never by the
    time it states (clocks go back; the tree does not)."""
    findings: list[Finding] = []
    keys = Keys(public_key)
    ours = keys.ids
    signed = [cp for cp in checkpoints if keys.signed(cp)]
    previous: Checkpoint | None = None
    for cp in checkpoints:
        if cp not in signed:
            findings.append(_unsigned(cp, ours, bool(signed), label))
            continue
        expected = previous.seq + 1 if previous else 1
        if cp.seq > expected and (previous is not None or numbered_from_one):
            missing = f"{expected}" if cp.seq == expected + 1 else f"{expected}–{cp.seq - 1}"
            findings.append(
                Finding(
                    "checkpoint_missing",
                    f"{label}s {missing} are missing before {label} {cp.seq}: they were removed",
                    checkpoint=cp.seq,
                )
            )
        if previous is not None and cp.size < previous.size:
            findings.append(
                Finding(
                    "checkpoint_replayed",
                    f"{label} {cp.seq} (size {cp.size}) goes back from {label} {previous.seq} "
                    f"(size {previous.size}): an old checkpoint was replayed",
                    checkpoint=cp.seq,
                )
            )
        findings.extend(_against_tree(tree, cp, previous, label))
        previous = cp
    return findings


def _unsigned(cp: Checkpoint, ours: str, others_signed: bool, label: str) -> Finding:
    if cp.key_id not in ours.split(", ") and not others_signed:
        return Finding(
            "checkpoint_other_key",
            f"{label} {cp.seq} is signed by another key (key id {cp.key_id}), not by the key "
            f"given (key id {ours})",
            checkpoint=cp.seq,
            key_id=cp.key_id,
        )
    return Finding(
        "checkpoint_signature",
        f"{label} {cp.seq} is not signed by the ledger key (key id {ours}): it was altered "
        "or forged",
        checkpoint=cp.seq,
        key_id=cp.key_id,
    )


def _against_tree(
    tree: MerkleTree, cp: Checkpoint, previous: Checkpoint | None, label: str
) -> list[Finding]:
    if cp.size > len(tree):
        return [
            Finding(
                "checkpoint_truncated",
                f"{label} {cp.seq} covers {cp.size} events but the log holds "
                f"{len(tree)}: events were removed",
                checkpoint=cp.seq,
            )
        ]
    if tree.root(cp.size).hex() != cp.root_hash:
        return [
            Finding(
                "checkpoint_mismatch",
                f"{label} {cp.seq} does not match the events it covers",
                checkpoint=cp.seq,
            )
        ]
    if previous is None or not previous.size <= cp.size:
        return []
    try:
        verify_consistency(
            previous.size,
            cp.size,
            tree.consistency_proof(previous.size, cp.size) if previous.size else [],
            bytes.fromhex(previous.root_hash),
            bytes.fromhex(cp.root_hash),
        )
    except ProofError as error:
        return [
            Finding(
                "checkpoint_inconsistent",
                f"{label} {cp.seq} is inconsistent with {label} {previous.seq}: {error}",
                checkpoint=cp.seq,
            )
        ]
    return []


def compare_kept(stored: Sequence[Checkpoint], kept: Sequence[Checkpoint]) -> list[Finding]:
    """Checkpoints kept outside must still be in the database, unchanged."""
    by_seq = {cp.seq: cp for cp in stored}
    findings = []
    for cp in kept:
        found = by_seq.get(cp.seq)
        if found is None:
            findings.append(
                Finding(
                    "checkpoint_missing",
                    f"kept checkpoint {cp.seq} is no longer in the database: it was removed",
                    checkpoint=cp.seq,
                )
            )
        elif found != cp:
            findings.append(
                Finding(
                    "checkpoint_rewritten",
                    f"checkpoint {cp.seq} in the database differs from the kept copy",
                    checkpoint=cp.seq,
                )
            )
    return findings


def confirmed_size(tree: MerkleTree, checkpoints: Iterable[Checkpoint], public_key: Any) -> int:
    """How many events, from the first, a checkpoint signed by the key confirms as
    they are now (0 when none does)."""
    keys = Keys(public_key)
    return max(
        (
            cp.size
            for cp in checkpoints
            if cp.size <= len(tree) and keys.signed(cp) and tree.root(cp.size).hex() == cp.root_hash
        ),
        default=0,
    )


def _ledger_faults(
    findings: list[Finding], notifications: Sequence[Notification], confirmed: int
) -> list[Finding]:
    """Where a signed checkpoint confirms the events as they are, a disagreement
    between an event and the stored ledger is the ledger's fault, not the event's."""
    rank = {n.id: i for i, n in enumerate(notifications)}
    judged = []
    for finding in findings:
        index = finding.leaf_index
        if index is None and finding.notification_id is not None:
            index = rank.get(finding.notification_id)
        confirmed_here = (index is not None and index < confirmed) or (
            index is None and confirmed == len(notifications) > 0
        )
        if finding.kind in EVENT_FAULTS and confirmed_here:
            where = f"ledger leaf {index}" if index is not None else "the ledger's leaves"
            judged.append(
                Finding(
                    "ledger_fault",
                    f"{where} disagrees with the log ({finding.kind}: {finding.message}), but a "
                    f"checkpoint signed by the key confirms the first {confirmed} events as they "
                    "are: the ledger's stored leaves were altered, not the events",
                    finding.notification_id,
                    finding.leaf_index,
                )
            )
        else:
            judged.append(finding)
    return judged


EVENT_FAULTS = ("edited", "deleted", "inserted", "reordered")


def verify_store(
    app: MinhBach,
    engine: Engine,
    public_key: Any,
    external: Sequence[Checkpoint] = (),
) -> Report:
    """Everything the verifier can say about the store; ``intact`` only if nothing."""
    notifications = _events(app)
    events = [(n.id, event_leaf(n)) for n in notifications]
    leaves, checkpoints = _ledger(engine)
    report = Report(
        events=len(events),
        leaves=len(leaves),
        checkpoints=len(checkpoints),
        kept=len(external),
        key_id=Keys(public_key).ids,
    )
    # The tree the events themselves define, in log order: checkpoints must match it.
    tree = MerkleTree([digest for _, digest in events])
    report.confirmed = confirmed_size(tree, [*checkpoints, *external], public_key)
    report.findings.extend(
        _ledger_faults(compare_events(notifications, leaves), notifications, report.confirmed)
    )
    report.findings.extend(check_checkpoints(tree, checkpoints, public_key))
    if external:
        kept = sorted(external, key=lambda c: c.seq)
        report.findings.extend(compare_kept(checkpoints, kept))
        report.findings.extend(
            check_checkpoints(tree, kept, public_key, "kept checkpoint", numbered_from_one=False)
        )
    return report
