"""First start: the first admin token; demo mode: a token for each demo role."""

from __future__ import annotations

from dataclasses import dataclass

from api.auth import new_token
from domain import commands as c
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.principal import Principal, principal_id

SYSTEM = CommandContext(Actor("system", Role.ADMIN), "first start")
ADMIN = "admin"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    principal: str
    who: str
    token: str


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


def demo_logins(app: MinhBach) -> list[DemoLogin]:
    """A principal per demo role (created once) with a fresh token each start."""
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
            DemoLogin(role, name, f"{person.full_name} ({person.why})", issue(app, name, "demo"))
        )
    return logins
