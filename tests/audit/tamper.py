"""What a database administrator could do behind the application's back.

Each function edits the stored events (or the ledger) directly with SQL. On
PostgreSQL the append-only trigger is bypassed the way only a superuser can
(``session_replication_role = replica``), which is exactly the case the ledger
exists for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from domain.storage import Storage
from projections.tracking import engine_for


class Tamperer:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.engine = engine_for(storage)
        if storage.backend == "sqlite":
            self.events, self.id = "stored_events", "rowid"
            self.prefix = ""
        else:
            schema = storage.env.get("POSTGRES_SCHEMA") or "public"
            self.events, self.id = f'"{schema}".minhbach_events', "notification_id"
            self.prefix = f'"{schema}".'

    def _run(self, *statements: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            if self.storage.backend == "postgres":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                conn.execute(text(statement), params)

    def row(self, conn: Connection, notification_id: int) -> dict[str, Any]:
        found = conn.execute(
            text(
                f"SELECT originator_id, originator_version, topic, state FROM {self.events} "
                f"WHERE {self.id} = :id"
            ),
            {"id": notification_id},
        ).one()
        return dict(found._mapping)

    def change_one_byte(self, notification_id: int) -> None:
        with self.engine.connect() as conn:
            state = bytes(self.row(conn, notification_id)["state"])
        position = state.index(b":") + 1
        changed = state[:position] + b" " + state[position:]  # still valid JSON
        self._run(
            f"UPDATE {self.events} SET state = :state WHERE {self.id} = :id",
            state=changed,
            id=notification_id,
        )

    def delete(self, notification_id: int) -> None:
        self._run(f"DELETE FROM {self.events} WHERE {self.id} = :id", id=notification_id)

    def delete_from(self, notification_id: int) -> None:
        self._run(f"DELETE FROM {self.events} WHERE {self.id} >= :id", id=notification_id)

    def swap(self, first: int, second: int) -> None:
        """Exchange the contents of two rows: the events trade places in the log."""
        with self.engine.connect() as conn:
            a, b = self.row(conn, first), self.row(conn, second)
        move = (
            f"UPDATE {self.events} SET originator_id = :oid, originator_version = :ver, "
            f"topic = :topic, state = :state WHERE {self.id} = :id"
        )
        self._run(
            f"UPDATE {self.events} SET originator_version = -1 WHERE {self.id} = :id", id=first
        )
        self._run(
            f"UPDATE {self.events} SET originator_version = -2 WHERE {self.id} = :id", id=second
        )
        self._run(
            move,
            oid=b["originator_id"],
            ver=b["originator_version"],
            topic=b["topic"],
            state=b["state"],
            id=first,
        )
        self._run(
            move,
            oid=a["originator_id"],
            ver=a["originator_version"],
            topic=a["topic"],
            state=a["state"],
            id=second,
        )

    def insert_copy_at(self, notification_id: int, source: int, new_version: int) -> None:
        """A forged event (a copy of another's content) at a free position."""
        with self.engine.connect() as conn:
            row = self.row(conn, source)
        self._run(
            f"INSERT INTO {self.events} ({self.id}, originator_id, originator_version, topic, "
            "state) VALUES (:id, :oid, :ver, :topic, :state)",
            id=notification_id,
            oid=row["originator_id"],
            ver=new_version,
            topic=row["topic"],
            state=row["state"],
        )

    def burn_an_id(self) -> None:
        """Leave a gap in the ids, as a conflicting save does on PostgreSQL."""
        if self.storage.backend == "postgres":
            self._run(f"SELECT nextval(pg_get_serial_sequence('{self.events}', 'notification_id'))")
        # SQLite: the caller inserts the next event with an explicit id instead.

    def rewrite_ledger(self, leaves: list[tuple[int, bytes]]) -> None:
        """Replace every stored leaf (positions and hashes) with ``leaves``."""
        from projections.ledger import pack_positions

        self._run(f"DELETE FROM {self.prefix}pj_ledger_chunks")
        if leaves:
            self._run(
                f"INSERT INTO {self.prefix}pj_ledger_chunks (first_leaf, leaves, positions, "
                "hashes) VALUES (0, :n, :positions, :hashes)",
                n=len(leaves),
                positions=pack_positions([p for p, _ in leaves]),
                hashes=b"".join(d for _, d in leaves),
            )

    def sql(self, statement: str, **params: Any) -> None:
        self._run(statement.format(p=self.prefix), **params)
