"""Bulk import: a JSON Lines file of commands, applied in order.

Each line is one object::

    {"key": "...", "command": "assign_task",
     "actor": {"id": "CC-0002", "role": "manager"},      # or, confined to one agency:
     "actor": {"id": "hr-snv", "role": "hr", "agency": "SNV"},
     "source_ref": "optional document reference",
     "args": {...the command's fields...}}

The key is the line's idempotency key: re-running a file adds nothing. A bad
line is reported with its number and reason and writes nothing; the other
lines still apply. See docs/import-format.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.commands import COMMANDS, Command
from domain.errors import DomainError

LINE_FIELDS = {"key", "command", "actor", "source_ref", "args"}
ACTOR_FIELDS = {"id", "role", "agency"}


class LineError(Exception):
    """A line that cannot be turned into a command."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ParsedLine:
    key: str
    command: Command
    ctx: CommandContext


@dataclass(frozen=True)
class LineFailure:
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.code}: {self.message}"


@dataclass
class ImportReport:
    applied: int = 0
    already_applied: int = 0
    failures: list[LineFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _validation_message(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "args"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def parse_line(text: str) -> ParsedLine:
    """Turn one JSON line into a command with its context, or raise LineError."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise LineError("invalid_json", f"not valid JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise LineError("invalid_line", "a line must be a JSON object")
    unknown = set(data) - LINE_FIELDS
    if unknown:
        raise LineError("invalid_line", f"unknown fields: {', '.join(sorted(unknown))}")
    key = data.get("key")
    if not isinstance(key, str) or not key.strip():
        raise LineError("missing_key", "every line needs a non-empty idempotency 'key'")
    name = data.get("command")
    command_class = COMMANDS.get(name) if isinstance(name, str) else None
    if command_class is None:
        raise LineError("unknown_command", f"unknown command {name!r}")
    ctx = CommandContext(_actor(data.get("actor")), _source_ref(data.get("source_ref")))
    try:
        command = command_class.model_validate(data.get("args", {}))
    except ValidationError as error:
        raise LineError("invalid_value", _validation_message(error)) from None
    return ParsedLine(key.strip(), command, ctx)


def _actor(value: Any) -> Actor:
    """``{"id", "role", "agency"?}``: an actor with an agency acts only in that agency."""
    shape = '\'actor\' must be {"id": ..., "role": ..., "agency"?: ...}'
    if not isinstance(value, dict) or not {"id", "role"} <= set(value) <= ACTOR_FIELDS:
        raise LineError("invalid_actor", shape)
    agency = value.get("agency")
    if not isinstance(value["id"], str) or not (
        agency is None or (isinstance(agency, str) and agency.strip())
    ):
        raise LineError("invalid_actor", f"{shape}, each a non-empty string")
    try:
        return Actor(value["id"], Role(value["role"]), agency.strip() if agency else None)
    except ValueError as error:
        raise LineError("invalid_actor", str(error)) from None


def _source_ref(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return value
    raise LineError("invalid_line", "'source_ref' must be a non-empty string or absent")


def numbered_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers in the file."""
    for number, text in enumerate(lines, start=1):
        if text.strip():
            yield number, text


def import_lines(app: MinhBach, lines: Iterable[str]) -> ImportReport:
    report = ImportReport()
    for number, text in numbered_lines(lines):
        try:
            parsed = parse_line(text)
            result = app.execute(parsed.command, parsed.ctx, idempotency_key=parsed.key)
        except LineError as error:
            report.failures.append(LineFailure(number, error.code, error.message))
        except DomainError as error:
            report.failures.append(LineFailure(number, error.code, error.message))
        else:
            if result.replayed:
                report.already_applied += 1
            else:
                report.applied += 1
    return report
