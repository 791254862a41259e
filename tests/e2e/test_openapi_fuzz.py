"""Property-based fuzz of the OpenAPI document: every operation, generated input.

Schemathesis reads the document the FastAPI app serves and sends generated
requests to every operation of a fresh app (an SQLite log in a temporary
directory, the scenario agency loaded): as the admin with valid and invalid
input, and as a civil servant with valid input, so the scoped paths answer too.
Every answer must be documented: no 5xx, a documented status code and content
type, and a body that matches the documented schema (errors included:
``{code, message, details}``).

Bounded: a few fuzzed examples per operation on top of schemathesis's coverage
cases, so the file runs in about a minute on two cores; derandomised when
``CI`` is set, so a CI failure reproduces. ``MINHBACH_FUZZ_EXAMPLES`` raises the
count for a longer hunt.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.bootstrap import ensure_admin, issue
from api.http import create_app
from domain import commands as c
from domain.application import MinhBach
from domain.storage import storage_from_url
from tests.app.scenario import ADMIN, build_agency
from tests.conftest import FakeClock

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass(frozen=True)
class Served:
    api: FastAPI
    bearer: str


READ_TIMEOUT_SECONDS = 60

FUZZ = settings(
    max_examples=int(os.environ.get("MINHBACH_FUZZ_EXAMPLES", "8")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    # One app per operation and role, shared by that operation's examples on purpose:
    # the log only grows, and every answer must be documented whatever came before.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    print_blob=True,
)


def _schema(mode: GenerationMode | None = None) -> schemathesis.BaseSchema:
    """The document ``/openapi.json`` serves, read at collection from an empty app; each
    test then sends its cases to a fresh app of its own."""
    app = MinhBach(storage_from_url("sqlite:///:memory:"))
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(app, follow=False))
    finally:
        asgi.shutdown_lifespans()
        app.close()
    if mode is not None:
        schema.config.generation.update(modes=[mode])
    return schema


as_admin = _schema()
# Invalid input is rejected before the caller's role matters, and the admin pass sends
# it everywhere; the civil servant's pass sends valid input, which reaches the scopes.
as_civil_servant = _schema(GenerationMode.POSITIVE)


def _served(tmp_path: Path, clock: FakeClock, role: str) -> Iterator[Served]:
    """A fresh app with the scenario agency, and a bearer token of the given role."""
    app = MinhBach(storage_from_url(f"sqlite:///{tmp_path / 'events.db'}"), clock=clock)
    try:
        build_agency(app)
        token = ensure_admin(app)
        assert token is not None
        if role == "civil_servant":
            app.execute(
                c.RegisterPrincipal(
                    principal="cv1",
                    display_name="Công chức CV1",
                    role="civil_servant",
                    servant="CV1",
                ),
                ADMIN,
            )
            token = issue(app, "cv1", "fuzz")
        yield Served(create_app(app, follow=False), f"Bearer {token}")
    finally:
        asgi.shutdown_lifespans()  # schemathesis keeps each app started until asked
        app.close()


@pytest.fixture
def admin(tmp_path: Path, clock: FakeClock) -> Iterator[Served]:
    yield from _served(tmp_path, clock, "admin")


@pytest.fixture
def civil_servant(tmp_path: Path, clock: FakeClock) -> Iterator[Served]:
    yield from _served(tmp_path, clock, "civil_servant")


def _call(case: schemathesis.Case[Any], served: Served) -> None:
    # The first call of each operation starts the app (views, catalogues): on a shared,
    # loaded machine that alone can pass the client's default 10 s.
    case.call_and_validate(
        app=served.api,
        headers={"Authorization": served.bearer},
        checks=CHECKS,
        timeout=READ_TIMEOUT_SECONDS,
    )


@as_admin.parametrize()
@FUZZ
def test_admin_answers_are_documented(case: schemathesis.Case[Any], admin: Served) -> None:
    _call(case, admin)


@as_civil_servant.parametrize()
@FUZZ
def test_civil_servant_answers_are_documented(
    case: schemathesis.Case[Any], civil_servant: Served
) -> None:
    _call(case, civil_servant)
