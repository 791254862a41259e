"""Where the event store lives: one URL selects it.

``MINHBACH_DATABASE_URL`` unset: an SQLite file ``minhbach.db`` in the data
folder (``MINHBACH_DATA_DIR``, default ``./data``), created on first use.
``sqlite:///path/file.db``: that SQLite file.
``postgresql://user:password@host:port/dbname?schema=name``: PostgreSQL with
the library's psycopg 3 recorder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DATABASE_URL = "MINHBACH_DATABASE_URL"
DATA_DIR = "MINHBACH_DATA_DIR"
# How long a write waits for a lock another connection holds, in whole seconds,
# before it fails (a request then answers 503, a follower retries).
LOCK_TIMEOUT = "MINHBACH_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10


class StorageConfigError(ValueError):
    """The database URL cannot be used."""


class DatabaseUnavailable(StorageConfigError):
    """The database the URL names does not answer (or refuses the connection)."""


@dataclass(frozen=True)
class Storage:
    """A parsed database URL and the library settings it stands for."""

    url: str
    backend: str  # "sqlite" or "postgres"
    env: Mapping[str, str]

    @property
    def display_url(self) -> str:
        """The URL without its password, for logs and status output."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()


def default_url(environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    folder = Path(environ.get(DATA_DIR) or "data")
    return f"sqlite:///{folder / 'minhbach.db'}"


def storage_from_url(url: str | None = None, environ: Mapping[str, str] | None = None) -> Storage:
    """Parse ``url`` (or ``MINHBACH_DATABASE_URL``, or the default SQLite file)."""
    environ = os.environ if environ is None else environ
    url = url or environ.get(DATABASE_URL) or default_url(environ)
    lock_timeout = _lock_timeout(environ)
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise StorageConfigError(f"no file name in SQLite URL {url!r}")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path if path == ":memory:" else str(Path(path)),
            "SQLITE_LOCK_TIMEOUT": lock_timeout,
        }
        return Storage(url, "sqlite", env)
    if scheme in ("postgres", "postgresql"):
        if not parts.path.strip("/"):
            raise StorageConfigError(f"no database name in PostgreSQL URL {url!r}")
        query = parse_qs(parts.query)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(parts.path.strip("/")),
            "POSTGRES_HOST": parts.hostname or "localhost",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_SCHEMA": query.get("schema", [""])[0],
            # A request waits for a connection as long as for a lock: one setting
            # bounds how long anything waits for the database before it fails.
            "POSTGRES_CONNECT_TIMEOUT": lock_timeout,
            # The library tries an insert ten times (0.2 s apart): each try waits a
            # tenth, so the whole write waits about as long as on SQLite.
            "POSTGRES_LOCK_TIMEOUT": str(max(1, int(lock_timeout) // 10)),
            # A pooled connection the server dropped is replaced, not handed out.
            "POSTGRES_PRE_PING": "yes",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
        }
        return Storage(url, "postgres", env)
    raise StorageConfigError(
        f"unsupported database URL {url!r}: use sqlite:///FILE or postgresql://USER@HOST/DB"
    )


def _lock_timeout(environ: Mapping[str, str]) -> str:
    value = (environ.get(LOCK_TIMEOUT) or "").strip() or str(DEFAULT_LOCK_TIMEOUT)
    if not value.isdigit() or int(value) < 1:
        raise StorageConfigError(f"{LOCK_TIMEOUT} must be a whole number of seconds ≥ 1: {value!r}")
    return value


GUARD_SQL = """
SELECT pg_advisory_xact_lock(hashtext('minhbach append-only guard'));
CREATE OR REPLACE FUNCTION {schema}.minhbach_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE TRIGGER minhbach_append_only_rows
  BEFORE UPDATE OR DELETE ON {schema}.{table}
  FOR EACH ROW EXECUTE FUNCTION {schema}.minhbach_append_only();
CREATE OR REPLACE TRIGGER minhbach_append_only_truncate
  BEFORE TRUNCATE ON {schema}.{table}
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.minhbach_append_only();
"""


def _connect(storage: Storage) -> Any:
    import psycopg

    env = storage.env
    return psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "10")),
    )


def check_postgres(storage: Storage) -> None:
    """Connect once, so that an unreachable server is reported with its reason at
    once (the library's pool would wait, then say only that it timed out)."""
    import psycopg

    try:
        with _connect(storage):
            pass
    except psycopg.OperationalError as error:
        reason = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
        raise DatabaseUnavailable(
            f"cannot connect to the database {storage.display_url}: {reason}"
        ) from None


def protect_postgres_events(storage: Storage, table: str) -> None:
    """Make the event table refuse UPDATE, DELETE and TRUNCATE in the database itself.

    A trigger stops every role but a superuser who disables triggers on purpose;
    the ledger is what catches that case. Privileges (docs/operations.md) are
    the other half: the application's role is granted INSERT and SELECT only.
    """
    from psycopg import sql

    schema = storage.env.get("POSTGRES_SCHEMA") or "public"
    with _connect(storage) as conn:
        statement = sql.SQL(GUARD_SQL).format(
            schema=sql.Identifier(schema), table=sql.Identifier(table)
        )
        conn.execute(statement)
