"""The last active admin can be neither disabled nor moved to another role — also
when two changes race, and on a log recorded before the roster existed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import pytest

from api.bootstrap import SYSTEM, ensure_admin
from domain import commands as c
from domain import errors, handlers
from domain.application import MinhBach
from domain.principal import AdminRoster, Principal, admin_roster_id, principal_id
from tests.app.scenario import ADMIN, log_size


def _register_admin(app: MinhBach, name: str) -> None:
    app.execute(c.RegisterPrincipal(principal=name, display_name=name, role="admin"), ADMIN)


def test_the_last_admin_stays(app: MinhBach) -> None:
    ensure_admin(app)
    size = log_size(app)
    with pytest.raises(errors.InvalidState, match="last active admin"):
        app.execute(c.DisablePrincipal(principal="admin", reason="nhầm"), ADMIN)
    with pytest.raises(errors.InvalidState, match="last active admin"):
        app.execute(c.GrantRole(principal="admin", role="inspector"), ADMIN)
    assert log_size(app) == size

    _register_admin(app, "admin2")
    app.execute(c.DisablePrincipal(principal="admin", reason="nghỉ hưu"), ADMIN)
    with pytest.raises(errors.InvalidState):
        app.execute(c.GrantRole(principal="admin2", role="inspector"), ADMIN)
    app.execute(c.GrantRole(principal="admin2", role="admin"), ADMIN)  # no change: allowed
    roster = app.load(AdminRoster, admin_roster_id(), "roster")
    assert roster.admins == {"admin2"}


def test_a_role_change_away_from_admin_is_allowed_while_another_remains(app: MinhBach) -> None:
    ensure_admin(app)
    _register_admin(app, "admin2")
    app.execute(c.GrantRole(principal="admin2", role="inspector"), ADMIN)
    app.execute(c.GrantRole(principal="admin2", role="admin"), ADMIN)
    app.execute(c.GrantRole(principal="admin", role="inspector"), ADMIN)
    assert app.load(AdminRoster, admin_roster_id(), "roster").admins == {"admin2"}


def test_two_admins_disabling_each_other_at_once_leave_one(
    app: MinhBach, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_admin(app)
    _register_admin(app, "admin2")
    other = MinhBach(app.storage, clock=app.clock)
    original = handlers.HANDLERS[c.DisablePrincipal]
    calls: list[int] = []

    def raced(records: Any, cmd: Any, ctx: Any, at: datetime) -> handlers.Outcome:
        outcome = original(records, cmd, ctx, at)  # counted two admins
        calls.append(1)
        if len(calls) == 1:  # admin2 is disabled before this is saved
            other.execute(c.DisablePrincipal(principal="admin2", reason="x"), ADMIN)
        return outcome

    monkeypatch.setitem(cast(dict[Any, Any], handlers.HANDLERS), c.DisablePrincipal, raced)
    with pytest.raises(errors.InvalidState, match="last active admin"):
        app.execute(c.DisablePrincipal(principal="admin", reason="x"), ADMIN)
    other.close()
    assert len(calls) == 2  # the save conflicted, the retry counted again
    assert not app.load(Principal, principal_id("admin"), "admin").disabled
    assert app.load(Principal, principal_id("admin2"), "admin2").disabled


def test_admins_recorded_before_the_roster_are_counted(app: MinhBach) -> None:
    """A log from before the roster: its admins are found in the log itself."""
    for name, role in (("admin", "admin"), ("old-admin", "admin"), ("hr-1", "hr")):
        app.save(
            Principal.start(
                Principal.Registered,
                principal_id(name),
                SYSTEM,
                app.clock(),
                name=name,
                display_name=name,
                role=role,
                agency="SNV" if role == "hr" else None,
                servant=None,
            )
        )
    assert app.find(AdminRoster, admin_roster_id()) is None
    app.execute(c.DisablePrincipal(principal="old-admin", reason="x"), ADMIN)
    assert app.load(AdminRoster, admin_roster_id(), "roster").admins == {"admin"}
    with pytest.raises(errors.InvalidState):
        app.execute(c.DisablePrincipal(principal="admin", reason="x"), ADMIN)
