"""The compiled sweep: every trial of a wide grid equals the reference engine; flat memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import run_backtest
from backtests.engines.stats import STAT_NAMES, summary_stats
from backtests.rotation.spec import FIELD_NAMES, RotationSpec
from backtests.rotation.targets import target_weights
from backtests.sweep.core import run_sweep
from backtests.sweep.kernels import pairwise_sum

COLS = ["MU", "WDC", "STX", "SNDK", "BTC-USD", "ARKK", "IGV"]


def _market(n: int = 300, seed: int = 3):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-01", periods=n, name="date")
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.025, (n, 7)), axis=0)), index=idx, columns=COLS
    )
    px.iloc[: n // 3, 3] = np.nan  # a member that starts late
    px.iloc[n // 2 : n // 2 + 3, 5] = np.nan  # a gap
    base = np.cumsum(rng.normal(0, 0.35, n))

    def factor_fn(zscore_window: int, change_window: int) -> pd.Series:
        f = pd.Series(base * (1 + zscore_window / 300) - change_window / 150, index=idx)
        f.iloc[: 10 + change_window // 4] = np.nan
        f.iloc[150:153] = np.nan  # a NaN after the start: rules hold
        return f

    cash = pd.Series(np.linspace(0.5, 3.0, n), index=idx)
    return px, factor_fn, cash


# every rule, calendar, drift band, lag, weighting, two basket pairs, costs
GRID = {
    "change_window": [21, 63],
    "threshold": [-0.4, 0.3],
    "rule": ["switch", "tilt", "longshort"],
    "rebalance": ["daily", "weekly", "monthly"],
    "drift_band": [0.0, 0.05],
    "execution_lag": [1, 2],
    "weighting": ["equal", "inverse_vol"],
    "near": [["MU", "WDC", "STX", "SNDK"], ["SNDK", "MU"]],
    "long": [["BTC-USD", "ARKK", "IGV"], ["IGV", "ARKK"]],
    "tilt_scale": [0.7],
    "vol_target": [0.15],
    "borrow_bps_annual": [80.0],
}


@pytest.fixture(scope="module")
def market():
    return _market()


@pytest.fixture(scope="module")
def wide(market, cfg):
    px, factor_fn, cash = market
    return run_sweep(px, factor_fn, GRID, cfg, engine="numba", chunk_size=64, cash_rate=cash)


def test_pairwise_sum_is_numpys_sum():
    rng = np.random.default_rng(0)
    for n in (0, 1, 7, 8, 9, 127, 128, 129, 300, 1000, 2870, 16001):
        a = rng.normal(size=n) * 10 ** rng.uniform(-3, 3, n)
        assert pairwise_sum(a, 0, n) == a.sum(), n
        assert pairwise_sum(a, 3, max(n - 3, 0)) == a[3:].sum() if n > 3 else True


@pytest.mark.parametrize(
    "stride",
    [pytest.param(1, marks=pytest.mark.slow, id="every-trial"), pytest.param(5, id="1-in-5")],
)
def test_trials_equal_the_reference_engine(market, cfg, wide, stride):
    px, factor_fn, cash = market
    assert wide.n_trials == 2 * 2 * 3 * 3 * 2 * 2 * 2 * 2 * 2
    worst = 0.0
    for row in wide.table.iloc[::stride].to_dict("records"):
        spec = RotationSpec.from_config(cfg, **{k: v for k, v in row.items() if k in FIELD_NAMES})
        f = factor_fn(int(row["zscore_window"]), int(row["change_window"])).reindex(px.index)
        single = run_backtest(
            px, target_weights(f, px, spec), spec, engine="reference", cash_rate=cash
        )
        got = wide.returns[row["trial"]].to_numpy()
        worst = max(worst, float(np.abs(got - single.returns.to_numpy()).max()))
        assert row["n_rebalances"] == single.stats()["n_rebalances"]
    assert worst <= 1e-10


def test_table_statistics_are_the_numpy_statistics(wide):
    st = summary_stats(wide.returns)
    for name in ("total_return", "ann_vol", "sharpe", "sortino", "max_drawdown"):
        np.testing.assert_array_equal(wide.table[name].to_numpy(), np.asarray(st[name]), name)
    for name in ("cagr", "calmar"):  # pow: the last bit may differ from numpy's
        np.testing.assert_allclose(wide.table[name].to_numpy(), np.asarray(st[name]), rtol=1e-13)


def test_vectorbt_engine_agrees_on_the_wide_grid(market, cfg, wide):
    px, factor_fn, cash = market
    # the vectorbt sweep lays every trial on the sweep's global columns, so its tie order
    # (equal buys) follows the global order: keep baskets whose order is the global one
    grid = {**GRID, "rebalance": ["weekly"], "execution_lag": [1], "long": [GRID["long"][0]]}
    vbt = run_sweep(px, factor_fn, grid, cfg, engine="vectorbt", cash_rate=cash)
    nb = run_sweep(px, factor_fn, grid, cfg, engine="numba", cash_rate=cash)
    assert np.abs(vbt.returns.to_numpy() - nb.returns.to_numpy()).max() <= 1e-10
    cols = [c for c in STAT_NAMES if c != "n_rebalances"]
    np.testing.assert_allclose(vbt.table[cols].to_numpy(), nb.table[cols].to_numpy(), atol=1e-8)


def test_without_returns_or_on_disk_the_table_is_the_same(market, cfg, wide, tmp_path):
    px, factor_fn, cash = market
    kw = dict(engine="numba", chunk_size=50, cash_rate=cash)
    lean = run_sweep(px, factor_fn, GRID, cfg, keep_returns=False, **kw)
    assert lean.returns is None
    pd.testing.assert_frame_equal(lean.table, wide.table, check_exact=True)
    for key in ("n", "sum", "sumsq"):
        np.testing.assert_array_equal(lean.moments[key], wide.moments[key])
    path = tmp_path / "rets.npy"
    disk = run_sweep(px, factor_fn, GRID, cfg, returns_path=path, **kw)
    pd.testing.assert_frame_equal(disk.table, wide.table, check_exact=True)
    pd.testing.assert_frame_equal(disk.returns, wide.returns, check_exact=True)
    assert np.load(path, mmap_mode="r").shape == (wide.n_trials, len(px))
    assert "days" in lean.summary()


def test_block_moments_give_split_sharpe_ratios(market, cfg, wide):
    px, factor_fn, cash = market
    split = px.index[200]
    res = run_sweep(
        px, factor_fn, GRID, cfg, engine="numba", cash_rate=cash, moment_blocks=4, split=split
    )
    starts = res.moments["block_start"]
    assert starts[0] == px.index[0] and split in starts and len(starts) == 5
    rets = res.returns
    held = np.asarray(starts >= split)
    for blocks, part in ((held, rets.loc[split:]), (~held, rets.loc[: px.index[199]])):
        sd = part.std(ddof=1).to_numpy()
        want = np.where(sd > 0, part.mean().to_numpy() / sd * np.sqrt(252), np.nan)
        np.testing.assert_allclose(res.block_sharpe(blocks), want, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(res.block_sharpe(), res.table["sharpe"], rtol=1e-8)


def test_lean_options_need_the_numba_engine(market, cfg):
    from data.errors import ConfigError

    px, factor_fn, cash = market
    with pytest.raises(ConfigError, match="keep_returns"):
        run_sweep(px, factor_fn, {"threshold": [0.0]}, cfg, engine="reference", keep_returns=False)
