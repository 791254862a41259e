"""Faults the followers record: an event a projection cannot take in.

A follower that meets one halts before it (``projections.follower``) and
records it here, in the database, so that every process sees the alarm: the
service's ``/health`` and ``minhbach project status`` both report it. The row
goes when a follower (a fixed version, say) commits past that position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.engine import Connection

from projections.tables import projection_faults


@dataclass(frozen=True)
class Fault:
    name: str  # the projection
    position: int  # the first event it cannot reflect
    topic: str | None  # that event's topic (none when a whole batch failed to derive)
    error: str
    recorded_at: str

    def describe(self) -> str:
        what = f"event {self.position} ({self.topic})" if self.topic else f"event {self.position}"
        return f"{self.name} halted at {what}: {self.error}"


def record(engine: Engine, name: str, position: int, topic: str | None, error: str) -> Fault:
    fault = Fault(name, position, topic, error[:4000], datetime.now(UTC).isoformat())
    with engine.begin() as conn:
        conn.execute(delete(projection_faults).where(projection_faults.c.name == name))
        conn.execute(
            insert(projection_faults).values(
                name=name,
                position=position,
                topic=topic,
                error=fault.error,
                recorded_at=fault.recorded_at,
            )
        )
    return fault


def recorded(conn: Connection) -> list[Fault]:
    rows = conn.execute(select(projection_faults).order_by(projection_faults.c.name))
    return [Fault(**dict(row._mapping)) for row in rows]


def clear_through(conn: Connection, name: str, position: int) -> None:
    """Forget a fault of ``name`` at or before ``position``: the views are past it."""
    conn.execute(
        delete(projection_faults).where(
            projection_faults.c.name == name, projection_faults.c.position <= position
        )
    )
