"""`minhbach verify` never says "intact" without a trusted root, names a wrong key
as a wrong key, and `minhbach ledger export` keeps checkpoints outside the
database without ever rewriting a kept one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.cli import main
from domain.application import MinhBach
from domain.storage import storage_from_url
from projections import signing
from projections.ledger import Ledger
from tests.app.scenario import build_agency
from tests.app.test_projection_properties import History
from tests.audit.tamper import Tamperer
from tests.conftest import FakeClock

KEY = signing.generate()


@dataclass
class Store:
    app: MinhBach
    url: str
    public_key: Path
    tmp: Path

    def run(self, *args: str) -> int:
        return main(["--database-url", self.url, *args])

    def verify(self, *args: str) -> int:
        return self.run("verify", "--public-key", str(self.public_key), *args)

    def work(self, month: int) -> None:
        History(self.app).work("CV1", month, late=0, failures=0, ad_hoc=False, finish=True)


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = MinhBach(storage_from_url(url), clock=clock)
    build_agency(app)
    public = tmp_path / "ledger.pub"
    public.write_bytes(signing.public_pem(KEY.public))
    key = tmp_path / "ledger.pem"
    key.write_bytes(signing.private_pem(KEY))
    monkeypatch.setenv(signing.KEY_FILE, str(key))
    yield Store(app, url, public, tmp_path)
    app.close()


def sign(store: Store) -> None:
    ledger = Ledger(store.app, signer=KEY)
    ledger.catch_up(force_checkpoint=True)
    ledger.engine.dispose()


def test_with_no_checkpoint_nothing_is_called_intact(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert store.verify() == 3
    out = capsys.readouterr().out
    assert "intact" not in out
    assert "NOT ATTESTED — no checkpoint signed by this key covers any of the" in out
    assert store.verify("--allow-pending") == 0
    assert "intact" not in capsys.readouterr().out


def test_events_after_the_newest_checkpoint_are_reported_pending(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    sign(store)
    assert store.verify() == 0
    assert "intact: all" in capsys.readouterr().out
    store.work(1)
    assert store.verify() == 3
    out = capsys.readouterr().out
    assert "intact up to event" in out and "are not yet covered by a checkpoint" in out
    assert store.verify("--allow-pending") == 0
    assert "(pending events allowed)" in capsys.readouterr().out


def test_a_wrong_public_key_is_named_not_called_tampering(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    sign(store)
    other = store.tmp / "other.pub"
    other.write_bytes(signing.public_pem(signing.generate().public))
    assert store.run("verify", "--public-key", str(other)) == 2
    out = capsys.readouterr().out
    assert f"checkpoints signed by another key (key id {KEY.key_id})" in out
    assert "TAMPERED" not in out


def test_export_appends_new_checkpoints_and_refuses_a_rewritten_store(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = store.tmp / "kept.jsonl"
    sign(store)
    assert store.run("ledger", "export", "--out", str(kept)) == 0
    store.work(1)
    sign(store)
    assert store.run("ledger", "export", "--out", str(kept)) == 0
    assert "1 new checkpoints appended" in capsys.readouterr().out
    lines = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    assert [c["seq"] for c in lines] == [1, 2]
    assert store.verify("--checkpoints", str(kept)) == 0
    Tamperer(store.app.storage).sql("DELETE FROM {p}pj_ledger_checkpoints WHERE seq = 2")
    before = kept.read_text(encoding="utf-8")
    assert store.run("ledger", "export", "--out", str(kept)) == 1
    assert "kept checkpoint 2 is no longer in the database" in capsys.readouterr().err
    assert kept.read_text(encoding="utf-8") == before  # the kept copy is never rewritten
    assert store.verify("--checkpoints", str(kept)) == 1


def test_a_malformed_kept_checkpoint_is_one_line_and_exit_2(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = store.tmp / "kept.jsonl"
    kept.write_text('{"seq": 1}\n', encoding="utf-8")
    assert store.verify("--checkpoints", str(kept)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "kept.jsonl:1: a checkpoint has exactly the fields" in err
