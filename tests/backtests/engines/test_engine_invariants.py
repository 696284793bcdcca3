"""Invariants of the engine, checked with hypothesis on generated markets.

- long-only rules: end-of-day weights are >= 0 and, with cash, sum to one;
- costs never raise returns (long-only, moderate moves): equity with costs <= without;
- zero turnover costs nothing, and costs are charged on trade days only;
- a constant factor makes the switch rule buy-and-hold one basket on the same calendar;
- no look-ahead: perturbing prices after t changes no weight or return at or before t.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from backtests.engines.engine import run_backtest
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.study.benchmarks import run_benchmarks

NEAR = ("N1", "N2")
LONG = ("C1", "L1")
SETTINGS = settings(max_examples=20, deadline=None)


def _market(seed: int, n: int, max_move: float = 0.05, late: int = 0):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2021-03-01", periods=n, name="date")
    moves = rng.uniform(-max_move, max_move, (n, 4))
    px = pd.DataFrame(20 * np.cumprod(1 + moves, axis=0), index=idx, columns=[*NEAR, *LONG])
    if late:
        px.iloc[:late, 1] = np.nan
    factor = pd.Series(np.cumsum(rng.normal(0, 0.4, n)), index=idx)
    factor.iloc[:3] = np.nan
    return px, factor


def _spec(**kw) -> RotationSpec:
    base = dict(near=NEAR, long=LONG, crypto=("C1",), vol_window=5, basket_vol_window=5)
    base.update(kw)
    return RotationSpec(**base)


market_args = dict(
    seed=st.integers(0, 10_000),
    n=st.integers(8, 40),
    late=st.integers(0, 6),
    rule=st.sampled_from(["switch", "tilt"]),
    rebalance=st.sampled_from(["daily", "weekly"]),
    weighting=st.sampled_from(["equal", "inverse_vol"]),
    engine=st.sampled_from(["vectorbt", "reference"]),
)


@SETTINGS
@given(**market_args)
def test_long_only_weights_nonnegative_and_sum_to_one(
    seed, n, late, rule, rebalance, weighting, engine
):
    px, f = _market(seed, n, late=late)
    spec = _spec(rule=rule, rebalance=rebalance, weighting=weighting, equity_bps=20.0)
    res = run_backtest(px, target_weights(f, px, spec), spec, engine=engine)
    w = res.weights.to_numpy()
    assert (w >= -1e-12).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)


@SETTINGS
@given(
    **market_args,
    equity_bps=st.floats(0.5, 100.0),
    crypto_bps=st.floats(0.5, 200.0),
    slippage_bps=st.floats(0.0, 50.0),
)
def test_costs_never_raise_returns(
    seed, n, late, rule, rebalance, weighting, engine, equity_bps, crypto_bps, slippage_bps
):
    px, f = _market(seed, n, late=late)
    free = _spec(
        rule=rule,
        rebalance=rebalance,
        weighting=weighting,
        equity_bps=0,
        crypto_bps=0,
        slippage_bps=0,
        borrow_bps_annual=0,
    )
    costly = free.replace(
        equity_bps=equity_bps,
        crypto_bps=crypto_bps,
        slippage_bps=slippage_bps,
        borrow_bps_annual=100.0,
    )
    t = target_weights(f, px, free)
    eq_free = run_backtest(px, t, free, engine=engine).equity.to_numpy()
    eq_cost = run_backtest(px, t, costly, engine=engine).equity.to_numpy()
    assert (eq_cost <= eq_free * (1 + 1e-12)).all()


@SETTINGS
@given(**market_args, rule_ls=st.booleans())
def test_costs_only_on_trade_days(seed, n, late, rule, rebalance, weighting, engine, rule_ls):
    px, f = _market(seed, n, late=late)
    spec = _spec(
        rule="longshort" if rule_ls else rule,
        rebalance=rebalance,
        weighting=weighting,
        equity_bps=30.0,
        crypto_bps=60.0,
        slippage_bps=10.0,
        borrow_bps_annual=0.0,
    )
    res = run_backtest(px, target_weights(f, px, spec), spec, engine=engine)
    asset_r = px.ffill().pct_change(fill_method=None).fillna(0.0)
    w_prev = res.weights.shift(1).fillna(0.0).drop(columns="cash")
    implied = (w_prev * asset_r).sum(axis=1)
    no_trade = ~res.returns.index.isin(res.trades["date"])
    np.testing.assert_allclose(
        res.returns[no_trade].to_numpy(), implied[no_trade].to_numpy(), atol=1e-12
    )


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(5, 30),
    engine=st.sampled_from(["vectorbt", "reference"]),
)
def test_zero_turnover_costs_nothing(seed, n, engine):
    px, _ = _market(seed, n)
    targets = pd.DataFrame(0.0, index=px.index, columns=px.columns)
    spec = _spec(equity_bps=100, crypto_bps=100, slippage_bps=100, borrow_bps_annual=1000)
    res = run_backtest(px, targets, spec, engine=engine)
    assert res.trades.empty
    assert (res.returns == 0).all()
    assert res.stats()["turnover"] == 0


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(8, 40),
    level=st.sampled_from([5.0, -5.0]),
    rebalance=st.sampled_from(["daily", "weekly", "monthly"]),
    weighting=st.sampled_from(["equal", "inverse_vol"]),
)
def test_constant_factor_switch_is_buy_and_hold_of_one_basket(seed, n, level, rebalance, weighting):
    px, _ = _market(seed, n, late=2)
    spec = _spec(rebalance=rebalance, weighting=weighting, equity_bps=10.0, crypto_bps=20.0)
    f = pd.Series(level, index=px.index)
    res = run_backtest(px, target_weights(f, px, spec), spec, engine="reference")
    bench = run_benchmarks(px, spec, tickers=(), engine="reference")
    name = "always_near" if level > 0 else "always_long"
    pd.testing.assert_series_equal(res.returns, bench[name].returns)
    pd.testing.assert_frame_equal(res.weights, bench[name].weights)


@SETTINGS
@given(
    **market_args,
    cut=st.integers(2, 7),
    ls=st.booleans(),
)
def test_no_look_ahead_in_the_backtest(seed, n, late, rule, rebalance, weighting, engine, cut, ls):
    px, f = _market(seed, n, late=late)
    spec = _spec(
        rule="longshort" if ls else rule,
        rebalance=rebalance,
        weighting=weighting,
        equity_bps=10.0,
        drift_band=0.01,
    )
    t = min(n - 2, n * cut // 8)
    cash = pd.Series(2.0, index=px.index)
    base = run_backtest(px, target_weights(f, px, spec), spec, engine=engine, cash_rate=cash)
    px2 = px.copy()
    px2.iloc[t + 1 :] *= np.random.default_rng(seed).uniform(0.7, 1.3, px2.iloc[t + 1 :].shape)
    cash2 = cash.copy()
    cash2.iloc[t + 1 :] = 9.0
    after = run_backtest(px2, target_weights(f, px2, spec), spec, engine=engine, cash_rate=cash2)
    pd.testing.assert_series_equal(base.returns.iloc[: t + 1], after.returns.iloc[: t + 1])
    pd.testing.assert_frame_equal(base.weights.iloc[: t + 1], after.weights.iloc[: t + 1])
