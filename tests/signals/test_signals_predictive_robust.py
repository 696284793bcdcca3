"""Hodrick 1B, non-overlapping and IVX statistics against independent computations."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from signals import persistence, predictive_regression
from signals._predictive_stats import hodrick_1b, ivx_wald


def _data(n=400, phi=0.98, seed=3):
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + rng.normal()
    r = rng.normal(0, 0.01, n)
    idx = pd.bdate_range("2010-01-01", periods=n, name="date")
    return pd.Series(r, index=idx), pd.Series(x, index=idx)


@pytest.mark.parametrize("h", [1, 3, 7])
def test_hodrick_matches_dense_matrix_formula(h):
    r, x = _data(n=120)
    xv, rv = x.to_numpy(), r.to_numpy()
    m = len(xv) - h
    # forward sums as an explicit 0/1 matrix A (m x (m+h-1)) acting on r[1..m+h-1]
    A = np.zeros((m, m + h - 1))
    for t in range(m):
        A[t, t : t + h] = 1.0
    e = rv[1:] - rv[1:].mean()
    y = A @ rv[1:]
    X = np.column_stack([np.ones(m), xv[:m]])
    inv = np.linalg.inv(X.T @ X)
    meat = X.T @ A @ np.diag(e**2) @ A.T @ X
    cov = inv @ meat @ inv
    beta = (inv @ X.T @ y)[1]
    b, t = hodrick_1b(xv, rv, h)
    assert b == pytest.approx(beta, rel=1e-10)
    assert t == pytest.approx(beta / math.sqrt(cov[1, 1]), rel=1e-9)


def test_ivx_h1_matches_textbook_formula():
    r, x = _data(n=300)
    xv, rv = x.to_numpy(), r.to_numpy()
    n = len(xv) - 1
    rz = 1 - 1 / n**0.95
    z = np.zeros(len(xv))
    for t in range(1, len(xv)):
        z[t] = rz * z[t - 1] + (xv[t] - xv[t - 1])
    zl = z[:-1]
    Y = rv[1:] - rv[1:].mean()
    X = xv[:-1] - xv[:-1].mean()
    beta = (zl @ Y) / (zl @ X)
    ols = sm.OLS(rv[1:], sm.add_constant(xv[:-1])).fit()
    ar = sm.OLS(xv[1:], sm.add_constant(xv[:-1])).fit()
    eps, u = ols.resid, ar.resid
    s_ee = eps @ eps / n
    L = int(n ** (1 / 3))
    w = [1 - j / (L + 1) for j in range(1, L + 1)]
    o_uu = u @ u / n + 2 * sum(w[j - 1] * (u[j:] @ u[:-j]) / n for j in range(1, L + 1))
    o_eu = eps @ u / n + sum(w[j - 1] * (u[j:] @ eps[:-j]) / n for j in range(1, L + 1))
    fm = s_ee - o_eu**2 / o_uu
    M = zl @ zl * s_ee - n * zl.mean() ** 2 * fm
    wald = beta**2 / (M / (zl @ X) ** 2)
    res = ivx_wald(xv, rv, 1)
    assert res.beta == pytest.approx(beta, rel=1e-10)
    assert res.wald == pytest.approx(wald, rel=1e-8)


def test_table_properties_and_nw_matches_statsmodels():
    r, x = _data(n=500)
    res = predictive_regression(r, x, (1, 5, 21))
    for h in (1, 5, 21):
        row = res.table.loc[h]
        assert row["n"] == 500 - h
        assert row["n_nonoverlap"] == (500 - 1) // h
        y = r.rolling(h).sum().shift(-h)
        d = pd.concat([y, x], axis=1).dropna()
        ref = sm.OLS(d.iloc[:, 0], sm.add_constant(d.iloc[:, 1])).fit(
            cov_type="HAC", cov_kwds={"maxlags": int(row["lags"])}
        )
        assert row["tstat_nw"] == pytest.approx(ref.tvalues.iloc[1], rel=1e-10)
        assert 0 <= row["pvalue_ivx"] <= 1
    assert res.persistence == pytest.approx(persistence(x).phi, rel=1e-10)
    rows = res.rows()
    assert set(rows[0]) == {
        "horizon",
        "beta",
        "tstat_nw",
        "tstat_hodrick",
        "tstat_nonoverlap",
        "pvalue_ivx",
        "n",
    }
    assert 0 <= res.headline_pvalue(21) <= 1
    assert math.isnan(res.headline_pvalue(2))


def test_window_ignores_returns_after_end():
    r, x = _data(n=400)
    end = r.index[299]
    a = predictive_regression(r, x, (5, 21), end=end).table
    r2 = r.copy()
    r2.iloc[300:] += 0.05
    b = predictive_regression(r2, x, (5, 21), end=end).table
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[5, "n"] == 300 - 5
