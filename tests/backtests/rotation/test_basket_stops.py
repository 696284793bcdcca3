"""A basket member whose prices stop leaves its basket the next session; nothing else moves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.engines.engine import run_backtest
from backtests.rotation.baskets import active_members, basket_weights
from backtests.rotation.prices import Prices
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from data.errors import DataError

IDX = pd.bdate_range("2024-01-01", periods=8, name="date")
STOP = IDX[3]  # B's last price


def _px() -> pd.DataFrame:
    a = 100.0 * 1.01 ** np.arange(8)
    b = 50.0 * 0.98 ** np.arange(8)
    b[4:] = np.nan  # B's file ends on IDX[3]
    n = np.full(8, 10.0)
    return pd.DataFrame({"N": n, "A": a, "B": b}, index=IDX)


def test_a_stopped_member_leaves_from_the_next_session():
    px = _px()
    act = active_members(px, ["A", "B"], stops={"B": STOP})
    assert act["B"].tolist() == [True] * 4 + [False] * 4
    w = basket_weights(px, ["A", "B"], stops={"B": STOP})
    np.testing.assert_allclose(w.to_numpy(), [[0.5, 0.5]] * 4 + [[1.0, 0.0]] * 4)
    # without a stop the member stays (the old rule: from its first price on)
    assert basket_weights(px, ["A", "B"])["B"].tolist() == [0.5] * 8
    iv = basket_weights(px, ["A", "B"], weighting="inverse_vol", stops={"B": STOP})
    assert iv.loc[IDX[4] :, "A"].tolist() == [1.0] * 4


def test_prices_carry_the_last_price_and_keep_the_stop_through_slices():
    p = Prices(_px(), stops={"B": STOP})
    assert p.frame.loc[IDX[4] :, "B"].tolist() == [_px().loc[STOP, "B"]] * 4
    assert p.frame[["N", "A"]].equals(_px()[["N", "A"]])  # other columns untouched
    assert p.select(["A", "B"]).stops == {"B": STOP}
    assert p.select(["N", "A"]).stops == {}
    assert p.between(end=IDX[5]).stops == {"B": STOP}
    assert Prices(_px()).stops == {}
    with pytest.raises(DataError, match=r"stop of B on 2024-01-03 is not its last price"):
        Prices(_px(), stops={"B": IDX[2]})
    with pytest.raises(DataError, match="stopped ticker 'Z' has no price column"):
        Prices(_px(), stops={"Z": STOP})


def test_the_position_is_closed_at_the_last_price_and_the_rest_goes_to_the_others():
    spec = RotationSpec(
        near=("N",), long=("A", "B"), rebalance="daily", equity_bps=0, slippage_bps=0
    )
    fac = pd.Series(-1.0, index=IDX)  # always the long basket
    p = Prices(_px(), stops={"B": STOP})
    t = target_weights(fac, p, spec)
    assert t.loc[IDX[4] :, "B"].eq(0.0).all() and t.loc[IDX[4] :, "A"].eq(1.0).all()
    res = run_backtest(p, t, spec, engine="reference")
    w = res.weights
    # decided at close IDX[4], traded at close IDX[5] (one bar of lag): B sold at its last price
    assert w.loc[IDX[4], "B"] > 0.4 and w.loc[IDX[5] :, "B"].abs().max() < 1e-12
    assert w.loc[IDX[5] :, "A"].to_numpy() == pytest.approx(1.0)
    # hand check: on IDX[4] B earns 0 (no new price), A earns 1%; on IDX[6] all of it is in A
    a, b0 = w.loc[IDX[3], "A"], w.loc[IDX[3], "B"]
    assert res.returns.loc[IDX[4]] == pytest.approx(a * 0.01 + b0 * 0.0)
    assert res.returns.loc[IDX[6]] == pytest.approx(0.01)
    vbt = run_backtest(p, t, spec, engine="vectorbt")
    np.testing.assert_allclose(vbt.returns.to_numpy(), res.returns.to_numpy(), atol=1e-10)


def test_no_stop_changes_nothing():
    spec = RotationSpec(near=("N",), long=("A", "B"), rebalance="daily")
    fac = pd.Series(np.sin(np.arange(8.0)), index=IDX)
    full = _px().assign(B=50.0 * 0.98 ** np.arange(8))
    a = target_weights(fac, Prices(full, stops={}), spec)
    b = target_weights(fac, full, spec)
    pd.testing.assert_frame_equal(a, b)
