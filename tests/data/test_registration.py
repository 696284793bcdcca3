"""Registration records: written once, compared by spec hash, post-registration only on a match."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from backtests.inference.samples import split_samples
from data.errors import ConfigError
from data.registration import read_registration, registered_date, spec_hash, write_registration


@pytest.fixture
def regdir(tmp_path, monkeypatch):
    monkeypatch.setenv("SCARCITY_REGISTRATIONS", str(tmp_path))
    return tmp_path


def test_written_record_matches_its_spec(cfg, regdir):
    path, rec = write_registration(cfg)
    assert path == regdir / "default.json"
    on_disk = json.loads(path.read_text())
    assert on_disk["registered"] == str(pd.Timestamp(cfg.run.registered).date())
    assert on_disk["spec_hash"] == spec_hash(cfg) == rec["spec_hash"]
    assert on_disk["config"]["run"]["oos_start"] == cfg.run.oos_start
    r = read_registration(cfg)
    assert r.matches and r.to_metrics() == {
        "file": str(path),
        "registered": on_disk["registered"],
        "spec_hash": on_disk["spec_hash"],
        "matches": True,
    }
    idx = pd.bdate_range("2024-01-01", "2026-06-30")
    assert registered_date(cfg, idx) == pd.Timestamp(cfg.run.registered)


def test_a_changed_spec_empties_the_post_registration_sample(cfg, regdir):
    write_registration(cfg)
    changed = cfg.replace(backtest={"threshold": float(cfg.backtest.threshold) + 0.1})
    r = read_registration(changed)
    assert not r.matches and r.spec_hash == spec_hash(cfg) != r.current_hash
    assert "changed after its registration" in r.sentence()
    idx = pd.bdate_range("2024-01-01", "2026-06-30")
    s = split_samples(idx, changed.run.oos_start, registered_date(changed, idx))
    assert s["post_registration"].n_days == 0
    assert s["held_out"].end == idx[-1]
    # the unchanged spec keeps its post-registration days
    s0 = split_samples(idx, cfg.run.oos_start, registered_date(cfg, idx))
    assert s0["post_registration"].n_days == int((idx > pd.Timestamp(cfg.run.registered)).sum())


def test_keys_that_change_no_result_keep_the_match(cfg, regdir):
    write_registration(cfg)
    moved = cfg.replace(data={"cache_dir": "elsewhere"}, sweep={"chunk_size": 7})
    assert read_registration(moved).matches


def test_no_record_means_no_post_registration(cfg, regdir):
    r = read_registration(cfg)
    assert not r.matches and r.registered is None
    assert "scarcity register" in r.sentence()
    idx = pd.bdate_range("2025-01-01", "2026-06-30")
    assert registered_date(cfg, idx) == idx[-1]


def test_another_spec_needs_a_later_date(cfg, regdir):
    write_registration(cfg)
    changed = cfg.replace(backtest={"threshold": float(cfg.backtest.threshold) + 0.1})
    before = (regdir / "default.json").read_text()
    with pytest.raises(ConfigError, match="later `run.registered`"):
        write_registration(changed)
    assert (regdir / "default.json").read_text() == before
    later = changed.replace(run={"registered": "2026-03-31"})
    _, rec = write_registration(later, today=dt.date(2026, 4, 1))
    assert rec["registered"] == "2026-03-31" and read_registration(later).matches


def test_a_future_date_and_a_broken_record_are_named(cfg, regdir):
    with pytest.raises(ConfigError, match="in the future"):
        write_registration(cfg, today=dt.date(2025, 1, 1))
    (regdir / "default.json").write_text("{not json")
    with pytest.raises(ConfigError, match=r"default\.json is not valid"):
        read_registration(cfg)
