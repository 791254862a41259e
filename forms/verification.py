"""Checking a receipt against the log, trusting nobody who runs the database.

Given a receipt, the ledger's public key and the events (the database itself,
or an export of it), ``verify_receipt``:

1. checks that the receipt's checkpoint is signed by the key (else: refused);
2. recomputes the Merkle root of the stored events the checkpoint covers and
   compares it with the signed root (a difference: the store was tampered with
   below the receipt's position; the verifier's comparison names the events);
3. checks that the checkpoint covers the receipt's position (else: refused);
4. recomputes the document's data as of that position with the same code that
   made it, and compares digests (a difference: the receipt or the document
   was altered — refused);
5. recomputes the data as the log stands now: if it differs, the document was
   true when made but the records have "changed since", and says what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Engine

from domain.application import MinhBach
from domain.errors import DomainError
from forms.documents import content_of
from forms.receipt import Receipt, content_digest
from projections.ledger import Checkpoint, event_leaf, load_leaves
from projections.merkle import MerkleTree
from projections.replay import Replayed, replay
from projections.tables import metadata
from projections.verify import Keys, check_checkpoints, compare_events

READ_PAGE = 5_000

Replayer = Callable[[int | None], Replayed]  # the log as of a position (None: now)

VALID = "valid"  # matches the records as of its position; nothing changed since
CHANGED = "changed"  # matched when made; the records say otherwise now
REFUSED = "refused"  # not signed by the key, not covered, or the digest does not match
TAMPERED = "tampered"  # the events below the receipt's position are not the signed ones
UNPROVEN = "unproven"  # no signed checkpoint covers the position: nothing to prove against


@dataclass(frozen=True)
class Change:
    path: str
    then: Any
    now: Any


@dataclass
class ReceiptReport:
    receipt: Receipt
    verdict: str = VALID
    checkpoint: Checkpoint | None = None  # the checkpoint the events were proven against
    problems: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    head: int = 0  # the newest position, compared with for "changed since"

    @property
    def authentic(self) -> bool:
        """The document shows what the signed records said at its position."""
        return self.verdict in (VALID, CHANGED)


def _events(app: MinhBach) -> list[Notification]:
    out: list[Notification] = []
    after: int | None = None
    while page := app.recorder.select_notifications(
        start=after, limit=READ_PAGE, inclusive_of_start=False
    ):
        out.extend(page)
        after = page[-1].id
    return out


def stored_leaves(engine: Engine) -> list[tuple[int, int, bytes]]:
    """The ledger's stored leaves, to name what was tampered with (never trusted)."""
    metadata.create_all(engine)
    with engine.connect() as conn:
        return [(i, p, digest) for i, (p, digest) in enumerate(load_leaves(conn))]


def _signed(checkpoint: Checkpoint, public_key: Any) -> bool:
    """Signed by the key (or one of the keys, across a rotation) its key id names."""
    try:
        return Keys(public_key).signed(checkpoint)
    except ValueError:  # a garbled root hash is not signed by anyone
        return False


def _choose_checkpoint(
    receipt: Receipt, public_key: Any, available: Sequence[Checkpoint]
) -> Checkpoint | None:
    """The receipt's own checkpoint; without one, the newest signed one available."""
    if receipt.checkpoint is not None:
        return receipt.checkpoint
    signed = [c for c in available if _signed(c, public_key)]
    return max(signed, key=lambda c: c.size) if signed else None


def verify_receipt(
    app: MinhBach,
    receipt: Receipt,
    public_key: Any,
    *,
    checkpoints: Sequence[Checkpoint] = (),
    leaves: Sequence[tuple[int, int, bytes]] = (),
    replayer: Replayer | None = None,
) -> ReceiptReport:
    """Everything a receipt proves, against the events of ``app``; ``checkpoints``
    are ones found beside the events, ``leaves`` the stored ledger (to name events),
    ``replayer`` a cache of replays (default: replay the log each time)."""
    replay_at = replayer or (lambda position: replay(app, upto=position))
    report = ReceiptReport(receipt)
    checkpoint = _choose_checkpoint(receipt, public_key, checkpoints)
    report.checkpoint = checkpoint
    if checkpoint is not None and not _signed(checkpoint, public_key):
        report.verdict = REFUSED
        report.problems.append(
            f"checkpoint {checkpoint.seq} on the receipt is not signed by this key: "
            "the receipt was altered or forged"
        )
        return report
    events = _events(app)
    report.head = events[-1].id if events else 0
    if checkpoint is not None:
        tree = MerkleTree([event_leaf(n) for n in events])
        findings = check_checkpoints(
            tree, [checkpoint], public_key, "receipt checkpoint", numbered_from_one=False
        )
        if findings:
            report.verdict = TAMPERED
            report.problems += [f.message for f in findings]
            report.problems += _named(events, leaves, checkpoint, receipt.position)
            return report
        last_covered = events[checkpoint.size - 1].id
        if last_covered < receipt.position:
            report.verdict = REFUSED
            report.problems.append(
                f"checkpoint {checkpoint.seq} covers the log up to position {last_covered}, "
                f"not the receipt's position {receipt.position}"
            )
            return report
    if receipt.position > report.head:
        report.verdict = REFUSED
        report.problems.append(f"the log ends at {report.head}, before position {receipt.position}")
        return report
    then = _content(replay_at, receipt, receipt.position)
    if then is None or content_digest(then) != receipt.digest:
        report.verdict = REFUSED
        report.problems.append(
            f"the data digest does not match the records as of position {receipt.position}: "
            "the document or its receipt was altered"
            if then is not None
            else f"the records as of position {receipt.position} hold no such document"
        )
        return report
    now = _content(replay_at, receipt, None)
    if now is None or content_digest(now) != receipt.digest:
        report.verdict = CHANGED
        report.changes = (
            differences(then, now) if now is not None else [Change("document", "present", None)]
        )
    if checkpoint is None:
        report.verdict = UNPROVEN
        report.problems.append(
            "no checkpoint signed by this key covers the receipt's position: the data matches "
            "the database, but nothing proves the database was not rewritten"
        )
    return report


def _content(replay_at: Replayer, receipt: Receipt, position: int | None) -> dict[str, Any] | None:
    try:
        return content_of(receipt.kind, replay_at(position), receipt.subject)
    except (DomainError, KeyError, ValueError):
        return None


def _named(
    events: Sequence[Notification],
    leaves: Sequence[tuple[int, int, bytes]],
    checkpoint: Checkpoint,
    position: int,
) -> list[str]:
    """The verifier's findings at or below the receipt's position (with the stored ledger)."""
    if not leaves:
        return []
    return [
        f"{finding.kind}: {finding.message}"
        for finding in compare_events(events, leaves)
        if (finding.leaf_index is not None and finding.leaf_index < checkpoint.size)
        or (finding.notification_id is not None and finding.notification_id <= position)
    ]


def differences(then: Any, now: Any, path: str = "") -> list[Change]:
    """What changed between two versions of a document's data, field by field."""
    if isinstance(then, dict) and isinstance(now, dict):
        out: list[Change] = []
        for key in sorted(set(then) | set(now)):
            out += differences(then.get(key), now.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(then, list) and isinstance(now, list):
        keyed_then, keyed_now = _keyed(then), _keyed(now)
        if keyed_then is not None and keyed_now is not None:
            return differences(keyed_then, keyed_now, path)
        if len(then) == len(now):
            out = []
            for index, (a, b) in enumerate(zip(then, now, strict=True)):
                out += differences(a, b, f"{path}[{index}]")
            return out
    return [] if then == now else [Change(path, then, now)]


KEYS = ("code", "servant_code", "period", "decision_no")


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """A list of records by their natural key, so a changed row is named, not indexed."""
    for key in KEYS:
        if items and all(isinstance(i, dict) and key in i for i in items):
            return {str(i[key]): i for i in items}
    return None
