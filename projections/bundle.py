"""Evidence bundles: one file an inspector files and anyone can check offline.

A bundle holds the explanation of one classification, the stored bytes of
every event it rests on, an inclusion proof for each against a signed
checkpoint, and that checkpoint. ``verify_bundle`` needs only the bundle and
the ledger's public key: no database, no trust in whoever made the bundle.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.application import MinhBach
from domain.errors import InvalidState
from projections.explain import Explainer
from projections.ledger import Checkpoint, Ledger, event_leaf
from projections.merkle import ProofError, verify_inclusion
from projections.replay import replay

FORMAT = "minhbach-evidence-v1"


def stored_event(item: dict[str, Any]) -> Notification:
    """The stored event a bundle item carries, rebuilt to recompute its leaf."""
    return Notification(
        originator_id=UUID(item["originator_id"]),
        originator_version=int(item["originator_version"]),
        topic=str(item["topic"]),
        state=base64.b64decode(item["state"]),
        id=int(item["position"]),
    )


def make_bundle(app: MinhBach, ledger: Ledger, servant: str, year: int) -> dict[str, Any]:
    """The evidence for one annual classification, as of the latest signed checkpoint."""
    ledger.catch_up()
    checkpoint = ledger.latest()
    if checkpoint is None:
        raise InvalidState("no signed checkpoint yet: configure the ledger key and catch up")
    if checkpoint.size > len(ledger.tree):
        raise InvalidState(
            f"checkpoint {checkpoint.seq} covers {checkpoint.size} events but the ledger holds "
            f"{len(ledger.tree)}: run `minhbach verify` before making evidence"
        )
    position = ledger.positions[checkpoint.size - 1]
    explanation = Explainer(app, replay(app, upto=position), ledger).year(servant, year)
    events = [
        proven_event(app, ledger, ref["position"], checkpoint.size) for ref in explanation["inputs"]
    ]
    return {
        "format": FORMAT,
        "subject": explanation["subject"],
        "explanation": explanation,
        "checkpoint": checkpoint.as_dict(),
        "events": events,
    }


def proven_event(app: MinhBach, ledger: Ledger, position: int, size: int) -> dict[str, Any]:
    """One stored event, as bytes, with its inclusion proof in the tree of ``size``."""
    notification = app.recorder.select_notifications(start=position, limit=1)[0]
    index, proof = ledger.inclusion(notification.id, size)
    return {
        "position": notification.id,
        "originator_id": str(notification.originator_id),
        "originator_version": notification.originator_version,
        "topic": notification.topic,
        "state": base64.b64encode(notification.state).decode(),
        "leaf_index": index,
        "inclusion_proof": [h.hex() for h in proof],
    }


@dataclass
class BundleReport:
    events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def verify_bundle(bundle: dict[str, Any], public_key: Any) -> BundleReport:
    """Check a bundle offline: signature, every inclusion proof, and that the
    explanation's inputs are exactly the included events."""
    report = BundleReport()
    if bundle.get("format") != FORMAT:
        report.problems.append(f"not a {FORMAT} bundle")
        return report
    checkpoint = Checkpoint.from_dict(bundle["checkpoint"])
    if not checkpoint.verify(public_key):
        report.problems.append(f"checkpoint {checkpoint.seq} is not signed by this key")
    root = bytes.fromhex(checkpoint.root_hash)
    included: dict[int, Notification] = {}
    for item in bundle.get("events", []):
        report.events += 1
        try:
            notification = stored_event(item)
            proof = [bytes.fromhex(h) for h in item["inclusion_proof"]]
            verify_inclusion(
                event_leaf(notification), int(item["leaf_index"]), checkpoint.size, proof, root
            )
        except (ProofError, ValueError, KeyError) as error:
            report.problems.append(f"event {item.get('position')}: {error}")
            continue
        included[notification.id] = notification
    inputs = bundle.get("explanation", {}).get("inputs", [])
    for ref in inputs:
        proven = included.get(ref.get("position"))
        if proven is None:
            report.problems.append(f"input event {ref.get('position')} is not proven in the bundle")
            continue
        state = json.loads(proven.state)
        stated = (ref.get("type"), ref.get("actor"), ref.get("role"), ref.get("source_ref"))
        actual = (
            proven.topic,
            state.get("actor"),
            state.get("actor_role"),
            state.get("source_ref"),
        )
        if stated != actual:
            report.problems.append(
                f"input event {proven.id}: the explanation says {stated}, the event {actual}"
            )
    if len(inputs) != len(included):
        report.problems.append(
            f"{len(included)} events proven but the explanation names {len(inputs)} inputs"
        )
    return report
