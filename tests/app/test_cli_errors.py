"""The command line, run as a process: a user's mistake is one line on standard
error saying what is wrong and what to do, a non-zero exit, and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
AGENCY = {
    "key": "k1",
    "command": "register_agency",
    "actor": {"id": "admin", "role": "admin"},
    "args": {"code": "SNV", "title": "Sở Nội vụ"},
}

# What an editor set to Windows-1252 writes: "Sông Hàn" in one byte per letter.
LATIN_1 = json.dumps(
    {**AGENCY, "args": {"code": "SH", "title": "Sông Hàn"}}, ensure_ascii=False
).encode("latin-1")


def minhbach(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("MINHBACH_LEDGER", "MINHBACH_DB"))
    }
    environ.update(
        {
            "MINHBACH_DATA_DIR": str(tmp_path / "data"),
            "MINHBACH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            **(env or {}),
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=environ,
        timeout=120,
    )


def one_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The failure was reported in one line, naming ``words``."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert line.startswith("minhbach"), line
    for word in words:
        assert word in line, (word, line)
    return line


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


CASES: dict[str, Callable[[Path], tuple[list[str], dict[str, str], tuple[str, ...]]]] = {
    "ledger key file missing": lambda t: (
        ["project"],
        {"MINHBACH_LEDGER_KEY_FILE": str(t / "none.pem")},
        ("MINHBACH_LEDGER_KEY_FILE", "none.pem", "No such file"),
    ),
    "ledger key file not a key": lambda t: (
        ["ledger", "checkpoint"],
        {"MINHBACH_LEDGER_KEY_FILE": _write(t / "key.pem", b"-----BEGIN PRIVATE KEY-----\nxx\n")},
        ("MINHBACH_LEDGER_KEY_FILE", "key.pem"),
    ),
    "ledger key seed not base64": lambda t: (
        ["project"],
        {"MINHBACH_LEDGER_KEY": "not base64!"},
        ("MINHBACH_LEDGER_KEY",),
    ),
    "public key file missing": lambda t: (
        ["verify", "--public-key", str(t / "none.pub")],
        {},
        ("none.pub", "No such file"),
    ),
    "public key file not a key": lambda t: (
        ["verify", "--public-key", _write(t / "x.pub", b"hello")],
        {},
        ("public key",),
    ),
    "open years setting unreadable": lambda t: (
        ["serve", "--port", "0"],
        {"MINHBACH_OPEN_YEARS": "two"},
        ("MINHBACH_OPEN_YEARS", "'two'"),
    ),
    "open years option negative": lambda t: (
        ["project", "--open-years", "-1"],
        {},
        ("--open-years", "0 or more"),
    ),
    "as-of time unparseable": lambda t: (
        ["explain", "CV1", "2026", "--as-of-time", "yesterday"],
        {},
        ("--as-of-time", "ISO 8601"),
    ),
    "database unreachable": lambda t: (
        ["--database-url", "postgresql://postgres@127.0.0.1:1/none", "log"],
        {},
        ("cannot connect", "127.0.0.1:1", "--database-url"),
    ),
    "database folder impossible": lambda t: (
        ["--database-url", f"sqlite:///{_write(t / 'file', b'x')}/sub/x.db", "log"],
        {},
        ("cannot use", "file"),
    ),
    "database URL unsupported": lambda t: (
        ["--database-url", "mysql://x/y", "log"],
        {},
        ("unsupported database URL", "MINHBACH_DATABASE_URL"),
    ),
    "import file not UTF-8": lambda t: (
        ["import", _write(t / "latin.jsonl", LATIN_1)],
        {},
        ("latin.jsonl", "not UTF-8", "save it as UTF-8"),
    ),
    "standings with no rows": lambda t: (
        ["standings", "SNV", "2026"],
        {},
        ("no classifications of SNV in 2026", "check"),
    ),
    "token lifetime unusable": lambda t: (
        ["serve", "--port", "0"],
        {"MINHBACH_TOKEN_DAYS": "forever"},
        ("MINHBACH_TOKEN_DAYS",),
    ),
    "argument of the wrong type": lambda t: (
        ["standings", "SNV", "twenty"],
        {},
        ("invalid int value", "--help"),
    ),
    "token for nobody": lambda t: (
        ["token", "nobody"],
        {},
        ("not_found", "nobody"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_mistake_of_use_is_one_line_and_a_non_zero_exit(tmp_path: Path, case: str) -> None:
    args, env, words = CASES[case](tmp_path)
    one_line(minhbach(tmp_path, *args, env=env), *words)


def test_an_import_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    source = tmp_path / "notepad.jsonl"
    source.write_text(json.dumps(AGENCY, ensure_ascii=False) + "\r\n", encoding="utf-8-sig")
    done = minhbach(tmp_path, "import", str(source))
    assert done.returncode == 0, done.stderr
    assert "applied 1, already applied 0, failed 0" in done.stdout


def test_a_file_that_is_not_utf8_writes_nothing(tmp_path: Path) -> None:
    good = json.dumps({**AGENCY, "key": "k0", "args": {"code": "A", "title": "A"}})
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(good.encode() + b"\n" + json.dumps(AGENCY).encode("ascii") + b"\xff\n")
    one_line(minhbach(tmp_path, "import", str(source)), "not UTF-8")
    logged = minhbach(tmp_path, "log")
    assert logged.returncode == 0 and logged.stdout.strip() == ""
