"""Benchmarks: same engine, calendar and costs as the strategy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import run_backtest
from backtests.rotation.rules import rebalance_mask
from backtests.rotation.spec import RotationSpec
from backtests.study.benchmarks import basket_mix_targets, run_benchmarks, single_ticker_targets


def _market(n: int = 80, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2022-01-03", periods=n, name="date")
    cols = ["N1", "N2", "L1", "SPY", "QQQ"]
    px = pd.DataFrame(
        30 * np.exp(np.cumsum(rng.normal(0, 0.015, (n, 5)), axis=0)), index=idx, columns=cols
    )
    px.iloc[:9, 4] = np.nan  # QQQ starts late (on day 9, a Friday)
    return px


SPEC = RotationSpec(near=("N1", "N2"), long=("L1",), rebalance="weekly", crypto=())


def test_keys_and_skipping_missing_tickers(cfg):
    px = _market().drop(columns="QQQ")
    out = run_benchmarks(px, SPEC, cfg, engine="reference")
    assert list(out) == ["always_near", "always_long", "fifty_fifty", "SPY"]  # no QQQ column


def test_fifty_fifty_holds_half_in_each_basket_after_each_rebalance():
    px = _market()
    res = run_benchmarks(px, SPEC, tickers=(), engine="reference")["fifty_fifty"]
    w = res.weights
    trade_days = res.trades["date"].unique()
    near = w.loc[trade_days, ["N1", "N2"]].sum(axis=1)
    # half of the equity in each basket, up to the fees of the rebalance (5 bps)
    np.testing.assert_allclose(near, 0.5, atol=1e-3)
    np.testing.assert_allclose(w.loc[trade_days, "L1"], 0.5, atol=1e-3)
    # it rebalances on the strategy's calendar, one bar after each decision
    decided = px.index[rebalance_mask(px.index, "weekly")]
    assert set(trade_days) <= set(px.index[px.index.get_indexer(decided) + 1][: -0 or None])


def test_single_ticker_is_buy_and_hold_from_its_first_price():
    px = _market()
    t = single_ticker_targets(px, "QQQ", SPEC)
    assert (t["QQQ"].iloc[:9].dropna() == 0).all()
    res = run_backtest(px, t, SPEC.replace(equity_bps=0.0, slippage_bps=0.0), engine="reference")
    held = px["QQQ"].pct_change(fill_method=None)
    first_trade = res.trades["date"].iloc[0]
    # QQQ's first price is on Friday (day 10 is a Monday: decided then, traded on day 11)
    assert first_trade == px.index[11]
    after = res.returns.index > first_trade
    np.testing.assert_allclose(res.returns[after], held[after], atol=1e-12)
    assert len(res.trades) == 1  # once invested, the weekly rebalance is a no-op


def test_always_near_matches_targets_built_by_hand():
    px = _market()
    t = basket_mix_targets(px, SPEC, 1.0)
    rows = t.dropna()
    np.testing.assert_allclose(rows[["N1", "N2"]].to_numpy(), 0.5)
    assert (rows["L1"] == 0).all()


@pytest.mark.parametrize("engine", ["vectorbt", "reference"])
def test_benchmarks_use_the_same_costs(engine):
    px = _market()
    cheap = run_benchmarks(px, SPEC.replace(equity_bps=0.0), tickers=("SPY",), engine=engine)
    dear = run_benchmarks(px, SPEC.replace(equity_bps=50.0), tickers=("SPY",), engine=engine)
    for name in cheap:
        assert dear[name].trades["fee"].sum() > 0
        assert dear[name].equity.iloc[-1] < cheap[name].equity.iloc[-1]
