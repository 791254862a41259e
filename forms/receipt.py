"""The verification receipt every document carries, and the digest of a document's data.

The digest covers the document's *data* (the numbers, names and levels it
shows, as canonical JSON), never the PDF bytes: the same records give the same
digest whatever renders them. ``content_digest`` is the one function that
computes it, when a document is made and when a receipt is checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from projections.ledger import Checkpoint

FORMAT = "minhbach-receipt-v1"
KINDS = ("form-01", "form-02", "summary")


class ReceiptError(ValueError):
    """A receipt that cannot be read."""


def canonical_content(content: Mapping[str, Any]) -> bytes:
    """Keys sorted, no whitespace, UTF-8: the bytes the digest covers."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_digest(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_content(content)).hexdigest()


@dataclass(frozen=True)
class Receipt:
    """What a document was made from: which records, as of which log position,
    under which policy, with which data digest, covered by which signed checkpoint."""

    kind: str  # form-01, form-02, summary
    subject: dict[str, Any]  # servant and period / year, or agency, year and unit
    position: int  # the log position the document reflects
    as_of_time: str | None  # the moment asked for, when made "as of" a moment
    policy: str  # e.g. "ND335-2025 v1" (and the variant, when there is one)
    digest: str  # content_digest of the document's data
    made_at: str  # when the document was made (ISO 8601)
    checkpoint: Checkpoint | None  # the signed checkpoint covering ``position``

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["checkpoint"] = self.checkpoint.as_dict() if self.checkpoint else None
        return {"format": FORMAT, **data}

    def text(self) -> str:
        """The receipt as one line of compact JSON: what the QR code holds."""
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def parse(cls, text: str | bytes) -> Receipt:
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as error:
            raise ReceiptError(f"not a receipt: {error}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ReceiptError(f"not a {FORMAT} receipt")
        try:
            checkpoint = data["checkpoint"]
            receipt = cls(
                kind=str(data["kind"]),
                subject=dict(data["subject"]),
                position=int(data["position"]),
                as_of_time=None if data["as_of_time"] is None else str(data["as_of_time"]),
                policy=str(data["policy"]),
                digest=str(data["digest"]),
                made_at=str(data["made_at"]),
                checkpoint=Checkpoint.from_dict(checkpoint) if checkpoint is not None else None,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ReceiptError(f"the receipt lacks or garbles {error}") from None
        if receipt.kind not in KINDS:
            raise ReceiptError(f"unknown document kind {receipt.kind!r}")
        if receipt.position < 0:
            raise ReceiptError("a log position is never negative")
        return receipt
