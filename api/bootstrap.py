"""First start: the first admin token; demo mode: a token for each demo role."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from api.auth import caller_of, new_token
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.passwords import hash_new_password
from domain.principal import Principal, principal_id

if TYPE_CHECKING:
    from demo.petitions import PetitionStory

SYSTEM = CommandContext(Actor("system", Role.ADMIN), "first start")
ADMIN = "admin"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    principal: str
    who: str
    token: str
    password: str  # to sign in to the web pages with ``principal`` as the login


def issue(app: MinhBach, principal: str, label: str, ctx: CommandContext = SYSTEM) -> str:
    token = new_token(principal)
    app.execute(
        c.IssueToken(
            principal=principal,
            token_id=token.token_id,
            secret_sha256=token.secret_sha256,
            label=label,
        ),
        ctx,
    )
    return token.token


def ensure_admin(app: MinhBach) -> str | None:
    """Create the first admin and return its token, shown once; None if one exists."""
    if app.find(Principal, principal_id(ADMIN)) is not None:
        return None
    app.execute(
        c.RegisterPrincipal(principal=ADMIN, display_name="Administrator", role="admin"), SYSTEM
    )
    return issue(app, ADMIN, "first start")


def demo_password(app: MinhBach, principal: str) -> str:
    """A fresh password, recorded as chosen by the demo person (no change asked)."""
    password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
    found = app.find(Principal, principal_id(principal))
    assert found is not None
    app.execute(
        c.ChangePassword(principal=principal, password_hash=hash_new_password(password, principal)),
        caller_of(found).context("demo"),
    )
    return password


def demo_logins(app: MinhBach) -> list[DemoLogin]:
    """A principal per demo role (created once) with a fresh token and a fresh
    password each start."""
    from demo import AGENCY, demo_people

    logins = []
    for role, person in demo_people().items():
        name = f"demo-{role.replace('_', '-')}"
        grant = person.role.value
        servant_roles = (Role.CIVIL_SERVANT, Role.MANAGER)
        if app.find(Principal, principal_id(name)) is None:
            app.execute(
                c.RegisterPrincipal.model_validate(
                    {
                        "principal": name,
                        "display_name": person.full_name,
                        "role": grant,
                        "servant": person.code if person.role in servant_roles else None,
                        "agency": AGENCY if person.role is Role.HR else None,
                    }
                ),
                SYSTEM,
            )
        logins.append(
            DemoLogin(
                role,
                name,
                f"{person.full_name} ({person.why})",
                issue(app, name, "demo"),
                demo_password(app, name),
            )
        )
    return logins


# How ``serve --demo`` prints each login (see api/cli.py); read back by the tests
# and the benchmarks that start a demo server.
PRINTED_LOGIN = re.compile(
    r"^  (\w+) +.*\n +login: (\S+) +password: (\S+)\n +token: (mb\.[\w.-]+)$", re.MULTILINE
)


def printed_logins(stdout: str) -> dict[str, tuple[str, str, str]]:
    """Role key → (login, password, token) as ``serve --demo`` printed them."""
    return {role: (login, pw, token) for role, login, pw, token in PRINTED_LOGIN.findall(stdout)}


def record_demo_petitions(database_url: str, days_later: int = 21) -> PetitionStory:
    """The demo and its petition story in the database at ``database_url``, recorded
    by a clock that moves ``days_later`` days on: ``serve --demo`` then runs on from
    there, with the petition overdue (the screens of petitions and inspection)."""
    from demo import load_demo
    from demo.clock import DEMO_CLOCK_AT, DEMO_YEAR
    from demo.petitions import record_petitions
    from domain.storage import storage_from_url

    now = [DEMO_CLOCK_AT]

    def later() -> None:
        now[0] += timedelta(days=days_later)

    app = MinhBach(storage_from_url(database_url), clock=lambda: now[0])
    load_demo(app, DEMO_YEAR)
    demo_logins(app)  # the reviewer's principal (new passwords and tokens at every start)
    return record_petitions(app, DEMO_YEAR, "demo-appeals-reviewer", later)
