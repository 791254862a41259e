"""The tamper-evident ledger: a Merkle log over the event log, in notification order.

Each stored event becomes one leaf: the RFC 6962 leaf hash of its canonical
bytes (position, aggregate, version, topic and the stored state, each length
prefixed). Checkpoints — tree size, root hash, time — are signed with an
Ed25519 key the database does not hold, so a rewrite of history by whoever
controls the database shows as a root that no signature covers.

The ledger follows the log like a projection: leaves and tracking position
commit together, and checkpoints are appended, never changed.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from domain.application import MinhBach
from projections.merkle import MerkleTree, leaf_hash
from projections.runner import TrackingConflict, engine_for
from projections.signing import Signer, verify_signature
from projections.tables import ledger_checkpoints, ledger_leaves, metadata, tracking

NAME = "ledger"
FORMAT = b"minhbach-event-v1"
READ_PAGE = 2_000


def event_bytes(notification: Notification) -> bytes:
    """The canonical bytes of one stored event: what its leaf commits to."""
    topic = notification.topic.encode()
    return b"".join(
        (
            FORMAT,
            struct.pack(">Q", notification.id),
            notification.originator_id.bytes
            if hasattr(notification.originator_id, "bytes")
            else str(notification.originator_id).encode(),
            struct.pack(">Q", notification.originator_version),
            struct.pack(">I", len(topic)),
            topic,
            struct.pack(">I", len(notification.state)),
            notification.state,
        )
    )


def event_leaf(notification: Notification) -> bytes:
    return leaf_hash(event_bytes(notification))


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: the log had ``size`` events with this root at this time."""

    seq: int
    size: int
    root_hash: str  # hex
    signed_at: str  # ISO 8601, UTC
    key_id: str
    signature: str  # base64 Ed25519 over ``note()``

    def note(self) -> bytes:
        root = base64.b64encode(bytes.fromhex(self.root_hash)).decode()
        return (
            f"minhbach ledger v1\nsize {self.size}\nroot {root}\n"
            f"time {self.signed_at}\nkey {self.key_id}\n"
        ).encode()

    def verify(self, public: Any) -> bool:
        return verify_signature(public, self.note(), self.signature)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checkpoint:
        return cls(
            seq=int(data["seq"]),
            size=int(data["size"]),
            root_hash=str(data["root_hash"]),
            signed_at=str(data["signed_at"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )


def sign_checkpoint(signer: Signer, seq: int, size: int, root: bytes, at: datetime) -> Checkpoint:
    unsigned = Checkpoint(seq, size, root.hex(), at.isoformat(), signer.key_id, "")
    return Checkpoint(**{**asdict(unsigned), "signature": signer.sign(unsigned.note())})


class Ledger:
    """Keeps ``pj_ledger_leaves`` in step with the log and signs checkpoints."""

    def __init__(
        self, app: MinhBach, engine: Engine | None = None, signer: Signer | None = None
    ) -> None:
        self.app = app
        self.engine = engine or engine_for(app.storage)
        self.signer = signer
        metadata.create_all(self.engine)
        self._ensure_tracking_row()
        self.reload()

    def reload(self) -> None:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ledger_leaves.c.notification_id, ledger_leaves.c.leaf_hash).order_by(
                    ledger_leaves.c.leaf_index
                )
            ).all()
            position = conn.execute(
                select(tracking.c.position).where(tracking.c.name == NAME)
            ).scalar_one()
        self.tree = MerkleTree([bytes.fromhex(h) for _, h in rows])
        self.index_of = {int(n): i for i, (n, _) in enumerate(rows)}
        self.position = int(position)

    def catch_up(self, window: int = 5_000) -> int:
        """Append a leaf for every new event, then sign a checkpoint if a key is set."""
        while True:
            head = self.app.recorder.max_notification_id() or 0
            if head <= self.position:
                break
            stop = min(head, self.position + window)
            new: list[tuple[int, bytes]] = []
            after = self.position
            while after < stop:
                page = self.app.recorder.select_notifications(
                    start=after, limit=READ_PAGE, stop=stop, inclusive_of_start=False
                )
                if not page:
                    break
                new.extend((n.id, event_leaf(n)) for n in page)
                after = page[-1].id
            self._commit(stop, new)
        if self.signer is not None:
            self.checkpoint()
        return self.position

    def _commit(self, position: int, new: Sequence[tuple[int, bytes]]) -> None:
        first = len(self.tree)
        rows = [
            {"leaf_index": first + i, "notification_id": n, "leaf_hash": h.hex()}
            for i, (n, h) in enumerate(new)
        ]
        try:
            with self.engine.begin() as conn:
                moved = conn.execute(
                    update(tracking)
                    .where(tracking.c.name == NAME, tracking.c.position == self.position)
                    .values(position=position)
                )
                if moved.rowcount != 1:
                    raise TrackingConflict(f"{NAME} moved past {self.position}")
                if rows:
                    conn.execute(insert(ledger_leaves), rows)
        except TrackingConflict:
            self.reload()  # another runner appended these leaves first
            return
        for offset, (notification_id, digest) in enumerate(new):
            self.tree.append(digest)
            self.index_of[notification_id] = first + offset
        self.position = position

    def checkpoint(self) -> Checkpoint | None:
        """Sign the current tree if it grew since the last checkpoint."""
        if self.signer is None:
            raise ValueError("no ledger signing key configured")
        size = len(self.tree)
        last = self.latest()
        if size == 0 or (last is not None and last.size >= size):
            return None
        seq = 1 if last is None else last.seq + 1
        signed = sign_checkpoint(self.signer, seq, size, self.tree.root(size), self.app.clock())
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(ledger_checkpoints).values(**signed.as_dict()))
        except IntegrityError:
            return None  # another runner signed this sequence number first
        return signed

    def checkpoints(self) -> list[Checkpoint]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(ledger_checkpoints).order_by(ledger_checkpoints.c.seq))
            return [Checkpoint.from_dict(dict(r._mapping)) for r in rows]

    def latest(self) -> Checkpoint | None:
        with self.engine.connect() as conn:
            seq = conn.execute(select(func.max(ledger_checkpoints.c.seq))).scalar()
        if seq is None:
            return None
        return next(c for c in self.checkpoints() if c.seq == seq)

    def inclusion(self, notification_id: int, size: int) -> tuple[int, list[bytes]]:
        """The leaf index of an event and its inclusion proof in the tree of ``size``."""
        index = self.index_of.get(notification_id)
        if index is None or index >= size:
            raise KeyError(f"event {notification_id} is not in the first {size} leaves")
        return index, self.tree.inclusion_proof(index, size)

    def _ensure_tracking_row(self) -> None:
        try:
            with self.engine.begin() as conn:
                exists = conn.execute(select(tracking.c.name).where(tracking.c.name == NAME))
                if exists.first() is None:
                    conn.execute(insert(tracking).values(name=NAME, position=0))
        except IntegrityError:
            pass


def leaves_of(notifications: Iterable[Notification]) -> list[tuple[int, bytes]]:
    return [(n.id, event_leaf(n)) for n in notifications]
