"""Walk-forward selection, the held-out split, and the look-ahead guard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.inference import WalkForwardResult, held_out, split_is_oos, walk_forward
from data.errors import DataError, LookAheadError


def _frame(cols: dict[str, list[float]], start: str = "2021-01-04") -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    idx = pd.bdate_range(start, periods=n, name="date")
    return pd.DataFrame({k: np.asarray(v, dtype=float) * 0.01 for k, v in cols.items()}, index=idx)


def test_hand_case_expanding_vs_rolling():
    # rows 0-3 train, test windows rows 4-6 and 7-9 (metric: mean)
    # A = [5,5,5,5,-1,-1,-1,0,0,0], B = [0,0,0,0,1,1,1,1,1,1], C = -1 everywhere
    # window 1 (train rows 0-3): means A 5, B 0, C -1 -> A, test returns A[4:7] = -1
    # window 2 expanding (rows 0-6): A 17/7, B 3/7, C -1 -> A, test returns A[7:] = 0
    # window 2 rolling (rows 3-6): A 2/4, B 3/4, C -1 -> B, test returns B[7:] = 1
    f = _frame(
        {
            "A": [5, 5, 5, 5, -1, -1, -1, 0, 0, 0],
            "B": [0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
            "C": [-1] * 10,
        }
    )
    exp = walk_forward(f, train_days=4, test_days=3, metric="mean")
    rol = walk_forward(f, train_days=4, test_days=3, metric="mean", expanding=False)
    assert isinstance(exp, WalkForwardResult)
    assert exp.choices["trial"].tolist() == ["A", "A"]
    assert rol.choices["trial"].tolist() == ["A", "B"]
    np.testing.assert_allclose(exp.returns.to_numpy(), [-0.01] * 3 + [0.0] * 3)
    np.testing.assert_allclose(rol.returns.to_numpy(), [-0.01] * 3 + [0.01] * 3)
    assert exp.returns.index.equals(f.index[4:])
    assert exp.choices["train_metric"].tolist() == pytest.approx([0.05, 0.17 / 7])
    row = rol.choices.iloc[1]
    assert (row.train_start, row.train_end) == (f.index[3], f.index[6])
    assert (row.test_start, row.test_end) == (f.index[7], f.index[9])
    st = rol.stats()
    assert st["n_windows"] == 2 and st["n_switches"] == 1 and st["n_days"] == 6
    assert st["total_return"] == pytest.approx(0.99**3 * 1.01**3 - 1)
    assert "walk-forward" in str(rol)


def test_last_window_may_be_short():
    f = _frame({"A": list(range(11)), "B": [1] * 11})
    wf = walk_forward(f, train_days=4, test_days=3, metric="total_return")
    assert wf.n_windows == 3  # test rows 4-6, 7-9, 10
    assert wf.choices.iloc[-1]["test_start"] == wf.choices.iloc[-1]["test_end"] == f.index[10]
    assert len(wf.returns) == 7


def test_no_look_ahead_perturbing_the_future_changes_nothing_before():
    rng = np.random.default_rng(0)
    base = pd.DataFrame(
        rng.normal(0, 0.01, (300, 6)), index=pd.bdate_range("2019-01-01", periods=300)
    )
    t = 200  # start of the third test window (100, 150, 200, 250)
    other = base.copy()
    other.iloc[t:] = rng.normal(0.05, 0.03, (100, 6))  # wildly different future
    a = walk_forward(base, train_days=100, test_days=50)
    b = walk_forward(other, train_days=100, test_days=50)
    assert a.choices["trial"].iloc[:3].tolist() == b.choices["trial"].iloc[:3].tolist()
    before = base.index[t - 1]
    pd.testing.assert_series_equal(a.returns.loc[:before], b.returns.loc[:before])
    assert not a.returns.loc[base.index[t] :].equals(b.returns.loc[base.index[t] :])


def test_oos_start_guard():
    f = _frame({"A": [1, 2, 3, 4, 5, 6], "B": [0, 1, 0, 1, 0, 1]})
    with pytest.raises(LookAheadError, match="oos_start"):
        walk_forward(f, train_days=2, test_days=2, oos_start=f.index[5])
    ins, _ = split_is_oos(f, f.index[5])
    wf = walk_forward(ins, train_days=2, test_days=2, oos_start=f.index[5])
    assert wf.returns.index.max() < f.index[5]


def test_split_is_oos_boundary_goes_out_of_sample():
    s = pd.Series([1.0, 2.0, 3.0, 4.0], index=pd.bdate_range("2024-06-27", periods=4))
    ins, oos = split_is_oos(s, "2024-07-01")
    assert ins.index.max() < pd.Timestamp("2024-07-01") <= oos.index.min()
    assert ins.tolist() == [1.0, 2.0] and oos.tolist() == [3.0, 4.0]
    with pytest.raises(DataError, match="DatetimeIndex"):
        split_is_oos(s.reset_index(drop=True), "2024-07-01")
    with pytest.raises(ValueError, match="`oos_start`"):
        split_is_oos(s, "not a date")


def test_held_out_by_hand():
    idx = pd.bdate_range("2024-06-27", periods=4)
    r = pd.Series([0.10, -0.10, 0.05, 0.05], index=idx)
    out = held_out(r, "2024-07-01")
    ins, oos = out["is"], out["oos"]
    assert out["oos_start"] == "2024-07-01"
    assert ins["n_days"] == oos["n_days"] == 2
    assert ins["total_return"] == pytest.approx(1.1 * 0.9 - 1)  # -1%
    assert oos["total_return"] == pytest.approx(1.05**2 - 1)  # +10.25%
    assert ins["max_drawdown"] == pytest.approx(0.99 / 1.1 - 1)  # -10% from the peak
    assert oos["max_drawdown"] == 0.0
    assert (ins["start"], oos["end"]) == ("2024-06-27", "2024-07-02")
    assert oos["sharpe"] is None  # zero variance
    empty = held_out(r, "2030-01-01")["oos"]
    assert empty["n_days"] == 0 and empty["sharpe"] is None and empty["total_return"] is None


def test_validation():
    f = _frame({"A": [1, 2, 3, 4], "B": [1, 1, 1, 1]})
    with pytest.raises(DataError, match="`train_days` 4 leaves no test window"):
        walk_forward(f, train_days=4, test_days=1)
    with pytest.raises(ValueError, match="`test_days`"):
        walk_forward(f, train_days=2, test_days=0)
    with pytest.raises(ValueError, match="`metric`"):
        walk_forward(f, train_days=2, test_days=1, metric="calmar")  # type: ignore[arg-type]
    g = f.copy()
    g.iloc[2, 0] = np.nan
    with pytest.raises(DataError, match="trial `A`"):
        walk_forward(g, train_days=2, test_days=1)
