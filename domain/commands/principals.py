"""Commands of principals: who may sign in, their roles, tokens, passwords and sign-ins."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    StringConstraints,
)

from domain.commands.base import Command
from domain.text import Code, Reason, Text

PrincipalRole = Literal[
    "civil_servant", "manager", "hr", "authority", "inspector", "appeals_reviewer", "admin"
]


class RegisterPrincipal(Command):
    """Someone who may sign in: a role, and the scope it is confined to."""

    name = "register_principal"
    principal: Code = Field(description="Sign-in name, unique")
    display_name: Reason
    role: PrincipalRole
    agency: Code | None = Field(None, description="HR, authority, reviewer: their one agency")
    servant: Code | None = Field(None, description="Civil servant, manager: their record")


class GrantRole(Command):
    name = "grant_role"
    principal: Code
    role: PrincipalRole
    agency: Code | None = None
    servant: Code | None = None


class IssueToken(Command):
    """Record a token's hash; the secret itself is shown once and never stored."""

    name = "issue_token"
    principal: Code
    token_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,32}$")]
    secret_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    label: Text = ""


class RevokeToken(Command):
    name = "revoke_token"
    principal: Code
    token_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,32}$")]


class DisablePrincipal(Command):
    name = "disable_principal"
    principal: Code
    reason: Reason


Argon2Hash = Annotated[
    str,
    StringConstraints(
        pattern=r"^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$"
    ),
]
SessionId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16,32}$")]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class SetPassword(Command):
    """HR (its own agency's staff) or an admin sets a first or a new password; the
    person is asked to change it at their next sign-in. Carries the hash only."""

    name = "set_password"
    principal: Code
    password_hash: Argon2Hash


class ChangePassword(Command):
    """A person changes their own password (the service checked the current one)."""

    name = "change_password"
    principal: Code
    password_hash: Argon2Hash


class SignIn(Command):
    """A person signed in with their password (checked by the service): a browser
    session opens, of which only the secret's hash is kept."""

    name = "sign_in"
    principal: Code
    session_id: SessionId
    secret_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    address: Address = ""


class RecordFailedSignIn(Command):
    name = "record_failed_sign_in"
    principal: Code
    reason: Literal["wrong_password", "locked", "disabled", "no_password"]
    address: Address = ""


class SignOut(Command):
    name = "sign_out"
    principal: Code
    session_id: SessionId
    address: Address = ""
