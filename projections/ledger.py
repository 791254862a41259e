"""The tamper-evident ledger: a Merkle log over the event log, in notification order.

Each stored event becomes one leaf: the RFC 6962 leaf hash of its canonical
bytes (position, aggregate, version, topic and the stored state, each length
prefixed). Checkpoints — tree size, root hash, time — are signed with an
Ed25519 key the database does not hold, so a rewrite of history by whoever
controls the database shows as a root that no signature covers.

The ledger follows the log like a projection: a batch of leaves and the
ledger's tracking position commit together, conditionally, so two followers
never append the same leaf twice. It can read the log itself (``catch_up``)
or ride along with the projection runner, which hands it the pages it has
already read (``observe`` / ``stage`` / ``committed``). Leaves are only ever
appended: rebuilding the views never rewrites the evidence.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from domain.application import MinhBach
from projections.merkle import LEAF_PREFIX, MerkleTree
from projections.signing import Signer, verify_signature
from projections.tables import ledger_checkpoints, ledger_chunks, metadata
from projections.tracking import (
    TrackingConflict,
    advance,
    engine_for,
    ensure_tracking_row,
    tracked_position,
)

NAME = "ledger"
FORMAT = b"minhbach-event-v1"
READ_PAGE = 2_000
CHECKPOINT_SECONDS = 60.0  # sign at most this often while following (0: whenever it grows)


_HEAD = struct.Struct(">Q16sQI")  # position, aggregate id, version, len(topic)
_U32 = struct.Struct(">I")
_LEAF_PREFIX = LEAF_PREFIX + FORMAT  # RFC 6962 leaf prefix, then the format tag


def _parts(notification: Notification) -> tuple[bytes, bytes, bytes, bytes]:
    topic = notification.topic.encode()
    originator = notification.originator_id
    identity = originator.bytes if hasattr(originator, "bytes") else str(originator).encode()
    state = notification.state
    head = _HEAD.pack(notification.id, identity, notification.originator_version, len(topic))
    return head, topic, _U32.pack(len(state)), state


def event_bytes(notification: Notification) -> bytes:
    """The canonical bytes of one stored event: what its leaf commits to::

    FORMAT ‖ position u64 ‖ aggregate id (16 bytes) ‖ version u64
    ‖ len(topic) u32 ‖ topic ‖ len(state) u32 ‖ state
    """
    head, topic, size, state = _parts(notification)
    return b"".join((FORMAT, head, topic, size, state))


def event_leaf(notification: Notification) -> bytes:
    """``leaf_hash(event_bytes(n))``, without building the bytes twice."""
    head, topic, size, state = _parts(notification)
    return hashlib.sha256(b"".join((_LEAF_PREFIX, head, topic, size, state))).digest()


def pack_positions(positions: Sequence[int]) -> bytes:
    return struct.pack(f">{len(positions)}Q", *positions)


def unpack_positions(data: bytes) -> list[int]:
    return list(struct.unpack(f">{len(data) // 8}Q", data))


def load_leaves(conn: Connection) -> list[tuple[int, bytes]]:
    """Every (position, leaf hash) of the stored ledger, in leaf order."""
    leaves: list[tuple[int, bytes]] = []
    rows = conn.execute(select(ledger_chunks).order_by(ledger_chunks.c.first_leaf))
    for row in rows:
        positions = unpack_positions(bytes(row.positions))
        hashes = bytes(row.hashes)
        leaves.extend((p, hashes[32 * i : 32 * i + 32]) for i, p in enumerate(positions))
    return leaves


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
    """Keeps the ledger's leaves in step with the log and signs checkpoints."""

    def __init__(
        self,
        app: MinhBach,
        engine: Engine | None = None,
        signer: Signer | None = None,
        checkpoint_seconds: float = 0.0,
    ) -> None:
        self.app = app
        self.engine = engine or engine_for(app.storage)
        self.signer = signer
        self.checkpoint_seconds = checkpoint_seconds
        self._last_signed = 0.0
        metadata.create_all(self.engine)
        ensure_tracking_row(self.engine, NAME)
        self.reload()

    def reload(self) -> None:
        """Load the stored leaves and the ledger's position as one snapshot.

        The position is read first, then the leaves; a chunk another follower
        committed in between lies wholly past that position (its leaves and the
        move commit together) and is left for the next catch-up, so the tree and
        the position always agree whatever the backend's isolation.
        """
        with self.engine.begin() as conn:
            position = tracked_position(conn, NAME)
            leaves = [leaf for leaf in load_leaves(conn) if leaf[0] <= position]
        self.tree = MerkleTree()
        self.tree.extend([digest for _, digest in leaves])
        self.index_of = {p: i for i, (p, _) in enumerate(leaves)}
        self.positions = [p for p, _ in leaves]  # leaf index → log position
        self.position = int(position)
        self._staged: list[tuple[int, bytes]] = []
        self._staged_position = self.position

    # --- following on its own ----------------------------------------------------

    def catch_up(self, window: int = 20_000, force_checkpoint: bool = False) -> int:
        """Append a leaf for every new event, then sign a checkpoint if one is due."""
        while True:
            head = self.app.recorder.max_notification_id() or 0
            if head <= self.position:
                break
            stop = min(head, self.position + window)
            after = self.position
            while after < stop:
                page = self.app.recorder.select_notifications(
                    start=after, limit=READ_PAGE, stop=stop, inclusive_of_start=False
                )
                if not page:
                    break
                self.observe(page)
                after = page[-1].id
            self._staged_position = max(self._staged_position, stop)
            try:
                with self.engine.begin() as conn:
                    self.stage(conn)
            except TrackingConflict:
                self.reload()  # another follower appended these leaves first
                continue
            self.committed()
        self.sign_if_due(force_checkpoint)
        return self.position

    # --- riding along with the projection runner -----------------------------------

    def observe(self, notifications: Sequence[Notification]) -> None:
        """Hash the events after the ledger's position; ignore the ones it has."""
        fresh = [n for n in notifications if n.id > self._staged_position]
        if fresh:
            self._staged.extend([(n.id, event_leaf(n)) for n in fresh])
            self._staged_position = fresh[-1].id

    def ready_for(self, after: int) -> bool:
        """True if pages read after ``after`` continue the ledger without a gap."""
        return self._staged_position >= after

    def advance_to(self, position: int) -> None:
        """Pages up to ``position`` were all seen (some ids may be gaps)."""
        self._staged_position = max(self._staged_position, position)

    def stage(self, conn: Connection) -> None:
        """Write the staged leaves and move the tracking position, in ``conn``'s
        transaction (the caller's: the projection runner commits views and ledger
        together)."""
        if self._staged_position == self.position:
            return
        advance(conn, NAME, self.position, self._staged_position)
        if self._staged:
            positions = [p for p, _ in self._staged]
            conn.execute(
                insert(ledger_chunks).values(
                    first_leaf=len(self.tree),
                    leaves=len(self._staged),
                    positions=pack_positions(positions),
                    hashes=b"".join(d for _, d in self._staged),
                )
            )

    def committed(self) -> None:
        first = len(self.tree)
        positions = [p for p, _ in self._staged]
        self.index_of.update(zip(positions, range(first, first + len(positions)), strict=True))
        self.positions.extend(positions)
        self.tree.extend([digest for _, digest in self._staged])
        self._staged = []
        self.position = self._staged_position

    # --- checkpoints --------------------------------------------------------------

    def sign_if_due(self, force: bool = False) -> Checkpoint | None:
        if self.signer is None:
            return None
        due = force or time.monotonic() - self._last_signed >= self.checkpoint_seconds
        return self.checkpoint() if due else None

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
            return None  # another follower signed this sequence number first
        self._last_signed = time.monotonic()
        return signed

    def checkpoints(self) -> list[Checkpoint]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(ledger_checkpoints).order_by(ledger_checkpoints.c.seq))
            return [Checkpoint.from_dict(dict(r._mapping)) for r in rows]

    def latest(self) -> Checkpoint | None:
        with self.engine.connect() as conn:
            newest = select(func.max(ledger_checkpoints.c.seq)).scalar_subquery()
            row = conn.execute(
                select(ledger_checkpoints).where(ledger_checkpoints.c.seq == newest)
            ).first()
        return Checkpoint.from_dict(dict(row._mapping)) if row else None

    def inclusion(self, notification_id: int, size: int) -> tuple[int, list[bytes]]:
        """The leaf index of an event and its inclusion proof in the tree of ``size``."""
        index = self.index_of.get(notification_id)
        if index is None or index >= size:
            raise KeyError(f"event {notification_id} is not in the first {size} leaves")
        return index, self.tree.inclusion_proof(index, size)
