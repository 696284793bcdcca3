"""Recursive forecasts: equal a slow loop of lstsq fits, never use an unrealized target."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.errors import DataError
from signals.forecast import forecast_variants, forward_target, recursive_forecasts


def _market(n=400, seed=3, start_nan=0):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2015-01-01", periods=n)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = 0.95 * x[t - 1] + rng.normal()
    x = pd.Series(x + 3.0, index=idx, name="f")  # an offset: the fit must not assume mean 0
    r = pd.Series(0.002 * x.shift(1).fillna(0.0) + rng.normal(0, 0.01, n), index=idx)
    x.iloc[:start_nan] = np.nan
    return x, r


def _slow(x: pd.Series, r: pd.Series, h: int, warmup: int) -> pd.DataFrame:
    """One numpy lstsq fit per date over the pairs realized by that date (the reference)."""
    xv, rv = x.reindex(r.index).to_numpy(), r.to_numpy()
    n = len(rv)
    y = np.array([rv[s + 1 : s + h + 1].sum() if s + h < n else np.nan for s in range(n)])
    rows = []
    for t in range(n):
        s = np.arange(0, t - h + 1)  # s + h <= t
        ys_all = y[s]
        mean = ys_all.mean() if len(s) else np.nan
        use = s[np.isfinite(xv[s]) & np.isfinite(y[s])]
        fc = np.nan
        if len(use) >= warmup and np.isfinite(xv[t]):
            A = np.column_stack([np.ones(len(use)), xv[use]])
            coef = np.linalg.lstsq(A, y[use], rcond=None)[0]
            fc = coef[0] + coef[1] * xv[t]
        rows.append((r.index[t], y[t], fc, mean, len(use)))
    out = pd.DataFrame(rows, columns=["date", "realized", "forecast", "prevailing_mean", "n"])
    return out.set_index("date")


@pytest.mark.parametrize(("h", "warmup", "start_nan"), [(1, 5, 0), (21, 60, 0), (5, 30, 37)])
def test_recursive_forecasts_equal_a_loop_of_lstsq_fits(h, warmup, start_nan):
    x, r = _market(start_nan=start_nan)
    fast = recursive_forecasts(x, r, horizon=h, warmup=warmup)
    slow = _slow(x, r, h, warmup)
    first = slow.index[slow["n"] >= warmup][0]
    assert fast.index[0] == first
    slow = slow.loc[first:]
    pd.testing.assert_index_equal(fast.index, slow.index, check_names=False)
    np.testing.assert_allclose(fast["forecast"], slow["forecast"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast["prevailing_mean"], slow["prevailing_mean"], rtol=1e-10)
    np.testing.assert_allclose(fast["realized"], slow["realized"], rtol=1e-12)
    assert fast["realized"].iloc[-h:].isna().all() and fast["forecast"].iloc[-h:].notna().all()


def test_first_forecast_date_and_step():
    x, r = _market(n=200)
    h, warmup = 10, 20
    out = recursive_forecasts(x, r, horizon=h, warmup=warmup)
    # the warmup-th pair (s = warmup - 1) is realized at s + h
    assert out.index[0] == r.index[warmup - 1 + h]
    stepped = recursive_forecasts(x, r, horizon=h, warmup=warmup, step=h)
    pd.testing.assert_frame_equal(stepped, out.iloc[::h])


def test_perturbing_returns_after_t_leaves_forecasts_up_to_t_unchanged():
    x, r = _market(n=500)
    h = 21
    base = recursive_forecasts(x, r, horizon=h, warmup=50)
    rng = np.random.default_rng(9)
    for cut in (120, 300, 470):
        t = r.index[cut]
        r2 = r.copy()
        r2.iloc[cut + 1 :] = rng.normal(0, 0.05, len(r) - cut - 1)
        x2 = x.copy()
        x2.iloc[cut + 1 :] = rng.normal(0, 5, len(x) - cut - 1)
        pert = recursive_forecasts(x2, r2, horizon=h, warmup=50)
        cols = ["forecast", "prevailing_mean"]
        pd.testing.assert_frame_equal(pert.loc[:t, cols], base.loc[:t, cols])
        # realized targets at dates s with s + h <= t do not move either
        pd.testing.assert_series_equal(
            pert.loc[: r.index[cut - h], "realized"], base.loc[: r.index[cut - h], "realized"]
        )


def test_hand_case_h1():
    idx = pd.bdate_range("2024-01-01", periods=6)
    x = pd.Series([0.0, 1.0, 2.0, 0.0, 1.0, 3.0], index=idx)
    r = pd.Series([0.0, 1.0, 3.0, 5.0, 1.0, 3.0], index=idx)
    out = recursive_forecasts(x, r, horizon=1, warmup=3)
    # targets y_s = r_{s+1}: 1, 3, 5, 1, 3, nan
    # at t = 3: pairs (0, 1), (1, 3), (2, 5): y = 1 + 2x, forecast at x_3 = 0 is 1
    assert out.index[0] == idx[3]
    assert out.loc[idx[3], "forecast"] == pytest.approx(1.0)
    assert out.loc[idx[3], "prevailing_mean"] == pytest.approx(3.0)
    assert out.loc[idx[3], "realized"] == pytest.approx(1.0)
    # at t = 4 adds (0, 1): x = (0,1,2,0), y = (1,3,5,1): still y = 1 + 2x; at x=1: 3
    assert out.loc[idx[4], "forecast"] == pytest.approx(3.0)
    assert out.loc[idx[4], "prevailing_mean"] == pytest.approx(2.5)


def test_variants_share_the_prevailing_mean_and_match_single_runs():
    x, r = _market(n=300)
    late = x.copy()
    late.iloc[:100] = np.nan
    frame = pd.DataFrame({"a": x, "late": late, "neg": -2.0 * x + 1.0})
    out = forecast_variants(frame, r, horizon=5, warmup=40)
    for c in frame:
        single = recursive_forecasts(frame[c], r, horizon=5, warmup=40)
        got = out[c].reindex(single.index)
        np.testing.assert_allclose(got, single["forecast"], rtol=1e-9, atol=1e-12)
    # an affine transform of the factor gives the same forecasts
    np.testing.assert_allclose(out["neg"], out["a"], rtol=1e-9)
    assert out["late"].loc[: r.index[100 + 40 - 1 + 5 - 1]].isna().all()
    assert list(out.columns[:2]) == ["realized", "prevailing_mean"]


def test_constant_factor_gives_nan_forecasts_not_garbage():
    x, r = _market(n=100)
    flat = pd.Series(2.0, index=x.index)
    out = recursive_forecasts(flat, r, horizon=1, warmup=10)
    assert out["forecast"].isna().all()
    assert out["prevailing_mean"].notna().all()


def test_forward_target_and_validation():
    idx = pd.bdate_range("2024-01-01", periods=5)
    r = pd.Series([1.0, 2.0, np.nan, 4.0, 5.0], index=idx)
    np.testing.assert_array_equal(forward_target(r, 1), [2.0, np.nan, 4.0, 5.0, np.nan])
    np.testing.assert_array_equal(forward_target(r, 2), [np.nan, np.nan, 9.0, np.nan, np.nan])
    with pytest.raises(ValueError, match="horizon"):
        recursive_forecasts(r, r, horizon=0, warmup=5)
    with pytest.raises(ValueError, match="warmup"):
        recursive_forecasts(r, r, horizon=1, warmup=2)
    with pytest.raises(DataError, match="sorted"):
        recursive_forecasts(r, r.iloc[::-1], horizon=1, warmup=3)
    with pytest.raises(DataError, match="reserved"):
        forecast_variants(pd.DataFrame({"realized": r}), r, horizon=1, warmup=3)
