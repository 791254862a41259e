"""Strings that must never reach the store, and where every command takes a string.

The slots are found by introspecting the command classes, so a command or a
field added later is swept without editing the tests that use them.
"""

from __future__ import annotations

import copy
import inspect
import json
import types
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from domain.commands import COMMANDS
from domain.text import CODE_RULE, TEXT_RULE, Code, Reason, Text

EXAMPLE_FILE = Path(__file__).parents[1] / "docs" / "examples" / "import-example.jsonl"

# Refused in every string of every command.
EVERYWHERE: dict[str, str] = {
    "NUL": "A\x00B",
    "start of heading": "\x01AB",
    "escape": "AB\x1b[2J",
    "vertical tab": "A\x0bB",
    "delete": "A\x7fB",
    "C1 next line": "A\x85B",
    "right-to-left override": "A\u202eB",
    "left-to-right isolate": "\u2066AB",
    "unpaired surrogate": "A\ud800B",
}
# Refused in codes as well.
IN_CODES: dict[str, str] = {
    **EVERYWHERE,
    "zero-width space": "A\u200bB",
    "zero-width joiner": "A\u200dB",
    "byte-order mark": "\ufeffAB",
    "tab": "A\tB",
    "line feed": "AB\n",
    "no-break space": "A\u00a0B",
    "Cyrillic look-alike": "\u0421V1",
    "full-width": "\uff23\uff36\uff11",
    "colon": "A:B",
    "blank": "   ",
    "too long": "A" * 65,
}
# Accepted: a code with Vietnamese letters given decomposed and padded, free
# text decomposed with a Windows line end. Stored NFC, trimmed, LF.
GOOD_CODE = ("  " + unicodedata.normalize("NFD", "QĐ 12/QĐ-Sở.Nội_vụ") + " ", "QĐ 12/QĐ-Sở.Nội_vụ")
GOOD_TEXT = (
    unicodedata.normalize("NFD", "Lý do: kiểm tra lại\r\nlần hai\tđủ"),
    "Lý do: kiểm tra lại\nlần hai\tđủ",
)

KEY = "<key>"  # a dict's first key
VALUE = "<value>"  # a dict's first value
SlotPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Slot:
    command: str
    path: SlotPath
    kind: Literal["code", "text", "other"]
    plain: bool  # exactly Code, Text or Reason: no pattern of its own

    @property
    def bad(self) -> dict[str, str]:
        return IN_CODES if self.kind == "code" else EVERYWHERE

    @property
    def good(self) -> tuple[str, str]:
        return GOOD_CODE if self.kind == "code" else GOOD_TEXT

    def __str__(self) -> str:
        return f"{self.command}.{'.'.join(str(p) for p in self.path)}"


_PLAIN = [tuple(get_args(alias)[1:]) for alias in (Code, Text, Reason)]


def _leaf(metadata: tuple[Any, ...]) -> tuple[Literal["code", "text", "other"], bool]:
    if any(m is CODE_RULE for m in metadata):
        kind: Literal["code", "text", "other"] = "code"
    elif any(m is TEXT_RULE for m in metadata):
        kind = "text"
    else:
        kind = "other"
    return kind, tuple(metadata) in _PLAIN


def _walk(annotation: Any, path: SlotPath) -> Iterator[tuple[SlotPath, str, bool]]:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        if base is str:
            kind, plain = _leaf(tuple(metadata))
            yield path, kind, plain
        else:
            yield from _walk(base, path)
    elif annotation is str:
        yield path, "other", False
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                yield from _walk(arg, path)
    elif origin in (tuple, list):
        yield from _walk(get_args(annotation)[0], (*path, 0))
    elif origin is dict:
        key, value = get_args(annotation)
        yield from _walk(key, (*path, KEY))
        yield from _walk(value, (*path, VALUE))
    elif inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            yield from _walk(_annotation(info), (*path, name))
    elif origin is Literal or (inspect.isclass(annotation) and issubclass(annotation, Enum)):
        return  # fixed values


def _annotation(info: Any) -> Any:
    if info.metadata:
        return Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def slots() -> list[Slot]:
    """Every place a string goes in every command of ``COMMANDS``."""
    found = []
    for name, command in COMMANDS.items():
        for field_name, info in command.model_fields.items():
            for path, kind, plain in _walk(_annotation(info), (field_name,)):
                found.append(Slot(name, path, kind, plain))  # type: ignore[arg-type]
    return found


def example_args() -> dict[str, dict[str, Any]]:
    """A valid argument set per command, from the complete import example."""
    found: dict[str, dict[str, Any]] = {}
    for line in EXAMPLE_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            found.setdefault(data["command"], data["args"])
    return found


def put(args: dict[str, Any], path: SlotPath, value: str) -> dict[str, Any]:
    """A copy of ``args`` with ``value`` at ``path`` (containers made as needed)."""
    result = copy.deepcopy(args)
    holder: Any = result
    for step, following in zip(path, (*path[1:], None), strict=True):
        last = following is None
        if step in (KEY, VALUE):
            rest = list(holder.items())
            first_key, first_value = rest.pop(0) if rest else ("x", "1")
            if step == KEY:
                first_key = value
            elif last:
                first_value = value
            elif not isinstance(first_value, dict | list):
                first_value = [] if isinstance(following, int) else {}
            holder.clear()
            holder.update({first_key: first_value, **dict(rest)})
            if last or step == KEY:
                return result
            holder = holder[first_key]
            continue
        if isinstance(step, int):
            if not holder:
                holder.append({} if isinstance(following, str) else "")
            if last:
                holder[step] = value
                return result
            holder = holder[step]
            continue
        if last:
            holder[step] = value
            return result
        if not isinstance(holder.get(step), dict | list):
            holder[step] = [] if isinstance(following, int) else {}
        holder = holder[step]
    return result


def get(data: Any, path: SlotPath) -> Any:
    """The value at ``path`` of a dumped command."""
    for step in path:
        if step == KEY:
            return next(iter(data))
        data = next(iter(data.values())) if step == VALUE else data[step]
    return data
