"""Local projections: hand-built regressions, robust errors by hand, a VAR with a known IRF."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.regression.linear_model import OLS

from data.errors import DataError
from signals.mechanism import local_projection


def _series(values, name, start="2010-01-01"):
    idx = pd.date_range(start, periods=len(values), freq="W-FRI", name="date")
    return pd.Series(np.asarray(values, dtype=float), index=idx, name=name)


def _random_walk_pair(n=400, seed=0, slope=0.7):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    dy = slope * x + rng.standard_normal(n)
    return _series(np.cumsum(dy), "y"), _series(x, "x")


def _hand_design(y: np.ndarray, x: np.ndarray, h: int, lags: int):
    """Outcome and regressors built with plain index arithmetic (no pandas shifts)."""
    n = len(y)
    out, rows = [], []
    for t in range(lags + 1, n - h):
        reg = [1.0, x[t]]
        for j in range(1, lags + 1):
            reg += [y[t - j] - y[t - j - 1], x[t - j]]
        out.append(y[t + h] - y[t - 1])
        rows.append(reg)
    return np.array(out), np.array(rows)


def test_h0_no_lags_slope_is_ols_of_dy_on_x():
    y, x = _random_walk_pair()
    res = local_projection(y, x, horizons=0, lags=0)
    dy = np.diff(y.to_numpy())
    X = np.column_stack([np.ones(len(dy)), x.to_numpy()[1:]])
    coef = np.linalg.lstsq(X, dy, rcond=None)[0]
    assert res.at(0)["beta"] == pytest.approx(coef[1], rel=1e-10)
    assert res.at(0)["n"] == len(dy)
    assert res.hac_lags == (1,)


def test_nw_se_matches_hand_newey_west():
    # h = 0, no lags: Newey-West with max(h+1, lags) = 1 lag, Bartlett weight 1/2, no
    # small-sample correction.
    y, x = _random_walk_pair(seed=3)
    res = local_projection(y, x, horizons=0, lags=0, errors="nw", leverage=False)
    dy = np.diff(y.to_numpy())
    X = np.column_stack([np.ones(len(dy)), x.to_numpy()[1:]])
    coef = np.linalg.lstsq(X, dy, rcond=None)[0]
    u = X * (dy - X @ coef)[:, None]
    S = u.T @ u + 0.5 * (u[1:].T @ u[:-1] + u[:-1].T @ u[1:])
    bread = np.linalg.inv(X.T @ X)
    se = np.sqrt((bread @ S @ bread)[1, 1])
    assert res.at(0)["se"] == pytest.approx(se, rel=1e-8)
    t = coef[1] / se
    assert res.at(0)["pvalue"] == pytest.approx(2 * sps.norm.sf(abs(t)), rel=1e-8)
    assert res.at(0)["lo90"] == pytest.approx(coef[1] - 1.6448536269514722 * se, rel=1e-8)
    assert res.at(0)["hi68"] == pytest.approx(coef[1] + 0.9944578832097535 * se, rel=1e-8)
    # default: the same Newey-West sum on residuals divided by 1 - leverage
    lev = np.einsum("ij,jk,ik->i", X, bread, X)
    u3 = X * ((dy - X @ coef) / (1 - lev))[:, None]
    S3 = u3.T @ u3 + 0.5 * (u3[1:].T @ u3[:-1] + u3[:-1].T @ u3[1:])
    se3 = np.sqrt((bread @ S3 @ bread)[1, 1])
    res3 = local_projection(y, x, horizons=0, lags=0, errors="nw")
    assert res3.at(0)["se"] == pytest.approx(se3, rel=1e-8)
    assert res3.at(0)["beta"] == res.at(0)["beta"]


@pytest.mark.parametrize("h,lags", [(0, 1), (3, 2), (6, 3)])
def test_slope_and_hc1_match_hand_design(h, lags):
    y, x = _random_walk_pair(seed=11)
    res = local_projection(y, x, horizons=h, lags=lags, errors="lag_augmented", leverage=False)
    out, X = _hand_design(y.to_numpy(), x.to_numpy(), h, lags)
    coef = np.linalg.lstsq(X, out, rcond=None)[0]
    e = out - X @ coef
    n, k = X.shape
    bread = np.linalg.inv(X.T @ X)
    V = bread @ (X.T * e**2) @ X @ bread * n / (n - k)
    assert res.at(h)["beta"] == pytest.approx(coef[1], rel=1e-9)
    assert res.at(h)["se"] == pytest.approx(np.sqrt(V[1, 1]), rel=1e-8)
    assert res.at(h)["n"] == n
    assert res.hac_lags == (0,) * (h + 1)
    # default: HC3, checked against statsmodels
    hc3 = OLS(out, X).fit(cov_type="HC3")
    res3 = local_projection(y, x, horizons=h, lags=lags, errors="lag_augmented")
    assert res3.at(h)["se"] == pytest.approx(hc3.bse[1], rel=1e-8)
    assert "HC3" in res3.summary() and "HC1" in res.summary()


def test_nw_lags_are_max_h_plus_one_and_lags():
    y, x = _random_walk_pair()
    res = local_projection(y, x, horizons=5, lags=3)
    assert res.hac_lags == (3, 3, 3, 4, 5, 6)
    assert list(res.irf.index) == [0, 1, 2, 3, 4, 5]
    assert res.irf.index.name == "h"
    text = res.summary()
    assert "Newey-West" in text and "hac_lags" in text


def test_controls_enter_the_regression():
    y, x = _random_walk_pair(seed=5)
    rng = np.random.default_rng(9)
    w = pd.DataFrame({"w": rng.standard_normal(len(y))}, index=y.index)
    res = local_projection(y, x, horizons=2, lags=1, controls=w)
    out, X = _hand_design(y.to_numpy(), x.to_numpy(), 2, 1)
    X = np.column_stack([X, w["w"].to_numpy()[2 : len(y) - 2]])
    coef = np.linalg.lstsq(X, out, rcond=None)[0]
    assert res.at(2)["beta"] == pytest.approx(coef[1], rel=1e-9)
    assert res.controls == ("w",)


def test_one_sided_pvalues():
    y, x = _random_walk_pair(slope=0.3)
    res = local_projection(y, x, horizons=2)
    for h in range(3):
        up, down = res.one_sided_pvalue(h, +1), res.one_sided_pvalue(h, -1)
        assert up + down == pytest.approx(1.0)
        assert 2 * min(up, down) == pytest.approx(res.at(h)["pvalue"])
    assert res.one_sided_pvalue(0, +1) < 1e-6  # the planted slope is positive
    with pytest.raises(ValueError, match="sign"):
        res.one_sided_pvalue(0, 2)
    with pytest.raises(KeyError, match="horizon 9"):
        res.at(9)


def test_nan_rows_are_dropped_per_horizon():
    y, x = _random_walk_pair(n=200, seed=2)
    y_nan = y.copy()
    y_nan.iloc[100] = np.nan
    res = local_projection(y_nan, x, horizons=2, lags=1, errors="lag_augmented")
    yv, xv = y_nan.to_numpy(), x.to_numpy()
    for h in range(3):
        out, X = _hand_design(yv, xv, h, 1)
        ok = np.isfinite(out) & np.isfinite(X).all(axis=1)
        coef = np.linalg.lstsq(X[ok], out[ok], rcond=None)[0]
        assert res.at(h)["beta"] == pytest.approx(coef[1], rel=1e-9)
        assert res.at(h)["n"] == ok.sum()
    # the missing level removes the rows whose outcome or lagged change touches it
    full = local_projection(y, x, horizons=2, lags=1, errors="lag_augmented")
    assert (full.irf["n"] - res.irf["n"] > 0).all()


def test_series_on_different_dates_are_joined_on_the_dates():
    y, x = _random_walk_pair(n=120, seed=4)
    res_full = local_projection(y, x, horizons=1, lags=1)
    res_cut = local_projection(y, x.iloc[10:], horizons=1, lags=1)
    # full sample: rows from t = 2 (Δy[t-1] needs y[t-2]); x from its 11th date: rows from
    # t = 11 (x[t-1] needs t - 1 >= 10), so 9 fewer rows
    assert res_cut.at(0)["n"] == res_full.at(0)["n"] - 9


def test_bad_inputs_raise():
    y, x = _random_walk_pair(n=50)
    with pytest.raises(ValueError, match="horizons"):
        local_projection(y, x, horizons=-1)
    with pytest.raises(ValueError, match="lag_augmented"):
        local_projection(y, x, horizons=1, lags=0, errors="lag_augmented")
    with pytest.raises(ValueError, match="errors"):
        local_projection(y, x, horizons=1, errors="hac")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="sorted"):
        local_projection(y.iloc[::-1], x, horizons=1)
    with pytest.raises(DataError, match="duplicate"):
        local_projection(pd.concat([y, y.iloc[:1]]), x, horizons=1)
    with pytest.raises(ValueError, match="clashes"):
        local_projection(y, x, horizons=1, controls=pd.DataFrame({"x_lag1": x}))


def _var_irf(A: np.ndarray, b: float, horizons: int) -> np.ndarray:
    """Cumulative response of y (the 2nd variable is Δy) to a unit x innovation, analytically."""
    impact = np.array([1.0, b])
    resp, Ak = [], np.eye(2)
    for _ in range(horizons + 1):
        resp.append((Ak @ impact)[1])
        Ak = A @ Ak
    return np.cumsum(resp)


@pytest.mark.parametrize("errors", ["nw", "lag_augmented"])
def test_var1_bands_cover_the_analytic_irf(errors):
    # w_t = (x_t, Δy_t) = A w_{t-1} + B ε_t with B = [[1, 0], [b, 1]]: the response of y's
    # level to a unit x innovation at h is sum_{k<=h} (A^k B e_1)[1].
    A = np.array([[0.5, 0.1], [0.3, 0.4]])
    b, n, H = 0.5, 6000, 10
    rng = np.random.default_rng(20260101)
    eps = rng.standard_normal((n + 100, 2)) * np.array([1.0, 1.5])
    w = np.zeros((n + 100, 2))
    for t in range(1, n + 100):
        w[t] = A @ w[t - 1] + np.array([eps[t, 0], b * eps[t, 0] + eps[t, 1]])
    w = w[100:]
    y, x = _series(np.cumsum(w[:, 1]), "y"), _series(w[:, 0], "x")
    truth = _var_irf(A, b, H)
    res = local_projection(y, x, horizons=H, lags=2, errors=errors)
    covered = (res.irf["lo90"] <= truth) & (truth <= res.irf["hi90"])
    assert covered.sum() >= H - 1  # 90% bands: at most a couple of misses out of 11
    assert (np.abs(res.irf["beta"] - truth) < 3 * res.irf["se"]).all()
    assert res.at(0)["beta"] == pytest.approx(b, abs=0.06)
