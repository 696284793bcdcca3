"""HAC alpha: the Newey-West lag rule, a hand-computed sandwich, a planted alpha."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from backtests.inference import AlphaResult, hac_alpha, newey_west_lags
from data.errors import DataError


def _dates(n: int) -> pd.DatetimeIndex:
    return pd.bdate_range("2020-01-01", periods=n, name="date")


@pytest.mark.parametrize(("n", "expected"), [(1, 1), (100, 4), (1000, 6), (2500, 8)])
def test_newey_west_rule_of_thumb(n, expected):
    # floor(4 (n/100)^(2/9)): 4*0.01^(2/9)=1.44; 4; 4*10^(2/9)=6.67; 4*25^(2/9)=8.18
    assert newey_west_lags(n) == expected


def _nw_by_hand(y: np.ndarray, x: np.ndarray, lags: int) -> tuple[np.ndarray, np.ndarray]:
    """Textbook Newey-West with explicit loops: Bartlett weights 1 - l/(L+1), no correction."""
    X = np.column_stack([np.ones(len(y)), x])
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    e = y - X @ beta
    S = np.zeros((2, 2))
    for t in range(len(y)):
        S += e[t] ** 2 * np.outer(X[t], X[t])
    for lag in range(1, lags + 1):
        w = 1.0 - lag / (lags + 1.0)
        for t in range(lag, len(y)):
            g = e[t] * e[t - lag] * np.outer(X[t], X[t - lag])
            S += w * (g + g.T)
    V = xtx_inv @ S @ xtx_inv
    return beta, np.sqrt(np.diag(V))


def test_hac_alpha_matches_hand_computed_newey_west():
    y = np.array([0.010, -0.004, 0.007, 0.002, -0.011, 0.006, 0.003, -0.002, 0.009, 0.001])
    x = np.array([0.008, -0.006, 0.004, 0.001, -0.009, 0.007, 0.000, -0.003, 0.006, 0.002])
    idx = _dates(10)
    res = hac_alpha(pd.Series(y, index=idx), pd.DataFrame({"SPY": x}, index=idx), lags=2)
    beta, se = _nw_by_hand(y, x, 2)
    assert res.alpha == pytest.approx(beta[0], abs=1e-14)
    assert res.betas["SPY"] == pytest.approx(beta[1], rel=1e-12)
    assert res.se == pytest.approx(se[0], rel=1e-10)
    assert res.tstat == pytest.approx(beta[0] / se[0], rel=1e-10)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(beta[0] / se[0])), rel=1e-10)
    assert res.alpha_ann == pytest.approx(252 * beta[0])
    assert (res.lags, res.n) == (2, 10)
    # the OLS intercept is mean(y) - beta mean(x)
    assert res.alpha == pytest.approx(y.mean() - beta[1] * x.mean(), abs=1e-14)


def test_no_benchmarks_is_a_hac_test_of_the_mean():
    r = pd.Series([0.01, -0.02, 0.03, 0.00, 0.02], index=_dates(5))
    res = hac_alpha(r, pd.DataFrame(index=r.index), lags=0)
    e = r.to_numpy() - r.mean()
    # lag 0: White variance of a mean, sum(e^2) / n^2
    assert res.alpha == pytest.approx(r.mean())
    assert res.se == pytest.approx(np.sqrt((e**2).sum()) / 5, rel=1e-12)
    assert res.betas == {}


def test_planted_alpha_is_recovered_with_default_lags():
    rng = np.random.default_rng(11)
    n = 3000
    idx = _dates(n)
    mkt = rng.normal(0.0003, 0.01, n)
    mix = 0.5 * mkt + rng.normal(0, 0.008, n)
    # MA(3) errors: serial correlation the HAC errors must absorb
    u = rng.normal(0, 0.006, n + 3)
    e = u[3:] + 0.5 * u[2:-1] + 0.3 * u[1:-2] + 0.2 * u[:-3]
    y = 0.0008 + 0.9 * mkt - 0.3 * mix + e
    res = hac_alpha(pd.Series(y, index=idx), pd.DataFrame({"SPY": mkt, "50/50": mix}, index=idx))
    assert isinstance(res, AlphaResult)
    assert res.lags == newey_west_lags(n) == 8
    assert abs(res.alpha - 0.0008) < 4 * res.se
    assert res.tstat > 3
    assert res.betas["SPY"] == pytest.approx(0.9, abs=0.05)
    assert res.betas["50/50"] == pytest.approx(-0.3, abs=0.07)
    assert "HAC alpha" in str(res) and "lags 8" in res.summary()


def test_rows_with_missing_values_are_dropped():
    idx = _dates(40)
    rng = np.random.default_rng(0)
    y = pd.Series(rng.normal(0, 0.01, 40), index=idx)
    b = pd.DataFrame({"SPY": rng.normal(0, 0.01, 40)}, index=idx)
    b.iloc[:5, 0] = np.nan
    res = hac_alpha(y, b, lags=1)
    assert res.n == 35
    ref = hac_alpha(y.iloc[5:], b.iloc[5:], lags=1)
    assert res.alpha == pytest.approx(ref.alpha) and res.se == pytest.approx(ref.se)


def test_validation_names_the_parameter():
    idx = _dates(20)
    y = pd.Series(np.linspace(-0.01, 0.01, 20), index=idx)
    b = pd.DataFrame({"SPY": np.sin(np.arange(20)) / 100}, index=idx)
    with pytest.raises(ValueError, match="`lags`"):
        hac_alpha(y, b, lags=-1)
    with pytest.raises(DataError, match="benchmarks"):
        hac_alpha(y.iloc[:3], b.iloc[:3])
    with pytest.raises(DataError, match="benchmarks"):
        hac_alpha(y, [1, 2, 3])  # type: ignore[arg-type]
