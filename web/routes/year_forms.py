"""What the year-end forms share: the posted form read as fields, the per-row
commands run under one form key, and the domain's refusals kept per row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from domain import commands as c
from domain.errors import DomainError, InvalidValue
from domain.values import Level
from web.deps import Viewer
from web.refusals import Refusal, refusal

FORM_KEY_LENGTH = 32
NOT_CLASSIFIED = "none"  # the level select's value for "not classified"


def text(form: FormData, name: str, limit: int = 300) -> str | None:
    """A typed text field, stripped; empty is None. Too long is the form's error."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > limit:
        raise InvalidValue(f"{name} has more than {limit} characters")
    return value or None


def form_key(form: FormData) -> str:
    key = text(form, "form_key", FORM_KEY_LENGTH) or ""
    if len(key) != FORM_KEY_LENGTH or any(ch not in "0123456789abcdef" for ch in key):
        raise InvalidValue("the form has no valid form_key")
    return key


def level(form: FormData, name: str) -> Level | None:
    """A level select: a level's code, or "none" for not classified."""
    value = text(form, name, 16)
    if value is None or value == NOT_CLASSIFIED:
        return None
    try:
        return Level(value)
    except ValueError:
        raise InvalidValue(f"{name}: no level {value!r}") from None


async def posted(request: Request, who: Viewer) -> FormData:
    """The posted form, with the views brought up to the log: the rows a form acts
    on are read as they stand, not as the follower last saw them."""
    who.svc.views.catch_up()
    return await request.form()


@dataclass
class Outcome:
    """What one form's commands did: the rows recorded, the rows refused (by servant
    code, or "" for the form as a whole)."""

    done: list[str] = field(default_factory=list)
    refused: dict[str, Refusal] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.refused

    def error(self, row: str = "") -> Refusal | None:
        return self.refused.get(row)


def run(
    who: Viewer,
    make: Callable[[], c.Command],
    key: str,
    row: str,
    outcome: Outcome,
    source_ref: str | None = None,
) -> None:
    """Execute one command of the form under the form's key and the row's name: a
    double submit replays each row's first answer, and a refused row stays open
    for the same form to be sent again once corrected."""
    try:
        command = make()  # the command's own checks of its fields
        ctx = who.caller.context(source_ref)
        done = who.svc.app.execute(
            command, ctx, who.idempotency_key(f"{key}:{row}" if row else key)
        )
        if done.position is not None:
            who.svc.views.ensure(done.position)  # the page after it shows its own write
    except ValidationError:
        outcome.refused[row] = refusal(InvalidValue("a field of the form is not valid"))
    except DomainError as error:
        outcome.refused[row] = refusal(error)
    else:
        outcome.done.append(row)


@dataclass(frozen=True)
class Ticked:
    """A row ticked on a list form, with the level and the reason entered beside it."""

    code: str
    row: dict[str, Any]
    level: Level | None
    reason: str | None


def ticked(form: FormData, rows: Iterable[dict[str, Any]]) -> Iterator[Ticked]:
    chosen = set(form.getlist("servant"))
    for row in rows:
        code = str(row["servant_code"])
        if code in chosen:
            yield Ticked(
                code, row, level(form, f"level-{code}"), text(form, f"reason-{code}", 2000)
            )
