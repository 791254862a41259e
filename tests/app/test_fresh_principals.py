"""The token check keeps principals in memory between requests (``api.fresh``),
yet a revoked token, a disabled principal or an ended session is refused by
the very next request — whether this process or another one recorded it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.auth import Unauthenticated, authenticate, authenticate_session, new_session
from api.bootstrap import SYSTEM, issue
from domain import commands as c
from domain.application import MinhBach
from domain.principal import Principal, principal_id


def registered(app: MinhBach, name: str = "cv1") -> str:
    app.execute(c.RegisterPrincipal(principal=name, display_name=name, role="inspector"), SYSTEM)
    return issue(app, name, "laptop")


def bearer(token: str) -> str:
    return f"Bearer {token}"


def token_id(token: str) -> str:
    return token.split(".")[2]


def test_a_revoked_token_is_refused_at_once_after_being_accepted(app: MinhBach) -> None:
    token = registered(app)
    other = issue(app, "cv1", "phone")
    for _ in range(3):  # kept in memory after the first
        assert authenticate(app, bearer(token)).principal == "cv1"
    app.execute(c.RevokeToken(principal="cv1", token_id=token_id(token)), SYSTEM)
    with pytest.raises(Unauthenticated):
        authenticate(app, bearer(token))
    assert authenticate(app, bearer(other)).principal == "cv1"


def test_a_revocation_by_another_process_is_seen_by_the_next_request(app: MinhBach) -> None:
    token = registered(app)
    assert authenticate(app, bearer(token)).principal == "cv1"
    elsewhere = MinhBach(app.storage, clock=app.clock)  # another process on the same store
    try:
        elsewhere.execute(c.RevokeToken(principal="cv1", token_id=token_id(token)), SYSTEM)
    finally:
        elsewhere.close()
    with pytest.raises(Unauthenticated):
        authenticate(app, bearer(token))


def test_a_disabled_principal_and_a_new_role_take_effect_at_once(app: MinhBach) -> None:
    token = registered(app)
    assert authenticate(app, bearer(token)).role.value == "inspector"
    app.execute(c.GrantRole(principal="cv1", role="authority"), SYSTEM)
    assert authenticate(app, bearer(token)).role.value == "authority"
    app.execute(c.DisablePrincipal(principal="cv1", reason="nghỉ việc"), SYSTEM)
    with pytest.raises(Unauthenticated):
        authenticate(app, bearer(token))


def test_an_ended_session_is_refused_at_once(app: MinhBach) -> None:
    token = registered(app)
    own = authenticate(app, bearer(token)).context("sign-in")
    session = new_session("cv1")
    app.execute(
        c.SignIn(
            principal="cv1", session_id=session.session_id, secret_sha256=session.secret_sha256
        ),
        own,
    )
    now = app.clock() + timedelta(minutes=1)
    assert authenticate_session(app, session.cookie, now).caller.principal == "cv1"
    app.execute(c.SignOut(principal="cv1", session_id=session.session_id), own)
    with pytest.raises(Unauthenticated):
        authenticate_session(app, session.cookie, now)
    assert app.find(Principal, principal_id("cv1")) is not None
