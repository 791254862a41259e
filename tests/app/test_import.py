"""Bulk import: idempotent, line-numbered errors, bad lines write nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.importer import import_lines, parse_line
from domain.application import MinhBach
from tests.app.scenario import log_size
from tests.app.test_event_roundtrip import EXAMPLE


def test_rerunning_the_same_file_adds_nothing(app: MinhBach) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    first = import_lines(app, lines)
    size = log_size(app)
    second = import_lines(app, lines)
    assert (first.applied, first.already_applied, first.failures) == (len(lines), 0, [])
    assert (second.applied, second.already_applied, second.failures) == (0, len(lines), [])
    assert log_size(app) == size


def _line(key: str, command: str, args: dict[str, object], role: str = "hr") -> str:
    return json.dumps(
        {"key": key, "command": command, "actor": {"id": "hr-1", "role": role}, "args": args}
    )


def test_bad_lines_are_reported_and_the_others_apply(app: MinhBach) -> None:
    lines = [
        _line("k1", "register_agency", {"code": "A", "title": "Sở A"}),
        "{not json",
        _line("k3", "open_unit", {"agency": "NOPE", "unit": "U", "title": "Phòng"}),
        "",
        _line("k5", "open_unit", {"agency": "A", "unit": "U", "title": "Phòng", "extra": 1}),
        _line("k6", "fly_to_the_moon", {}),
        _line("k7", "open_unit", {"agency": "A", "unit": "U", "title": "Phòng"}, role="wizard"),
        _line("k8", "open_unit", {"agency": "A", "unit": "U", "title": "Phòng"}),
    ]
    report = import_lines(app, lines)
    assert report.applied == 2
    assert [(f.line, f.code) for f in report.failures] == [
        (2, "invalid_json"),
        (3, "not_found"),
        (5, "invalid_value"),
        (6, "unknown_command"),
        (7, "invalid_actor"),
    ]
    assert "extra" in report.failures[2].message
    assert "agency NOPE not found" in report.failures[1].message
    # Only the two good lines wrote events (each with its receipt).
    assert log_size(app) == 4


def test_a_reused_key_with_another_command_is_refused(app: MinhBach) -> None:
    import_lines(app, [_line("k1", "register_agency", {"code": "A", "title": "Sở A"})])
    report = import_lines(app, [_line("k1", "register_agency", {"code": "B", "title": "Sở B"})])
    assert [f.code for f in report.failures] == ["idempotency_key_reused"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[]", "invalid_line"),
        ('{"command": "register_agency"}', "missing_key"),
        ('{"key": "x", "command": "register_agency", "actor": "me"}', "invalid_actor"),
        ('{"key": "x", "command": "register_agency", "whatever": 1}', "invalid_line"),
    ],
)
def test_malformed_lines(text: str, code: str) -> None:
    from api.importer import LineError

    with pytest.raises(LineError) as raised:
        parse_line(text)
    assert raised.value.code == code


def test_cli_exits_non_zero_when_a_line_fails(tmp_path: Path) -> None:
    good = _line("k1", "register_agency", {"code": "A", "title": "Sở A"})
    bad = _line("k2", "open_unit", {"agency": "NOPE", "unit": "U", "title": "Phòng"})
    source = tmp_path / "in.jsonl"
    source.write_text(f"{good}\n{bad}\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    run = [sys.executable, "-m", "api.cli", "--database-url", url, "import", str(source)]
    first = subprocess.run(run, capture_output=True, text=True, check=False)
    assert first.returncode == 1
    assert "in.jsonl:line 2: not_found: agency NOPE not found" in first.stderr
    assert "applied 1, already applied 0, failed 1" in first.stdout
    source.write_text(f"{good}\n", encoding="utf-8")
    second = subprocess.run(run, capture_output=True, text=True, check=False)
    assert second.returncode == 0
    assert "applied 0, already applied 1, failed 0" in second.stdout


DOCS = EXAMPLE.parent.parent / "import-format.md"


def _actor_examples() -> list[str]:
    """The JSON blocks of the doc's section on the actor, in order."""
    section = DOCS.read_text(encoding="utf-8").split("## The actor", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0].strip() for block in section.split("```json")[1:]]


def test_the_documented_actor_forms_import(app: MinhBach) -> None:
    plain, with_agency = _actor_examples()
    assert set(json.loads(plain)["actor"]) == {"id", "role"}
    assert set(json.loads(with_agency)["actor"]) == {"id", "role", "agency"}
    report = import_lines(app, [plain, with_agency])
    assert (report.applied, report.failures) == (2, [])
    assert parse_line(with_agency).ctx.actor.agency == "SNV-VD"
    # The agency form confines the actor to its agency.
    elsewhere = json.loads(with_agency)
    elsewhere.update(key="ex-3", args={"agency": "SNV-KHAC", "unit": "U", "title": "Phòng"})
    refused = import_lines(app, [json.dumps(elsewhere)])
    assert [f.code for f in refused.failures] == ["outside_agency"]


@pytest.mark.parametrize(
    "actor",
    [
        {"id": "hr-1"},
        {"id": "hr-1", "role": "hr", "agency": ""},
        {"id": "hr-1", "role": "hr", "unit": "P1"},
        {"id": 7, "role": "hr"},
        {"id": "hr-1", "role": "hr", "agency": ["A"]},
    ],
)
def test_other_actor_shapes_are_refused(actor: dict[str, object]) -> None:
    from api.importer import LineError

    line = json.dumps({"key": "x", "command": "register_agency", "actor": actor, "args": {}})
    with pytest.raises(LineError) as raised:
        parse_line(line)
    assert raised.value.code == "invalid_actor"
