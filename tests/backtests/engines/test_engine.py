"""The engine on hand-computed cases: the lag, each fee, slippage, carry, weights, trades.

Every case runs on both engines (vectorbt and the reference), so each engine is checked
against numbers worked out by hand, not only against the other.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import lag_targets, run_backtest
from backtests.rotation.spec import RotationSpec
from data.errors import DataError

matplotlib.use("Agg")

NAN = np.nan
ENGINES = ["vectorbt", "reference"]


def _frame(data: dict, start: str = "2024-01-01") -> pd.DataFrame:
    n = len(next(iter(data.values())))
    return pd.DataFrame(data, index=pd.bdate_range(start, periods=n, name="date"), dtype=float)


def _spec(**kw) -> RotationSpec:
    base = dict(
        near=("A",),
        long=("B",),
        crypto=(),
        equity_bps=0.0,
        crypto_bps=0.0,
        slippage_bps=0.0,
        borrow_bps_annual=0.0,
    )
    base.update(kw)
    return RotationSpec(**base)


@pytest.mark.parametrize("engine", ENGINES)
def test_fee_partial_fill_and_lag_one(engine):
    px = _frame({"A": [10.0, 11.0, 12.1, 12.1]})
    targets = _frame({"A": [1.0, NAN, NAN, NAN]})
    res = run_backtest(px, targets, _spec(equity_bps=10.0), engine=engine)
    # decided at close 0, bought at close 1 (11): cash 1 buys 1/1.001 of notional, the rest
    # is the 10 bps fee; then A gains 10%
    expected = [0.0, 1 / 1.001 - 1, 0.1, 0.0]
    np.testing.assert_allclose(res.returns.to_numpy(), expected, rtol=0, atol=1e-14)
    np.testing.assert_allclose(res.weights["A"].to_numpy(), [0, 1, 1, 1], atol=1e-14)
    np.testing.assert_allclose(res.weights["cash"].to_numpy(), [1, 0, 0, 0], atol=1e-14)
    assert len(res.trades) == 1
    trade = res.trades.iloc[0]
    assert trade["date"] == px.index[1] and trade["ticker"] == "A" and trade["side"] == "buy"
    assert trade["shares"] == pytest.approx(1 / (1.001 * 11), rel=1e-12)
    assert trade["fee"] == pytest.approx(1 - 1 / 1.001, rel=1e-9)
    assert res.equity.iloc[-1] == pytest.approx(1.1 / 1.001, rel=1e-12)
    assert res.stats()["n_rebalances"] == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_lag_two_trades_two_bars_later(engine):
    px = _frame({"A": [10.0, 11.0, 12.1, 12.1]})
    targets = _frame({"A": [1.0, NAN, NAN, NAN]})
    res = run_backtest(px, targets, _spec(equity_bps=10.0, execution_lag=2), engine=engine)
    np.testing.assert_allclose(
        res.returns.to_numpy(), [0.0, 0.0, 1 / 1.001 - 1, 0.0], rtol=0, atol=1e-14
    )
    assert res.trades["date"].tolist() == [px.index[2]]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("lag", [1, 3])
def test_signal_at_t_moves_weights_only_at_t_plus_lag(engine, lag):
    px = _frame({"A": [10.0, 10.5, 10.2, 10.8, 11.0, 10.9, 11.3, 11.1]})
    targets = _frame({"A": [0.0, NAN, 1.0, NAN, NAN, NAN, NAN, NAN]})
    res = run_backtest(px, targets, _spec(execution_lag=lag), engine=engine)
    w = res.weights["A"].to_numpy()
    t = 2
    assert (w[: t + lag] == 0).all()
    assert w[t + lag] == pytest.approx(1.0)
    # returns up to the trade bar are zero (all cash before, no costs on the trade)
    assert (res.returns.to_numpy()[: t + lag] == 0).all()
    assert abs(res.returns.iloc[t + lag]) < 1e-15


@pytest.mark.parametrize("engine", ENGINES)
def test_slippage_moves_the_fill_price(engine):
    px = _frame({"A": [10.0, 11.0, 11.0]})
    targets = _frame({"A": [1.0, NAN, NAN]})
    res = run_backtest(px, targets, _spec(slippage_bps=100.0), engine=engine)
    # fill at 11 * 1.01; all cash buys 1 / 11.11 shares worth 11 / 11.11 at the close
    np.testing.assert_allclose(res.returns.to_numpy(), [0.0, 1 / 1.01 - 1, 0.0], atol=1e-14)
    assert res.trades["price"].iloc[0] == pytest.approx(11.11, rel=1e-12)
    assert res.trades["fee"].iloc[0] == 0.0


@pytest.mark.parametrize("engine", ENGINES)
def test_rotation_sells_first_and_charges_each_asset_class(engine):
    px = _frame({"A": [10.0] * 5, "B": [5.0] * 5})
    targets = _frame({"A": [1.0, NAN, 0.0, NAN, NAN], "B": [0.0, NAN, 1.0, NAN, NAN]})
    spec = _spec(equity_bps=10.0, crypto_bps=30.0, crypto=("B",))
    res = run_backtest(px, targets, spec, engine=engine)
    v1 = 1 / 1.001  # after buying A (partial fill, 10 bps)
    # day 3: sell A (fee 10 bps of v1), then buy B with 0.999 v1 (partial fill, 30 bps)
    expected = [0.0, v1 - 1, 0.0, 0.999 / 1.003 - 1, 0.0]
    np.testing.assert_allclose(res.returns.to_numpy(), expected, atol=1e-14)
    day3 = res.trades[res.trades["date"] == px.index[3]]
    assert day3["ticker"].tolist() == ["A", "B"]  # the sale comes first
    assert day3["fee"].iloc[0] == pytest.approx(0.001 * v1, rel=1e-12)
    assert day3["fee"].iloc[1] == pytest.approx(0.999 * v1 * (1 - 1 / 1.003), rel=1e-9)
    np.testing.assert_allclose(
        res.weights.loc[px.index[3], ["A", "B", "cash"]], [0, 1, 0], atol=1e-12
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_short_borrow_and_cash_interest_act_360(engine):
    # Fri 5 Jan 2024, Mon 8, Tue 9, Wed 10: short half the equity on Monday's close
    px = _frame({"A": [10.0] * 4}, start="2024-01-05")
    targets = _frame({"A": [-0.5, NAN, NAN, NAN]}, start="2024-01-05")
    rate = pd.Series([3.6, 7.2, 3.6, 3.6], index=px.index)  # annual percent, known at t
    res = run_backtest(px, targets, _spec(borrow_bps_annual=36.0), engine=engine, cash_rate=rate)
    # Monday: all cash over 3 days at Friday's 3.6%: 3.6% * 3 / 360 = 0.0003
    # Tuesday: cash 1.5 at Monday's 7.2% for a day (+0.0003), short 0.5 at 36 bps (-0.000005)
    # Wednesday: cash 1.5 at 3.6% (+0.00015), borrow (-0.000005)
    expected = [0.0, 0.0003, 0.000295, 0.000145]
    np.testing.assert_allclose(res.returns.to_numpy(), expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(res.weights.loc[px.index[1]].to_numpy(), [-0.5, 1.5], atol=1e-14)
    assert res.trades["side"].tolist() == ["sell"]


@pytest.mark.parametrize("engine", ENGINES)
def test_no_trades_cost_nothing(engine):
    px = _frame({"A": [10.0, 12.0, 9.0], "B": [1.0, 2.0, 3.0]})
    targets = _frame({"A": [0.0, 0.0, NAN], "B": [NAN, 0.0, 0.0]})
    res = run_backtest(
        px, targets, _spec(equity_bps=50, slippage_bps=50, borrow_bps_annual=500), engine=engine
    )
    assert (res.returns == 0).all()
    assert res.trades.empty
    assert res.stats()["turnover"] == 0.0 and res.stats()["n_rebalances"] == 0
    assert (res.weights["cash"] == 1).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_nan_price_skips_the_order_and_values_at_last_close(engine):
    px = _frame({"A": [10.0, NAN, 12.0, 12.0], "B": [NAN, NAN, 4.0, 5.0]})
    targets = _frame({"A": [0.5, NAN, NAN, NAN], "B": [0.5, NAN, NAN, NAN]})
    res = run_backtest(px, targets, _spec(), engine=engine)
    # day 1: A has no close and B no price yet: nothing trades; day 2 onwards nothing either
    assert res.trades.empty
    targets2 = _frame({"A": [0.5, 0.5, NAN, NAN], "B": [0.5, 0.5, NAN, NAN]})
    res2 = run_backtest(px, targets2, _spec(), engine=engine)
    # the day-1 decision trades on day 2: A (12) and B (4) get half each
    np.testing.assert_allclose(res2.weights.loc[px.index[2], ["A", "B"]], [0.5, 0.5])
    np.testing.assert_allclose(res2.returns.to_numpy(), [0, 0, 0, 0.125], atol=1e-14)


def test_scale_invariance_of_init_cash():
    rng = np.random.default_rng(3)
    px = _frame({"A": 10 * np.exp(np.cumsum(rng.normal(0, 0.02, 30))), "B": np.linspace(5, 6, 30)})
    t = _frame({"A": rng.uniform(0, 1, 30), "B": rng.uniform(0, 1, 30)}) / 2
    a = run_backtest(px, t, _spec(equity_bps=5, init_cash=1.0), engine="reference")
    b = run_backtest(px, t, _spec(equity_bps=5, init_cash=1000.0), engine="reference")
    np.testing.assert_allclose(a.returns, b.returns, atol=1e-12)
    assert b.equity.iloc[0] == pytest.approx(1000 * (1 + b.returns.iloc[0]))


def test_lag_targets_is_a_shift():
    t = _frame({"A": [1.0, NAN, 0.0]})
    pd.testing.assert_frame_equal(lag_targets(t, 1), t.shift(1))
    arr = np.arange(12.0).reshape(2, 3, 2)
    out = lag_targets(arr, 2)
    assert np.isnan(out[:, :2]).all()
    np.testing.assert_array_equal(out[:, 2], arr[:, 0])
    with pytest.raises(DataError, match="execution_lag"):
        lag_targets(t, 0)


def test_validation_errors_name_the_problem():
    px = _frame({"A": [10.0, 11.0]})
    with pytest.raises(DataError, match="ZZZ"):
        run_backtest(px, _frame({"ZZZ": [1.0, NAN]}), _spec())
    with pytest.raises(DataError, match="index"):
        run_backtest(px, _frame({"A": [1.0, NAN]}, start="2023-01-02"), _spec())
    with pytest.raises(DataError, match="positive"):
        run_backtest(_frame({"A": [10.0, -1.0]}), _frame({"A": [1.0, NAN]}), _spec())
    with pytest.raises(DataError, match="engine"):
        run_backtest(px, _frame({"A": [1.0, NAN]}), _spec(), engine="zipline")  # type: ignore
    with pytest.raises(DataError, match="cash rate"):
        run_backtest(
            px, _frame({"A": [1.0, NAN]}), _spec(), cash_rate=pd.Series([NAN, 1.0], px.index)
        )


def test_result_object_summary_and_plots():
    rng = np.random.default_rng(4)
    px = _frame({"A": 10 * np.exp(np.cumsum(rng.normal(0, 0.02, 40))), "B": np.full(40, 5.0)})
    t = _frame({"A": np.where(np.arange(40) % 5 == 0, 0.6, NAN), "B": np.full(40, NAN)})
    res = run_backtest(px, t, _spec(rule="longshort", equity_bps=5))
    st = res.stats()
    keys = {"total_return", "cagr", "ann_vol", "sharpe", "sortino", "max_drawdown", "calmar"}
    assert keys | {"turnover", "exposure", "n_rebalances"} == set(st)
    assert st["total_return"] == pytest.approx(res.equity.iloc[-1] - 1, rel=1e-12)
    assert st["exposure"] == pytest.approx(res.weights["A"].abs().mean())
    assert str(res) == res.summary() and "Sharpe" in res.summary()
    np.testing.assert_allclose(res.weights.sum(axis=1), 1.0, atol=1e-12)
    figs = res.plot()
    assert set(figs) == {"equity", "drawdown"}
    for fig in figs.values():
        ax = fig.axes[0]
        assert ax.get_xlabel() == "date" and ax.get_ylabel() and ax.get_title()
    import matplotlib.pyplot as plt

    for fig in figs.values():
        plt.close(fig)


def test_turnover_is_one_way_and_annualized():
    px = _frame({"A": [10.0] * 4, "B": [5.0] * 4})
    targets = _frame({"A": [1.0, NAN, 0.0, NAN], "B": [0.0, NAN, 1.0, NAN]})
    res = run_backtest(px, targets, _spec(), engine="reference")
    # day 1: buy 1.0 of equity -> 0.5 one-way; day 3: sell 1 and buy 1 -> 1.0 one-way
    np.testing.assert_allclose(res.turnover.to_numpy(), [0, 0.5, 0, 1.0], atol=1e-14)
    assert res.stats()["turnover"] == pytest.approx(1.5 / 4 * 252)
