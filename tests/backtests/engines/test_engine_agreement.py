"""vectorbt and the reference engine agree to 1e-10 on daily returns (and on holdings).

Cases: random prices with late starts and gaps, every rule, calendars, lags, inverse-vol
baskets, drift bands, heavy costs (many partial fills), leverage; then the synthetic market
and, when present, the real mirror (marked ``mirror``), with a simple factor stand-in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import run_backtest
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights

TOL = 1e-10
NEAR = ("N1", "N2", "N3")
LONG = ("C1", "L1", "L2")


def _market(seed: int, n: int = 400):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2019-01-01", periods=n, name="date")
    cols = [*NEAR, *LONG]
    vol = np.array([0.02, 0.025, 0.03, 0.04, 0.02, 0.015])
    px = pd.DataFrame(
        50 * np.exp(np.cumsum(rng.normal(0.0002, vol, (n, 6)), axis=0)), index=idx, columns=cols
    )
    px.iloc[: n // 3, 2] = np.nan  # N3 starts late
    px.iloc[:40, 3] = np.nan  # the crypto stand-in starts late
    px.iloc[200:204, 1] = np.nan  # a gap
    factor = pd.Series(np.cumsum(rng.normal(0, 0.25, n)), index=idx)
    factor.iloc[:30] = np.nan
    return px, factor


def _assert_agree(px, targets, spec, cash_rate=None):
    a = run_backtest(px, targets, spec, engine="vectorbt", cash_rate=cash_rate)
    b = run_backtest(px, targets, spec, engine="reference", cash_rate=cash_rate)
    assert np.abs(a.returns.to_numpy() - b.returns.to_numpy()).max() <= TOL
    assert np.abs(a.weights.to_numpy() - b.weights.to_numpy()).max() <= TOL
    assert len(a.trades) == len(b.trades)
    np.testing.assert_allclose(a.trades["fee"], b.trades["fee"], rtol=0, atol=TOL)
    return a, b


CASES = [
    dict(rule="switch", rebalance="weekly"),
    dict(rule="switch", rebalance="daily", weighting="inverse_vol"),
    dict(rule="tilt", rebalance="daily", tilt_scale=0.5),
    dict(rule="tilt", rebalance="monthly", weighting="inverse_vol", execution_lag=3),
    dict(rule="longshort", rebalance="weekly", vol_target=0.3, leverage_cap=3.0),
    dict(rule="longshort", rebalance="daily", vol_target=2.0, leverage_cap=4.0),
    dict(rule="switch", rebalance="daily", drift_band=0.03, execution_lag=2),
    dict(rule="tilt", rebalance="daily", equity_bps=200.0, crypto_bps=500.0, slippage_bps=100.0),
    dict(rule="longshort", rebalance="daily", equity_bps=100.0, borrow_bps_annual=300.0),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{v}" for v in c.values()))
@pytest.mark.parametrize("seed", [0, 1])
def test_engines_agree_on_random_markets(case, seed):
    px, factor = _market(seed)
    spec = RotationSpec(near=NEAR, long=LONG, crypto=("C1",), vol_window=20, **case)
    targets = target_weights(factor, px, spec)
    cash = pd.Series(np.linspace(0.5, 5.0, len(px)), index=px.index)
    a, _ = _assert_agree(px, targets, spec, cash_rate=cash)
    assert len(a.trades) > 5  # the case actually trades


def test_engines_agree_on_arbitrary_targets_with_partial_rows():
    rng = np.random.default_rng(7)
    px, _ = _market(3, n=150)
    raw = rng.uniform(-0.6, 0.9, px.shape)
    raw[rng.uniform(size=px.shape) < 0.4] = np.nan  # some tickers hold while others trade
    targets = pd.DataFrame(raw, index=px.index, columns=px.columns)
    spec = RotationSpec(near=NEAR, long=LONG, equity_bps=20.0, slippage_bps=10.0)
    _assert_agree(px, targets, spec)


def _factor_stand_in(prices: pd.DataFrame) -> pd.Series:
    """A point-in-time factor stand-in: expanding z-score of 63-day relative momentum."""
    near = np.log(prices["MU"]).diff(63)
    long = np.log(prices["IGV"]).diff(63)
    x = near - long
    return ((x - x.expanding(63).mean()) / x.expanding(63).std()).rename("factor")


def _run_market(market, cfg):
    prices = market.prices.loc["2016-01-01":]
    factor = _factor_stand_in(market.prices).reindex(prices.index)
    for rule in ("switch", "longshort"):
        spec = RotationSpec.from_config(cfg, rule=rule)
        targets = target_weights(factor, prices, spec)
        a, _ = _assert_agree(prices, targets, spec)
        assert a.stats()["n_rebalances"] > 10


def test_engines_agree_on_the_synthetic_market(synthetic_dir, cfg):
    from data.loaders import load_market

    market = load_market(cfg, source="mirror", mirror=synthetic_dir)
    _run_market(market, cfg)


@pytest.mark.mirror
def test_engines_agree_on_the_real_mirror(mirror_dir, cfg):
    from data.loaders import load_market

    market = load_market(cfg, source="mirror", mirror=mirror_dir)
    _run_market(market, cfg)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sweep_kernel_agrees_with_the_reference(seed):
    from backtests.engines.nb import simulate_many
    from backtests.engines.reference import simulate
    from backtests.engines.simulation import position_values

    rng = np.random.default_rng(seed)
    px, _ = _market(seed, n=120)
    close = px.to_numpy()
    size = rng.uniform(-0.8, 1.2, (4, *close.shape))
    size[:, rng.uniform(size=120) < 0.6] = np.nan  # hold rows
    size[rng.uniform(size=size.shape) < 0.2] = np.nan  # partial rows
    fees = rng.uniform(0, 0.02, (4, close.shape[1]))
    slip = rng.uniform(0, 0.01, (4, close.shape[1]))
    cash0 = np.array([1.0, 3.0, 0.5, 1e4])
    got = simulate_many(close, size, fees, slip, cash0)
    for k in range(4):
        sim = simulate(close, size[k], fees[k], slip[k], cash0[k])
        scale = cash0[k]
        np.testing.assert_allclose(got["value"][k], sim.value, rtol=0, atol=1e-10 * scale)
        np.testing.assert_allclose(got["cash"][k], sim.cash, rtol=0, atol=1e-10 * scale)
        pv = position_values(sim, close)
        np.testing.assert_allclose(
            got["short"][k], np.maximum(-pv, 0).sum(axis=1), rtol=0, atol=1e-10 * scale
        )
        np.testing.assert_allclose(got["gross"][k], np.abs(pv).sum(axis=1), atol=1e-10 * scale)
        assert got["n_trade_bars"][k] == np.unique(sim.orders["idx"]).size
