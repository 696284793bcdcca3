"""Sweeps: grid expansion, chunking, engines, equality with single backtests, grid files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import run_backtest
from backtests.engines.stats import STAT_NAMES
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.sweep.core import expand_grid, load_grid, run_sweep
from data.errors import ConfigError, DataError

REPO = Path(__file__).resolve().parents[3]
COLS = ["MU", "WDC", "STX", "SNDK", "BTC-USD", "ARKK", "IGV"]


def _market(n: int = 260, seed: int = 0):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-01", periods=n, name="date")
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.02, (n, 7)), axis=0)), index=idx, columns=COLS
    )
    px.iloc[: n // 2, 3] = np.nan
    base = np.cumsum(rng.normal(0, 0.3, n + 50))
    calls: list[tuple[int, int]] = []

    def factor_fn(zscore_window: int, change_window: int) -> pd.Series:
        calls.append((zscore_window, change_window))
        # a longer calendar than the prices (as from signals): the sweep reindexes
        idx_long = pd.bdate_range("2019-10-22", periods=n + 50, name="date")
        f = pd.Series(base * (1 + zscore_window / 500) + change_window / 200, index=idx_long)
        f.iloc[: 50 + change_window // 3] = np.nan
        return f

    return px, factor_fn, calls


GRID = {
    "zscore_window": [0, 252],
    "change_window": [21, 63],
    "threshold": [-0.5, 0.5],
    "rule": ["switch", "tilt", "longshort"],
    "rebalance": ["weekly", "daily"],
    "chunk_size": 7,
}


@pytest.fixture(scope="module")
def market():
    return _market()


@pytest.fixture(scope="module")
def cash(market):
    px = market[0]
    return pd.Series(np.linspace(1.0, 4.0, len(px)), index=px.index)


@pytest.fixture(scope="module")
def numba_run(market, cfg, cash):
    px, factor_fn, _ = market
    return run_sweep(px, factor_fn, GRID, cfg, engine="numba", chunk_size=1000, cash_rate=cash)


def test_table_and_returns_shapes(numba_run):
    res = numba_run
    assert res.n_trials == 2 * 2 * 2 * 3 * 2
    assert list(res.table.columns[:6]) == [
        "trial",
        "zscore_window",
        "change_window",
        "threshold",
        "rule",
        "rebalance",
    ]
    assert set(STAT_NAMES) <= set(res.table.columns)
    assert res.returns.shape == (260, res.n_trials)
    assert list(res.returns.columns) == list(res.table["trial"])
    assert res.returns.index.name == "date"
    assert res.table["n_rebalances"].dtype == np.int64
    assert "48 trials" in res.summary() and str(res) == res.summary()


def test_factor_fn_called_once_per_window_pair(market, cfg):
    px, factor_fn, calls = market
    calls.clear()
    run_sweep(px, factor_fn, GRID, cfg, engine="numba")
    assert sorted(calls) == [(0, 21), (0, 63), (252, 21), (252, 63)]


@pytest.mark.parametrize("chunk_size", [1, 5, 48])
def test_chunked_and_unchunked_tables_are_identical(market, cfg, cash, numba_run, chunk_size):
    px, factor_fn, _ = market
    res = run_sweep(px, factor_fn, GRID, cfg, engine="numba", chunk_size=chunk_size, cash_rate=cash)
    pd.testing.assert_frame_equal(res.table, numba_run.table, check_exact=True)
    pd.testing.assert_frame_equal(res.returns, numba_run.returns, check_exact=True)


@pytest.mark.parametrize("engine", ["vectorbt", "reference"])
def test_engines_agree(market, cfg, cash, numba_run, engine):
    px, factor_fn, _ = market
    res = run_sweep(px, factor_fn, GRID, cfg, engine=engine, cash_rate=cash)
    assert np.abs(res.returns.to_numpy() - numba_run.returns.to_numpy()).max() <= 1e-10
    stat_cols = [c for c in STAT_NAMES if c != "n_rebalances"]
    np.testing.assert_allclose(
        res.table[stat_cols].to_numpy(), numba_run.table[stat_cols].to_numpy(), atol=1e-8
    )
    assert (res.table["n_rebalances"] == numba_run.table["n_rebalances"]).all()


@pytest.mark.parametrize("trial", [0, 13, 26, 47])
def test_a_trial_equals_the_single_backtest(market, cfg, cash, numba_run, trial):
    px, factor_fn, _ = market
    row = numba_run.table.iloc[trial]
    spec = RotationSpec.from_config(
        cfg, threshold=row["threshold"], rule=row["rule"], rebalance=row["rebalance"]
    )
    factor = factor_fn(row["zscore_window"], row["change_window"]).reindex(px.index)
    single = run_backtest(
        px, target_weights(factor, px, spec), spec, engine="reference", cash_rate=cash
    )
    got = numba_run.returns[trial].to_numpy()
    assert np.abs(got - single.returns.to_numpy()).max() <= 1e-10
    st = single.stats()
    for name in STAT_NAMES:
        assert row[name] == pytest.approx(st[name], rel=1e-8, abs=1e-10), name


def test_basket_variants_and_spec_parameters(market, cfg):
    px, factor_fn, _ = market
    grid = {
        "near": [["MU", "WDC"], ["STX", "SNDK", "MU"]],
        "long": [["IGV"], ["BTC-USD", "ARKK"]],
        "weighting": ["equal", "inverse_vol"],
        "equity_bps": [0.0, 50.0],
    }
    res = run_sweep(px, factor_fn, grid, cfg, engine="numba")
    assert res.n_trials == 16
    row = res.table.iloc[11]
    spec = RotationSpec.from_config(
        cfg,
        near=row["near"],
        long=row["long"],
        weighting=row["weighting"],
        equity_bps=row["equity_bps"],
    )
    f = factor_fn(cfg.factor.zscore_window, cfg.factor.change_window).reindex(px.index)
    single = run_backtest(px, target_weights(f, px, spec), spec, engine="reference")
    assert np.abs(res.returns[11].to_numpy() - single.returns.to_numpy()).max() <= 1e-10
    # costs lower returns trial by trial
    cheap = res.table[res.table["equity_bps"] == 0.0]["total_return"].to_numpy()
    dear = res.table[res.table["equity_bps"] == 50.0]["total_return"].to_numpy()
    assert (dear < cheap).all()


def test_expand_grid_defaults_and_errors(cfg):
    t = expand_grid({"threshold": [0.0, 1.0]}, cfg)
    assert t["zscore_window"].tolist() == [cfg.factor.zscore_window] * 2
    assert t["change_window"].tolist() == [cfg.factor.change_window] * 2
    with pytest.raises(ConfigError, match="treshold"):
        expand_grid({"treshold": [0.0]}, cfg)
    with pytest.raises(ConfigError, match="no values"):
        expand_grid({"threshold": []}, cfg)


def test_invalid_trials_fail_before_any_work(market, cfg):
    px, factor_fn, calls = market
    calls.clear()
    with pytest.raises(ConfigError, match="rule"):
        run_sweep(px, factor_fn, {"rule": ["switch", "momentum"]}, cfg)
    assert calls == []
    with pytest.raises(DataError, match="NVDA"):
        run_sweep(px, factor_fn, {"near": [["NVDA"]]}, cfg)
    with pytest.raises(ConfigError, match="chunk_size"):
        run_sweep(px, factor_fn, {"threshold": [0.0]}, cfg, chunk_size=0)


def test_load_grid_reads_the_sample_file(tmp_path):
    grid = load_grid(REPO / "configs" / "sweep_small.toml")
    assert grid["change_window"] == [21, 63]
    assert len(expand_grid(grid, None)) == 12
    plain = tmp_path / "g.toml"
    plain.write_text('threshold = 0.5\nrule = ["switch", "tilt"]\n')
    assert load_grid(plain) == {"threshold": [0.5], "rule": ["switch", "tilt"]}
    with pytest.raises(ConfigError, match="not found"):
        load_grid(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("threshold = [")
    with pytest.raises(ConfigError, match="TOML"):
        load_grid(bad)


def test_default_config_grid_runs(market, cfg):
    px, factor_fn, _ = market
    res = run_sweep(px, factor_fn, cfg.sweep.to_dict(), cfg, engine="numba")
    assert res.n_trials == 3 * 3 * 3 * 3 * 2
    assert res.table["sharpe"].notna().all()


def test_vectorbt_blocks_do_not_change_results():
    from backtests.engines.vbt import simulate_many

    rng = np.random.default_rng(9)
    close = 20 * np.exp(np.cumsum(rng.normal(0, 0.02, (60, 3)), axis=0))
    size = rng.uniform(-0.5, 1.0, (7, 60, 3))
    size[:, rng.uniform(size=60) < 0.7] = np.nan
    fees = np.full((7, 3), 0.001)
    slip = np.full((7, 3), 0.0005)
    one = simulate_many(close, size, fees, slip, 1.0, block=100)
    blocks = simulate_many(close, size, fees, slip, 1.0, block=3)
    for key in one:
        np.testing.assert_array_equal(one[key], blocks[key])
