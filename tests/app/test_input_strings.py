"""No string can poison the store: every string of every command, and the context
around it (actor, source document, idempotency key), is checked before an event
exists. The commands and their fields are found by introspection (tests/strings.py),
so a command added later is swept here without editing this file."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from api.importer import import_lines
from domain import commands as c
from domain import errors
from domain.actors import Actor, CommandContext, Role
from domain.application import MinhBach
from domain.commands import COMMANDS
from tests.app.scenario import ADMIN, log_size
from tests.strings import EVERYWHERE, Slot, example_args, get, put, slots

SLOTS = slots()
EXAMPLES = example_args()


def test_every_command_is_swept() -> None:
    """Each command has a valid example to vary, and strings to vary in it."""
    assert set(COMMANDS) <= set(EXAMPLES), "add the new command to the import example"
    for name, args in EXAMPLES.items():
        COMMANDS[name].model_validate(args)
    assert {slot.command for slot in SLOTS} == set(COMMANDS)
    assert len(SLOTS) > 100


@pytest.mark.parametrize("slot", SLOTS, ids=str)
def test_every_bad_string_is_refused_in_every_field(slot: Slot) -> None:
    command = COMMANDS[slot.command]
    for label, bad in slot.bad.items():
        with pytest.raises(ValidationError) as caught:
            command.model_validate(put(EXAMPLES[slot.command], slot.path, bad))
        locations = [problem["loc"] for problem in caught.value.errors()]
        assert any(loc[:1] == slot.path[:1] for loc in locations), (label, locations)


@pytest.mark.parametrize("slot", [s for s in SLOTS if s.plain], ids=str)
def test_good_strings_are_kept_normalised(slot: Slot) -> None:
    """Vietnamese given decomposed is stored composed (NFC); codes are trimmed."""
    given, stored = slot.good
    command = COMMANDS[slot.command].model_validate(put(EXAMPLES[slot.command], slot.path, given))
    assert get(command.model_dump(mode="json"), slot.path) == stored


@pytest.mark.parametrize("label", sorted(EVERYWHERE))
def test_the_context_of_a_command_is_checked_too(app: MinhBach, label: str) -> None:
    bad = EVERYWHERE[label]
    command = c.RegisterAgency(code="SNV", title="Sở Nội vụ")
    contexts = [
        (CommandContext(Actor(f"admin{bad}", Role.ADMIN)), None),
        (CommandContext(Actor("admin", Role.ADMIN, agency=bad)), None),
        (CommandContext(Actor("admin", Role.ADMIN), source_ref=f"QĐ {bad}"), None),
        (ADMIN, f"key{bad}"),
    ]
    for ctx, key in contexts:
        with pytest.raises(errors.InvalidValue):
            app.execute(command, ctx, idempotency_key=key)
    assert log_size(app) == 0


def test_an_import_line_with_a_bad_string_anywhere_writes_nothing(app: MinhBach) -> None:
    def line(key: str = "k", actor_id: str = "admin", **extra: object) -> str:
        return json.dumps(
            {
                "key": key,
                "command": "register_agency",
                "actor": {"id": actor_id, "role": "admin"},
                "args": {"code": "SNV", "title": "Sở Nội vụ"},
                **extra,
            }
        )

    lines = [
        line(key="k\x00"),
        line(actor_id="ad\x00min"),
        line(actor={"id": "admin", "role": "admin", "agency": "S\u202eNV"}),
        line(source_ref="QĐ\x00"),
        line(args={"code": "S\x00NV", "title": "Sở Nội vụ"}),
        line(args={"code": "SNV", "title": "Sở\x00Nội vụ"}),
    ]
    report = import_lines(app, lines)
    assert report.applied == 0
    assert [f.line for f in report.failures] == [1, 2, 3, 4, 5, 6]
    assert {f.code for f in report.failures} == {"invalid_value"}
    assert log_size(app) == 0
