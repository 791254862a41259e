"""Proven events: what evidence bundles and traces are made of, and the checks an
offline verifier applies to them.

A proven event is a stored event's bytes with its ledger leaf index and an
inclusion proof against a signed checkpoint. Every field of one is checked:
the bytes and the position by the leaf hash they recompute, the index and the
proof by the root the proof leads to, and every text in its canonical form (a
hash in upper case, say, would decode to the same bytes and so prove nothing).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from projections.explain import StoreEvents
from projections.ledger import Checkpoint, Ledger, event_leaf
from projections.merkle import ProofError, verify_inclusion
from projections.signing import key_id

ITEM_FIELDS = (
    "position",
    "originator_id",
    "originator_version",
    "topic",
    "state",
    "leaf_index",
    "inclusion_proof",
)
_HASH = re.compile(r"[0-9a-f]{64}")
MAX_DIFFERENCES = 20


class EvidenceError(ValueError):
    """A part of a document that does not prove what it says."""


@dataclass
class Report:
    """What an offline verifier found: ``valid`` only when nothing."""

    events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


# --- making -------------------------------------------------------------------


def proven_items(
    source: StoreEvents, ledger: Ledger, positions: Iterable[int], size: int
) -> list[dict[str, Any]]:
    """The stored events at ``positions``, in log order, each with its inclusion
    proof in the tree of ``size`` leaves."""
    wanted = sorted(set(positions))
    source.load(wanted)
    items = []
    for position in wanted:
        notification = source.notification(position)
        if notification is None:
            raise KeyError(f"event {position} is not in the log")
        index, proof = ledger.inclusion(position, size)
        items.append(
            {
                "position": notification.id,
                "originator_id": str(notification.originator_id),
                "originator_version": notification.originator_version,
                "topic": notification.topic,
                "state": base64.b64encode(notification.state).decode(),
                "leaf_index": index,
                "inclusion_proof": [h.hex() for h in proof],
            }
        )
    return items


# --- checking -------------------------------------------------------------------


class Proven:
    """The events a document proves, as an explanation's event source."""

    def __init__(self) -> None:
        self.events: dict[int, tuple[Notification, int]] = {}

    def add(self, notification: Notification, index: int) -> None:
        known = self.events.get(notification.id)
        if known is not None and (known[0].state, known[1]) != (notification.state, index):
            raise EvidenceError(f"event {notification.id} is given twice, differently")
        self.events[notification.id] = (notification, index)

    def notification(self, position: int) -> Notification | None:
        found = self.events.get(position)
        return found[0] if found else None

    def leaf(self, position: int) -> tuple[int, bytes] | None:
        found = self.events.get(position)
        return (found[1], event_leaf(found[0])) if found else None

    def in_log_order(self) -> list[Notification]:
        return [self.events[p][0] for p in sorted(self.events)]


def check_checkpoint(document: Any, public: Any, problems: list[str]) -> Checkpoint | None:
    """The document's checkpoint, if it is one; a problem unless this key signed it."""
    try:
        checkpoint = Checkpoint.parse(document)
    except ValueError as error:
        problems.append(f"checkpoint: {error}")
        return None
    if not checkpoint.verify(public):
        ours = key_id(public)
        if checkpoint.key_id != ours:
            problems.append(
                f"checkpoint {checkpoint.seq} is signed by another key (key id "
                f"{checkpoint.key_id}), not by this key (key id {ours})"
            )
        else:
            problems.append(
                f"checkpoint {checkpoint.seq} does not verify under this key: "
                "one of its fields was changed"
            )
    return checkpoint


def prove(item: Any, checkpoint: Checkpoint, extra: Sequence[str] = ()) -> Notification:
    """The stored event an item carries, if its proof leads to the checkpoint's root."""
    if not isinstance(item, dict) or set(item) != {*ITEM_FIELDS, *extra}:
        raise EvidenceError(f"a proven event has exactly the fields {', '.join(ITEM_FIELDS)}")
    for name in ("position", "originator_version", "leaf_index"):
        if type(item[name]) is not int:
            raise EvidenceError(f"{name} is not an integer")
    for name in ("originator_id", "topic", "state"):
        if type(item[name]) is not str:
            raise EvidenceError(f"{name} is not text")
    proof = item["inclusion_proof"]
    if not isinstance(proof, list) or not all(type(h) is str and _HASH.fullmatch(h) for h in proof):
        raise EvidenceError("the inclusion proof is not a list of hashes in lower-case hex")
    try:
        originator = UUID(item["originator_id"])
        state = base64.b64decode(item["state"], validate=True)
    except (ValueError, binascii.Error) as error:
        raise EvidenceError(f"unreadable event: {error}") from None
    if str(originator) != item["originator_id"]:
        raise EvidenceError("originator_id is not a UUID in canonical form")
    if base64.b64encode(state).decode() != item["state"]:
        raise EvidenceError("state is not in canonical base64")
    notification = Notification(
        originator_id=originator,
        originator_version=item["originator_version"],
        topic=item["topic"],
        state=state,
        id=item["position"],
    )
    try:
        verify_inclusion(
            event_leaf(notification),
            item["leaf_index"],
            checkpoint.size,
            [bytes.fromhex(h) for h in proof],
            bytes.fromhex(checkpoint.root_hash),
        )
    except ProofError as error:
        raise EvidenceError(str(error)) from None
    return notification


def prove_list(
    items: Any,
    checkpoint: Checkpoint,
    into: Proven,
    problems: list[str],
    label: str,
    extra: Sequence[str] = (),
) -> list[Notification]:
    """Prove every item of a list of events in strictly increasing log order."""
    if not isinstance(items, list):
        problems.append(f"{label}: not a list of events")
        return []
    proven: list[Notification] = []
    for number, item in enumerate(items):
        where = item.get("position") if isinstance(item, dict) else f"#{number}"
        try:
            notification = prove(item, checkpoint, extra)
        except EvidenceError as error:
            problems.append(f"{label} {where}: {error}")
            continue
        if proven and notification.id <= proven[-1].id:
            problems.append(f"{label} {where}: not in increasing log order (or given twice)")
            continue
        try:
            into.add(notification, item["leaf_index"])
        except EvidenceError as error:
            problems.append(f"{label}: {error}")
            continue
        proven.append(notification)
    return proven


def prove_anchor(
    item: Any, checkpoint: Checkpoint, into: Proven, problems: list[str]
) -> int | None:
    """The log position the checkpoint ends at, proven by the event of its last leaf."""
    try:
        notification = prove(item, checkpoint)
    except EvidenceError as error:
        problems.append(f"anchor: {error}")
        return None
    if item["leaf_index"] != checkpoint.size - 1:
        problems.append(
            f"anchor: event {notification.id} is leaf {item['leaf_index']}, not the "
            f"checkpoint's last leaf {checkpoint.size - 1}"
        )
        return None
    into.add(notification, item["leaf_index"])
    return notification.id


# --- comparing ------------------------------------------------------------------


def canonical(document: Any) -> str:
    """One text for one JSON value: keys sorted, types kept (``1`` is not ``true``)."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)


def plain(document: Any) -> Any:
    """A document as it reads back from a JSON file."""
    return json.loads(canonical(document))


def compare(label: str, claimed: Any, recomputed: Any, problems: list[str]) -> None:
    """Name what a document claims that the recomputation does not give."""
    if canonical(claimed) == canonical(recomputed):
        return
    found = differences(claimed, plain(recomputed), label)
    problems.extend(found[:MAX_DIFFERENCES] or [f"{label}: differs from the recomputation"])
    if len(found) > MAX_DIFFERENCES:
        problems.append(f"{label}: … and {len(found) - MAX_DIFFERENCES} more differences")


def differences(claimed: Any, recomputed: Any, path: str) -> list[str]:
    if isinstance(claimed, dict) and isinstance(recomputed, dict):
        found = [f"{path}.{k}: not in the recomputation" for k in claimed if k not in recomputed]
        found += [f"{path}.{k}: missing" for k in recomputed if k not in claimed]
        for key in claimed:
            if key in recomputed:
                found += differences(claimed[key], recomputed[key], f"{path}.{key}")
        return found
    if isinstance(claimed, list) and isinstance(recomputed, list):
        if len(claimed) != len(recomputed):
            return [f"{path}: {len(claimed)} items, the events give {len(recomputed)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(claimed, recomputed, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    if canonical(claimed) != canonical(recomputed):
        return [
            f"{path}: the document says {_short(claimed)}, the events give {_short(recomputed)}"
        ]
    return []


def _short(value: Any) -> str:
    text = canonical(value)
    return text if len(text) <= 80 else text[:77] + "…"
