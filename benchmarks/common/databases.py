"""Fresh databases for the benchmarks: an SQLite temp file, or a PostgreSQL schema
created for the run and dropped after it."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from domain.storage import Storage, storage_from_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgres")


@contextmanager
def fresh_sqlite() -> Iterator[Storage]:
    with tempfile.TemporaryDirectory(prefix="minhbach-bench-") as folder:
        yield storage_from_url(f"sqlite:///{Path(folder) / 'events.db'}")


def postgres_reachable(url: str) -> str | None:
    """None if reachable, else the reason."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure means: skip PostgreSQL
        return f"{type(error).__name__}: {error}".strip()
    return None


@contextmanager
def fresh_postgres(url: str) -> Iterator[Storage]:
    import psycopg
    from psycopg import sql

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield storage_from_url(f"{url}?schema={schema}")
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def fresh_database(backend: str, postgres_url: str) -> AbstractContextManager[Storage]:
    return fresh_sqlite() if backend == "sqlite" else fresh_postgres(postgres_url)
