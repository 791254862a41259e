"""An export of the log for checking receipts without the database: every stored
event a signed checkpoint covers, byte for byte, and the checkpoints.

Loaded into a scratch SQLite store with the same positions, it replays exactly
as the database would; the verifier proves its events against the signed root,
so whoever made the export need not be trusted either.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from domain.application import MinhBach
from domain.storage import storage_from_url
from projections.bundle import signed_checkpoint
from projections.ledger import Checkpoint, Ledger

FORMAT = "minhbach-log-v1"
READ_PAGE = 5_000


def export_log(ledger: Ledger, out: IO[str]) -> tuple[Checkpoint, int]:
    """Write the events of the newest checkpoint, one JSON line each, after a header."""
    checkpoint, last = signed_checkpoint(ledger)
    header = {
        "format": FORMAT,
        "checkpoints": [c.as_dict() for c in ledger.checkpoints() if c.size <= checkpoint.size],
        "last_position": last,
    }
    out.write(json.dumps(header) + "\n")
    count = 0
    after: int | None = None
    app = ledger.app
    while page := app.recorder.select_notifications(
        start=after, limit=READ_PAGE, stop=last, inclusive_of_start=False
    ):
        for n in page:
            line = {
                "position": n.id,
                "originator_id": str(n.originator_id),
                "originator_version": n.originator_version,
                "topic": n.topic,
                "state": base64.b64encode(n.state).decode(),
            }
            out.write(json.dumps(line) + "\n")
            count += 1
        after = page[-1].id
    return checkpoint, count


@dataclass
class LoadedLog:
    app: MinhBach
    checkpoints: list[Checkpoint]


def _lines(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def load_log(path: Path, folder: Path) -> LoadedLog:
    """The export as an event store of its own (an SQLite file in ``folder``)."""
    lines = _lines(path)
    try:
        header = next(lines)
    except StopIteration:
        raise ValueError(f"{path} is empty") from None
    if header.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} export")
    raw = header.get("checkpoints")
    checkpoints = [Checkpoint.from_dict(c) for c in raw] if isinstance(raw, list) else []
    database = folder / "log.db"
    MinhBach(storage_from_url(f"sqlite:///{database}")).close()  # creates the tables
    with sqlite3.connect(database) as conn:
        conn.executemany(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                (
                    int(str(item["position"])),
                    str(item["originator_id"]).replace("-", ""),
                    int(str(item["originator_version"])),
                    str(item["topic"]),
                    base64.b64decode(str(item["state"])),
                )
                for item in lines
            ),
        )
    return LoadedLog(MinhBach(storage_from_url(f"sqlite:///{database}")), checkpoints)
