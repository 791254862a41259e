"""The digest of a published results table: canonical JSON, SHA-256."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping


def canonical_table(rows: Iterable[Mapping[str, str | None]], key: str = "servant_code") -> bytes:
    """Rows sorted by what each is about (a servant, an organisation), keys sorted, no
    whitespace: the bytes the digest covers."""
    ordered = sorted((dict(row) for row in rows), key=lambda r: str(r.get(key)))
    return json.dumps(ordered, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def table_digest(rows: Iterable[Mapping[str, str | None]], key: str = "servant_code") -> str:
    return hashlib.sha256(canonical_table(rows, key)).hexdigest()
