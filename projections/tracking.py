"""What every follower of the log shares: an engine on the event store's database
and a tracking position that moves only from where the follower last saw it.

The projection runner and the ledger both follow the log with a row in
``pj_tracking``; the move is conditional (``UPDATE … WHERE position = <seen>``),
so of two followers that read the same events only one commits, and the other
learns it from :class:`TrackingConflict` and resynchronises.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from domain.storage import Storage
from projections.tables import tracking


class TrackingConflict(Exception):
    """Another follower committed first; this one resynchronises."""


def json_loads(text: str | bytes) -> Any:
    """The views' JSON columns, read with orjson (their rows are read on every
    listing); what orjson refuses (NaN, integers beyond 64 bits) falls back to the
    standard library, which wrote them."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def engine_for(storage: Storage) -> Engine:
    """An SQLAlchemy engine on the same database as the event store.

    On SQLite it waits for a held write lock as long as the event store does
    (``MINHBACH_LOCK_TIMEOUT``), then fails: a follower retries, a request
    answers 503.
    """
    env = storage.env
    if storage.backend == "sqlite":
        timeout = float(env.get("SQLITE_LOCK_TIMEOUT") or 10)
        return create_engine(
            f"sqlite:///{env['SQLITE_DBNAME']}",
            connect_args={"timeout": timeout},
            json_deserializer=json_loads,
        )
    url = (
        f"postgresql+psycopg://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}"
        f"@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
    )
    engine = create_engine(url, pool_pre_ping=True, json_deserializer=json_loads)
    schema = env.get("POSTGRES_SCHEMA")
    if schema:
        return engine.execution_options(schema_translate_map={None: schema})
    return engine


def ensure_tracking_row(engine: Engine, name: str) -> None:
    """Create the tracking row of ``name`` at position 0 unless it exists."""
    try:
        with engine.begin() as conn:
            exists = conn.execute(select(tracking.c.name).where(tracking.c.name == name))
            if exists.first() is None:
                conn.execute(insert(tracking).values(name=name, position=0))
    except IntegrityError:
        pass  # another follower created it first


def tracked_position(conn: Connection, name: str) -> int:
    found = conn.execute(select(tracking.c.position).where(tracking.c.name == name))
    return int(found.scalar_one())


def advance(conn: Connection, name: str, seen: int, to: int) -> None:
    """Move ``name`` from ``seen`` to ``to`` in ``conn``'s transaction, or raise
    :class:`TrackingConflict` if another follower moved it first."""
    moved = conn.execute(
        update(tracking)
        .where(tracking.c.name == name, tracking.c.position == seen)
        .values(position=to)
    )
    if moved.rowcount != 1:
        raise TrackingConflict(f"{name} moved past {seen}")
