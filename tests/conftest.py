"""Shared fixtures: the same application tests run on SQLite and PostgreSQL.

PostgreSQL tests use a fresh schema each in ``MINHBACH_TEST_POSTGRES_URL``
(default ``postgresql://postgres@127.0.0.1:5432/test``). They are skipped
when no server answers, unless ``MINHBACH_REQUIRE_POSTGRES=1`` or ``CI`` is
set: then an unreachable server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings

from domain.application import MinhBach
from domain.storage import Storage, storage_from_url

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

POSTGRES_URL = os.environ.get(
    "MINHBACH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def postgres_required() -> bool:
    return os.environ.get("MINHBACH_REQUIRE_POSTGRES") == "1" or bool(os.environ.get("CI"))


def _connect() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    try:
        with _connect():
            return True
    except psycopg.OperationalError as error:
        if postgres_required():
            pytest.fail(f"PostgreSQL is required here but unreachable at {POSTGRES_URL}: {error}")
        return False


@pytest.fixture
def postgres_schema(postgres_available: bool) -> Iterator[str]:
    if not postgres_available:
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _connect() as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with _connect() as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def postgres_storage(schema: str) -> Storage:
    return storage_from_url(f"{POSTGRES_URL}?schema={schema}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "sqlite":
        return storage_from_url(f"sqlite:///{tmp_path / 'events.db'}")
    schema: str = request.getfixturevalue("postgres_schema")
    return postgres_storage(schema)


class FakeClock:
    """A clock the test moves by hand; always timezone-aware UTC."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 20, 9, 0, tzinfo=UTC))


@pytest.fixture
def app(storage: Storage, clock: FakeClock) -> Iterator[MinhBach]:
    application = MinhBach(storage, clock=clock)
    try:
        yield application
    finally:
        application.close()
