"""Ledoit-Wolf Sharpe difference: HAC SE by hand, Jobson-Korkie/Memmel closed form, size."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from backtests.inference import SharpeDiffResult, sharpe_diff_se, sharpe_diff_test
from data.errors import DataError


def _pair(n: int, sr1: float, sr2: float, rho: float, seed: int, sd: float = 0.01):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, 2))
    z[:, 1] = rho * z[:, 0] + math.sqrt(1 - rho**2) * z[:, 1]
    x = sd * (z[:, 0] + sr1)
    y = sd * (z[:, 1] + sr2)
    idx = pd.bdate_range("2015-01-01", periods=n, name="date")
    return pd.Series(x, index=idx), pd.Series(y, index=idx)


def _memmel_se(x: np.ndarray, y: np.ndarray) -> float:
    # Jobson-Korkie (1981) as corrected by Memmel (2003), i.i.d. normal returns:
    # Var(SR1 - SR2) = [2 (1 - rho) + (SR1^2 + SR2^2 - 2 SR1 SR2 rho^2) / 2] / T
    s1, s2 = x.mean() / x.std(), y.mean() / y.std()
    rho = np.corrcoef(x, y)[0, 1]
    return math.sqrt((2 * (1 - rho) + 0.5 * (s1**2 + s2**2 - 2 * s1 * s2 * rho**2)) / len(x))


def _hand_se(x: np.ndarray, y: np.ndarray, prewhiten: bool) -> float:
    """Loops transcribing Ledoit & Wolf's published procedure, one scalar at a time."""
    t = len(x)
    m1, m2 = sum(x) / t, sum(y) / t
    g1, g2 = sum(v * v for v in x) / t, sum(v * v for v in y) / t
    grad = [
        g1 / (g1 - m1**2) ** 1.5,
        -g2 / (g2 - m2**2) ** 1.5,
        -0.5 * m1 / (g1 - m1**2) ** 1.5,
        0.5 * m2 / (g2 - m2**2) ** 1.5,
    ]
    v = [[x[i] - m1, y[i] - m2, x[i] ** 2 - g1, y[i] ** 2 - g2] for i in range(t)]

    def ols(yv, xm):  # least squares by the normal equations
        xm, yv = np.array(xm), np.array(yv)
        return np.linalg.solve(xm.T @ xm, xm.T @ yv)

    def psi_hat(w):
        n = len(w)
        num = den = 0.0
        for c in range(4):
            col = [row[c] for row in w]
            mean = sum(col) / n
            col = [e - mean for e in col]
            b = ols(col[1:], [[1.0, e] for e in col[:-1]])
            res = [col[i + 1] - b[0] - b[1] * col[i] for i in range(n - 1)]
            sig2 = sum(r * r for r in res) / (n - 1 - 2)
            num += 4 * b[1] ** 2 * sig2**2 / (1 - b[1]) ** 8
            den += sig2**2 / (1 - b[1]) ** 4
        s = min(2.6614 * (num / den * n) ** 0.2, n - 1)

        def gamma(j):
            g = np.zeros((4, 4))
            for i in range(j, n):
                g += np.outer(w[i], w[i - j])
            return g / n

        def parzen(z):
            z = abs(z)
            return 1 - 6 * z**2 + 6 * z**3 if z <= 0.5 else (2 * (1 - z) ** 3 if z <= 1 else 0.0)

        out = gamma(0)
        j = 1
        while j < s:
            g = gamma(j)
            out = out + parzen(j / s) * (g + g.T)
            j += 1
        return out * n / (n - 4)

    if prewhiten:
        a = np.array([ols([row[c] for row in v[1:]], v[:-1]) for c in range(4)])
        u, d, vt = np.linalg.svd(a)
        a = u @ np.diag(np.minimum(d, 0.97)) @ vt
        resid = [list(np.array(v[i]) - a @ np.array(v[i - 1])) for i in range(1, t)]
        dmat = np.linalg.inv(np.eye(4) - a)
        psi = dmat @ psi_hat(resid) @ dmat.T
    else:
        psi = psi_hat(v)
    g = np.array(grad)
    return math.sqrt(g @ psi @ g / t)


@pytest.mark.parametrize("prewhiten", [False, True])
def test_hac_delta_method_se_matches_hand_computation(prewhiten):
    rng = np.random.default_rng(11)
    n = 120
    e = rng.standard_t(4, (n, 2)) * 0.01
    x = np.empty(n)
    x[0] = e[0, 0]
    for i in range(1, n):  # some autocorrelation so the kernel has lags to weigh
        x[i] = 0.3 * x[i - 1] + e[i, 0] + 0.0008
    y = 0.5 * x + e[:, 1] + 0.0003
    got = sharpe_diff_se(x, y, hac="parzen_pw" if prewhiten else "parzen")
    assert got == pytest.approx(_hand_se(x, y, prewhiten), rel=1e-10)


@pytest.mark.parametrize("rho", [0.0, 0.6, 0.9])
def test_iid_normal_se_matches_memmel_closed_form(rho):
    # i.i.d. normal returns: the HAC delta-method SE estimates the Jobson-Korkie/Memmel SE
    x, y = _pair(20000, 0.06, 0.02, rho, seed=int(rho * 10))
    memmel = _memmel_se(x.to_numpy(), y.to_numpy())
    for hac in ("parzen", "parzen_pw"):
        assert sharpe_diff_se(x, y, hac=hac) == pytest.approx(memmel, rel=0.05)


def test_bootstrap_interval_matches_memmel_width_for_iid_data():
    x, y = _pair(4000, 0.08, 0.03, 0.5, seed=7)
    res = sharpe_diff_test(x, y, reps=800, seed=1)
    assert isinstance(res, SharpeDiffResult)
    memmel_ann = _memmel_se(x.to_numpy(), y.to_numpy()) * math.sqrt(252)
    assert res.se == pytest.approx(memmel_ann, rel=0.05)
    lo, hi = res.ci
    assert hi - lo == pytest.approx(2 * 1.96 * memmel_ann, rel=0.12)
    assert lo < res.diff < hi
    # point estimates by hand
    sr = lambda v: v.mean() / v.std(ddof=1) * math.sqrt(252)  # noqa: E731
    assert res.sharpe_strategy == pytest.approx(sr(x))
    assert res.sharpe_benchmark == pytest.approx(sr(y))
    assert res.diff == pytest.approx(sr(x) - sr(y))
    assert res.block_length <= 3  # i.i.d. data: short blocks
    # the bootstrap p-value agrees with the normal one when the data are i.i.d. normal
    assert res.pvalue == pytest.approx(res.pvalue_hac, abs=0.06)
    assert "Ledoit-Wolf" in res.method
    m = res.to_metrics()
    assert m["sharpe_diff"] == pytest.approx(res.diff)
    assert m["sharpe_diff_ci"] == [lo, hi]


def test_clear_winner_is_detected_and_one_sided_pvalue_halves():
    x, y = _pair(2500, 0.12, 0.0, 0.3, seed=3)
    res = sharpe_diff_test(x, y, reps=500, seed=2)
    assert res.diff > 0
    assert res.pvalue < 0.01 and res.pvalue_greater < 0.01
    flipped = sharpe_diff_test(y, x, reps=500, seed=2)
    assert flipped.diff == pytest.approx(-res.diff)
    assert flipped.pvalue_greater > 0.99


def test_size_under_the_null_of_equal_sharpe_ratios():
    # 200 correlated, fat-tailed pairs with the same true Sharpe: the 5% test rejects about
    # 5% (binomial SE 1.5 points); allow 1%..10%.
    rejections = 0
    rng = np.random.default_rng(123)
    n_sims, n = 200, 400
    for k in range(n_sims):
        z = rng.standard_t(6, (n, 2)) / math.sqrt(6 / 4)
        z[:, 1] = 0.5 * z[:, 0] + math.sqrt(0.75) * z[:, 1]
        x, y = 0.01 * (z[:, 0] + 0.05), 0.02 * (z[:, 1] + 0.05)
        res = sharpe_diff_test(x, y, reps=199, block_length=2, seed=k)
        rejections += res.pvalue <= 0.05
    assert 0.01 <= rejections / n_sims <= 0.10


def test_alignment_seed_and_errors():
    x, y = _pair(600, 0.05, 0.02, 0.4, seed=9)
    a = sharpe_diff_test(x, y, reps=100, seed=5)
    b = sharpe_diff_test(x, y, reps=100, seed=5)
    assert a == b
    # dates only in one series are dropped before the test
    extra = pd.concat([x, pd.Series([0.5], index=[pd.Timestamp("2030-01-01")])])
    c = sharpe_diff_test(extra, y.iloc[::-1], reps=100, seed=5)
    assert c.n == 600 and c.diff == pytest.approx(a.diff)
    with pytest.raises(DataError, match="zero standard error"):
        sharpe_diff_test(x, x.copy(), reps=50, seed=0)
    with pytest.raises(DataError, match="constant"):
        sharpe_diff_test(x, pd.Series(0.001, index=x.index), reps=50)
    with pytest.raises(DataError, match="benchmark"):
        sharpe_diff_test(x.to_numpy(), y.to_numpy()[:-1])
    with pytest.raises(ValueError, match="`block_length`"):
        sharpe_diff_test(x, y, block_length=0)
    with pytest.raises(ValueError, match="`level`"):
        sharpe_diff_test(x, y, level=95)
