"""The one-shot commands' replays of one agency's component (``projections.routed_replay``)
give what a replay of the whole log gives — tables, explanations, evidence — while
reading only that component's events, and the command line uses them."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.cli import main
from domain.application import MinhBach
from domain.errors import NotFound
from domain.storage import storage_from_url
from projections import bundle, publication, signing
from projections import leniency as leniency_module
from projections import replay as replay_module
from projections.explain import Explainer, StoreEvents
from projections.publication import ORGANISATIONS, published_table
from projections.replay import Replayed, replay
from projections.routed_replay import agency_record, agency_replay, servant_replay
from projections.whatif import what_if
from tests.app.projection_helpers import whole_log_refused
from tests.app.quarterly_agency import build_quarterly_agency
from tests.app.scenario import STAFF, build_agency
from tests.app.test_partitions import STORY
from tests.app.test_projection_properties import SCRATCH, History, fact_operations

YEAR = 2026
AGENCIES = ("SNV", "SNQ")
SERVANTS = (*sorted(STAFF), "GQ")


def _build(app: MinhBach, ops: list[tuple[Any, ...]]) -> int:
    build_agency(app)
    build_quarterly_agency(app)
    applying = History(app)
    for op in ops:
        applying.apply(op)
    return app.recorder.max_notification_id() or 0


def _explained(app: MinhBach, replayed: Replayed, code: str) -> object:
    try:
        return Explainer(StoreEvents(app), replayed).year(code, YEAR)
    except NotFound as error:
        return str(error)


def _assert_equal_to_the_whole_log(app: MinhBach, position: int) -> None:
    full = replay(app, upto=position)
    for agency in AGENCIES:
        routed = agency_replay(app, [agency], position)
        assert routed is not None and routed.position == full.position == position
        assert published_table(routed.deriver, agency, YEAR) == published_table(
            full.deriver, agency, YEAR
        )
        assert ORGANISATIONS.table(routed, agency, YEAR) == ORGANISATIONS.table(full, agency, YEAR)
    for code in SERVANTS:
        routed = servant_replay(app, code, position)
        if routed is None:  # not yet registered at this position
            assert code not in full.state.servants
            continue
        assert _explained(app, routed, code) == _explained(app, full, code)


def test_one_group_s_replay_reads_none_of_the_other_s_events(app: MinhBach) -> None:
    """SNV and SNQ are separate groups: SNQ's fold holds none of SNV's records, until
    a servant moving between them links the two."""
    local = [op for op in STORY if op[0] != "transfer"]
    head = _build(app, local)
    routed = agency_replay(app, ["SNQ"])
    assert routed is not None
    assert set(routed.state.agencies) == {"SNQ"}
    assert {p.agency_code for s in routed.state.servants.values() for p in s.placements} == {"SNQ"}
    assert sum(len(p) for p in routed.state.positions.values()) < head / 2
    _assert_equal_to_the_whole_log(app, head)

    History(app).apply(("transfer", "CV2", True, 2))  # CV2: SNV → SNQ
    History(app).apply(("work", "CV2", 3, 0, 0, False, True))
    linked = agency_replay(app, ["SNQ"])
    assert linked is not None and {"SNV", "SNQ"} <= set(linked.state.agencies)
    _assert_equal_to_the_whole_log(app, app.recorder.max_notification_id() or 0)


def test_every_position_of_the_story_equals_the_whole_log(app: MinhBach) -> None:
    head = _build(app, STORY)
    for position in sorted({head // 4, head // 2, 3 * head // 4, head}):
        _assert_equal_to_the_whole_log(app, position)


def test_an_agency_s_own_record_holds_its_publications(app: MinhBach) -> None:
    head = _build(app, STORY)
    record = agency_record(app, "SNV")
    assert record is not None and record.position == head
    assert set(record.state.agencies) == {"SNV"} and not record.state.servants
    assert record.state.sources(next(iter(record.state.by_id))) == replay(app).state.sources(
        next(iter(record.state.by_id))
    )


def test_an_unknown_servant_falls_back_to_the_whole_log(app: MinhBach) -> None:
    _build(app, [])
    assert servant_replay(app, "NOBODY") is None


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(fact_operations, min_size=4, max_size=14), st.lists(st.floats(0, 1), max_size=2))
def test_generated_histories_with_moves_equal_the_whole_log(
    ops: list[tuple[Any, ...]], fractions: list[float]
) -> None:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        storage = storage_from_url(f"sqlite:///{Path(folder) / 'events.db'}")
        app = MinhBach(storage, clock=lambda: datetime(2026, 12, 20, tzinfo=UTC))
        moves = [("transfer", "CV2", True, 2), ("transfer", "CV2", False, 3)]
        head = _build(app, [*moves[:1], *ops, *moves[1:]])
        for position in sorted({head, *(int(f * head) for f in fractions)}):
            _assert_equal_to_the_whole_log(app, position)
        app.close()


# --- the command line --------------------------------------------------------


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[MinhBach, str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = MinhBach(storage_from_url(url), clock=lambda: datetime(2026, 12, 20, tzinfo=UTC))
    _build(app, [op for op in STORY if op[0] != "transfer"])
    return app, url


def _no_whole_log_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (replay_module, publication, bundle):
        monkeypatch.setattr(module, "replay", whole_log_refused)
    monkeypatch.setattr(leniency_module, "notifications", whole_log_refused)


def test_the_command_line_publishes_and_reproduces_from_the_component(
    cli_store: tuple[MinhBach, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app, url = cli_store
    expected = published_table(replay(app).deriver, "SNV", YEAR)
    assert expected
    _no_whole_log_replay(monkeypatch)
    publish = ["--database-url", url, "audit", "publish", "SNV", str(YEAR)]
    assert main([*publish, "--actor", "SNV-HR", "--role", "hr", "--notice", "TB 1"]) == 0
    assert f"published {len(expected)} rows of SNV {YEAR}" in capsys.readouterr().out
    assert main(["--database-url", url, "audit", "reproduce", "SNV", str(YEAR)]) == 0
    assert "MATCH: every row reproduces" in capsys.readouterr().out
    monkeypatch.undo()  # --whole-log: every event, nothing derived trusted
    reproduce = ["--database-url", url, "audit", "reproduce", "SNV", str(YEAR), "--whole-log"]
    assert main(reproduce) == 0
    assert "MATCH: every row reproduces" in capsys.readouterr().out


def test_the_command_line_explains_from_the_component(
    cli_store: tuple[MinhBach, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app, url = cli_store
    head = app.recorder.max_notification_id() or 0
    whole = _explained(app, replay(app, upto=head // 2), "CV1")
    _no_whole_log_replay(monkeypatch)
    explain = ["--database-url", url, "explain", "CV1", str(YEAR), "--format", "json"]
    assert main([*explain, "--as-of-position", str(head // 2)]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(whole, default=str))


def _signing_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The ledger's key in the environment; the public key's file."""
    key = signing.generate()
    (tmp_path / "ledger.pem").write_bytes(signing.private_pem(key))
    (tmp_path / "ledger.pub").write_bytes(signing.public_pem(key.public))
    monkeypatch.setenv(signing.KEY_FILE, str(tmp_path / "ledger.pem"))
    return str(tmp_path / "ledger.pub")


def test_the_command_line_bundles_evidence_from_the_component(
    cli_store: tuple[MinhBach, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, url = cli_store
    public = _signing_key(tmp_path, monkeypatch)
    _no_whole_log_replay(monkeypatch)
    out = tmp_path / "cv1.json"
    assert main(["--database-url", url, "ledger", "checkpoint"]) == 0
    assert main(["--database-url", url, "bundle", "CV1", str(YEAR), "--out", str(out)]) == 0
    assert main(["--database-url", url, "verify-bundle", str(out), "--public-key", public]) == 0
    assert "valid:" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["subject"] == {
        "servant": "CV1",
        "year": YEAR,
    }


@pytest.mark.parametrize(
    "command",
    [["form", "02", "CV1", str(YEAR)], ["summary", "SNV", str(YEAR), "--format", "xlsx"]],
    ids=["form-02", "summary"],
)
def test_the_command_line_makes_and_checks_documents_from_the_component(
    cli_store: tuple[MinhBach, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    _, url = cli_store
    public = _signing_key(tmp_path, monkeypatch)
    _no_whole_log_replay(monkeypatch)
    out = tmp_path / "document"
    assert main(["--database-url", url, *command, "--out", str(out)]) == 0
    assert "covered by checkpoint" in capsys.readouterr().out
    monkeypatch.undo()
    monkeypatch.setenv(signing.KEY_FILE, str(tmp_path / "ledger.pem"))
    assert main(["--database-url", url, "verify-receipt", str(out), "--public-key", public]) == 0
    # The receipt's check trusts nothing derived (not the routes): the whole log.
    assert "VALID: the document matches the signed records" in capsys.readouterr().out
    other = tmp_path / "other.pub"
    other.write_bytes(signing.public_pem(signing.generate().public))
    check = ["--database-url", url, "verify-receipt", str(out), "--public-key", str(other)]
    assert main(check) != 0  # a key that did not sign it
    assert "VALID:" not in capsys.readouterr().out
    assert main([*check, "--public-key", public]) == 0  # across a rotation: either key


ANALYSES: dict[str, tuple[list[str], Any]] = {
    "whatif": (
        ["--policy", "quota-good-or-better"],
        lambda app, full: what_if(full, "SNV", YEAR, "quota-good-or-better"),
    ),
    "leniency": ([], lambda app, full: leniency_module.leniency(app, full, "SNV", YEAR)),
}


@pytest.mark.parametrize("command", sorted(ANALYSES))
def test_the_command_line_s_analyses_are_the_whole_log_s(
    command: str,
    cli_store: tuple[MinhBach, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app, url = cli_store
    options, whole_log_s = ANALYSES[command]
    expected = whole_log_s(app, replay(app)).as_dict()
    _no_whole_log_replay(monkeypatch)
    asked = [command, "SNV", str(YEAR), *options, "--format", "json"]
    assert main(["--database-url", url, *asked]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(expected))
