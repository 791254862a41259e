"""Passwords and sign-ins on the principal, on SQLite and PostgreSQL: who may set
and change a password, sessions that open, end and expire, refused sign-ins that
lock a login for a while — all recorded as events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.auth import (
    SIGN_IN_SERVICE,
    Unauthenticated,
    authenticate_session,
    caller_of,
    check_password,
    new_session,
)
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.errors import NotAuthorised, OutsideAgency
from domain.passwords import WeakPassword, hash_new_password, verify_password
from domain.principal import LOCK_DURATION, MAX_FAILED_SIGN_INS, SESSION_LIFETIME, Principal
from domain.principal import principal_id as pid
from tests.app.scenario import ADMIN, HR, build_agency
from tests.conftest import FakeClock

PASSWORD = "một mật khẩu dài"
SERVICE = CommandContext(SIGN_IN_SERVICE, "sign-in")


def principal(app: MinhBach, name: str) -> Principal:
    found = app.find(Principal, pid(name))
    assert found is not None
    return found


def own(app: MinhBach, name: str) -> CommandContext:
    return caller_of(principal(app, name)).context(None)


def set_up(app: MinhBach) -> None:
    build_agency(app)
    for name, role, servant in (("cv1", "civil_servant", "CV1"), ("tp1", "manager", "TP1")):
        app.execute(
            c.RegisterPrincipal.model_validate(
                {"principal": name, "display_name": name, "role": role, "servant": servant}
            ),
            ADMIN,
        )
    app.execute(
        c.RegisterPrincipal(principal="hr", display_name="HR", role="hr", agency="SNV"), ADMIN
    )


def give_password(app: MinhBach, name: str, password: str = PASSWORD) -> None:
    hashed = hash_new_password(password, name)
    app.execute(c.SetPassword(principal=name, password_hash=hashed), ADMIN)
    app.execute(c.ChangePassword(principal=name, password_hash=hashed), own(app, name))


def sign_in(app: MinhBach, name: str) -> str:
    session = new_session(name)
    app.execute(
        c.SignIn(
            principal=name,
            session_id=session.session_id,
            secret_sha256=session.secret_sha256,
            address="10.1.2.3",
        ),
        own(app, name),
    )
    return session.cookie


def test_hr_sets_a_first_password_the_person_must_change(app: MinhBach) -> None:
    set_up(app)
    hashed = hash_new_password(PASSWORD, "cv1")
    app.execute(c.SetPassword(principal="cv1", password_hash=hashed), HR)
    found = principal(app, "cv1")
    assert found.must_change_password and found.password_hash == hashed
    assert PASSWORD not in found.password_hash and verify_password(found.password_hash, PASSWORD)

    with pytest.raises(NotAuthorised):  # HR sets only civil servants' and managers' passwords
        app.execute(c.SetPassword(principal="hr", password_hash=hashed), HR)
    other_agency = CommandContext(Actor("hr-sxd", Role.HR, agency="SXD"))
    with pytest.raises(OutsideAgency):
        app.execute(c.SetPassword(principal="cv1", password_hash=hashed), other_agency)
    with pytest.raises(NotAuthorised):
        app.execute(c.SetPassword(principal="tp1", password_hash=hashed), own(app, "cv1"))

    changed = hash_new_password("mật khẩu của riêng tôi", "cv1")
    with pytest.raises(NotAuthorised):  # only the person changes their own
        app.execute(c.ChangePassword(principal="cv1", password_hash=changed), own(app, "tp1"))
    app.execute(c.ChangePassword(principal="cv1", password_hash=changed), own(app, "cv1"))
    assert not principal(app, "cv1").must_change_password


def test_weak_passwords_are_refused_before_hashing() -> None:
    for weak in ("short", "aaaaaaaaaaaa", "ababababab", "x" * 129):
        with pytest.raises(WeakPassword):
            hash_new_password(weak, "cv1")
    with pytest.raises(WeakPassword):  # the login name itself, whatever its case
        hash_new_password("tp1-manager", "TP1-MANAGER")
    assert not verify_password(None, "anything at all")


def test_a_session_opens_ends_and_expires(app: MinhBach, clock: FakeClock) -> None:
    set_up(app)
    give_password(app, "cv1")
    with pytest.raises(NotAuthorised):  # nobody opens a session in another's name
        session = new_session("cv1")
        app.execute(
            c.SignIn(
                principal="cv1",
                session_id=session.session_id,
                secret_sha256=session.secret_sha256,
            ),
            own(app, "tp1"),
        )
    cookie = sign_in(app, "cv1")
    signed_in = authenticate_session(app, cookie, clock())
    assert (signed_in.caller.principal, signed_in.caller.servant) == ("cv1", "CV1")
    forged = cookie[:-4] + ("AAAA" if not cookie.endswith("AAAA") else "BBBB")
    with pytest.raises(Unauthenticated):
        authenticate_session(app, forged, clock())

    clock.advance(seconds=SESSION_LIFETIME.total_seconds() - 1)
    authenticate_session(app, cookie, clock())
    clock.advance(seconds=2)
    with pytest.raises(Unauthenticated):
        authenticate_session(app, cookie, clock())

    second = sign_in(app, "cv1")
    session_id = authenticate_session(app, second, clock()).session_id
    app.execute(
        c.SignOut(principal="cv1", session_id=session_id, address="10.1.2.3"), own(app, "cv1")
    )
    with pytest.raises(Unauthenticated):
        authenticate_session(app, second, clock())

    third = sign_in(app, "cv1")
    hashed = hash_new_password("một mật khẩu mới hơn", "cv1")
    app.execute(c.ChangePassword(principal="cv1", password_hash=hashed), own(app, "cv1"))
    with pytest.raises(Unauthenticated):  # a new password ends every session
        authenticate_session(app, third, clock())


def test_repeated_failures_lock_the_login_for_a_while(app: MinhBach, clock: FakeClock) -> None:
    set_up(app)
    give_password(app, "cv1")
    with pytest.raises(NotAuthorised):  # only the sign-in service records refusals
        app.execute(c.RecordFailedSignIn(principal="cv1", reason="wrong_password"), own(app, "tp1"))
    for _ in range(MAX_FAILED_SIGN_INS):
        check = check_password(app, "cv1", "not the password", clock())
        assert check.refused == "wrong_password"
        app.execute(
            c.RecordFailedSignIn(principal="cv1", reason="wrong_password", address="10.9.9.9"),
            SERVICE,
        )
    assert check_password(app, "cv1", PASSWORD, clock()).refused == "locked"
    clock.advance(seconds=LOCK_DURATION.total_seconds() - 1)
    assert check_password(app, "cv1", PASSWORD, clock()).refused == "locked"
    clock.advance(seconds=2)
    found = check_password(app, "cv1", PASSWORD, clock())
    assert found.refused is None and found.principal is not None

    events = list(app.events.get(pid("cv1")))
    failed = [e for e in events if isinstance(e, Principal.SignInFailed)]
    assert len(failed) == MAX_FAILED_SIGN_INS
    assert {(e.address, e.reason, e.actor) for e in failed} == {
        ("10.9.9.9", "wrong_password", "sign-in")
    }


def test_a_signed_in_login_resets_the_count_and_unknown_logins_tell_nothing(
    app: MinhBach, clock: FakeClock
) -> None:
    set_up(app)
    give_password(app, "cv1")
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        app.execute(c.RecordFailedSignIn(principal="cv1", reason="wrong_password"), SERVICE)
    sign_in(app, "cv1")
    assert principal(app, "cv1").failed_sign_ins == 0
    assert check_password(app, "nobody", PASSWORD, clock()).refused == "unknown_login"
    assert check_password(app, "tp1", PASSWORD, clock()).refused == "no_password"
    app.execute(c.DisablePrincipal(principal="cv1", reason="left"), ADMIN)
    assert check_password(app, "cv1", PASSWORD, clock()).refused == "disabled"


def test_a_password_hash_never_leaves_through_the_event_log_api() -> None:
    from api.query_routes import _redacted

    assert _redacted({"password_hash": "$argon2id$…", "must_change": True}) == {
        "password_hash": "(redacted)",
        "must_change": True,
    }


def test_sessions_last_a_working_day() -> None:
    assert timedelta(hours=4) < SESSION_LIFETIME <= timedelta(hours=12)
