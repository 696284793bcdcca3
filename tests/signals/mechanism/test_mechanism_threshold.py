"""Threshold regression: planted break, no break, twins of the vectorised statistics."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import OLS

from data.errors import DataError
from signals.mechanism import lr_critical_value, threshold_regression
from signals.mechanism._threshold_stats import (
    leverage_weights,
    moments,
    multipliers,
    partial,
    split_regressors,
    threshold_grid,
    wald_moments,
    wald_ssr_direct,
)


def _data(n=750, seed=0, beta_below=0.0, beta_above=1.0, gamma=0.3, shift=0.0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI", name="date")
    q = rng.standard_normal(n)
    x = rng.standard_normal(n)
    z = rng.standard_normal(n)
    below = q <= gamma
    e = rng.standard_normal(n) * (1.0 + 0.5 * np.abs(x))  # heteroskedastic
    y = 0.2 + 0.5 * z + np.where(below, beta_below, beta_above) * x + shift * below + e
    s = lambda v, k: pd.Series(v, idx, name=k)  # noqa: E731
    return s(y, "y"), s(x, "x"), s(q, "q"), pd.DataFrame({"z": z}, index=idx)


def test_finds_planted_break():
    y, x, q, z = _data()
    res = threshold_regression(y, x, q, z=z, n_boot=500, seed=1)
    assert res.gamma == pytest.approx(0.3, abs=0.15)
    assert res.gamma_ci[0] <= 0.3 <= res.gamma_ci[1]
    assert res.pvalue < 0.05
    assert res.beta_below == pytest.approx(0.0, abs=0.2)
    assert res.beta_above == pytest.approx(1.0, abs=0.2)
    assert res.n == 750 and res.n_boot == 500
    assert "sup-Wald" in res.summary()


def test_finds_planted_break_with_split_intercept():
    y, x, q, z = _data(seed=2, shift=1.0)
    res = threshold_regression(y, x, q, z=z, split_intercept=True, n_boot=300, seed=3)
    assert res.gamma_ci[0] <= 0.3 <= res.gamma_ci[1]
    assert res.pvalue < 0.05


def test_no_break_is_not_rejected():
    y, x, q, z = _data(seed=4, beta_above=0.0)
    res = threshold_regression(y, x, q, z=z, n_boot=500, seed=5)
    assert res.pvalue > 0.10
    # the 95% LR set contains the 90% set
    wide = threshold_regression(y, x, q, z=z, n_boot=0, ci_alpha=0.05)
    assert wide.gamma_ci[0] <= res.gamma_ci[0] and res.gamma_ci[1] <= wide.gamma_ci[1]
    assert np.isnan(wide.pvalue)


def test_seed_reproduces_the_pvalue():
    y, x, q, z = _data(n=300, seed=6, beta_above=0.3)
    a = threshold_regression(y, x, q, z=z, n_boot=200, seed=7)
    b = threshold_regression(y, x, q, z=z, n_boot=200, seed=7, chunk=37)
    assert a.pvalue == b.pvalue


def test_profile_matches_statsmodels_at_each_gamma():
    # independent: the unsplit model y = const + z + x 1{q<=g} + x 1{q>g}, HC0 Wald of
    # beta1 = beta2, statsmodels SSR
    y, x, q, z = _data(n=200, seed=8, beta_above=0.5)
    res = threshold_regression(y, x, q, z=z, n_boot=0, leverage=False)
    hc3 = threshold_regression(y, x, q, z=z, n_boot=0)
    for i in (0, 40, len(res.profile) - 1):
        g = res.profile["gamma"].iloc[i]
        below = (q <= g).to_numpy()
        X = np.column_stack([np.ones(200), z["z"], x * below, x * ~below])
        fit = OLS(y.to_numpy(), X).fit(cov_type="HC0")
        R = np.array([0.0, 0.0, 1.0, -1.0])
        d = R @ fit.params
        wald = d**2 / (R @ fit.cov_params() @ R)
        assert res.profile["wald"].iloc[i] == pytest.approx(wald, rel=1e-8)
        fit3 = OLS(y.to_numpy(), X).fit(cov_type="HC3")
        wald3 = d**2 / (R @ fit3.cov_params() @ R)
        assert hc3.profile["wald"].iloc[i] == pytest.approx(wald3, rel=1e-8)
        assert res.profile["ssr"].iloc[i] == pytest.approx(fit.ssr, rel=1e-10)
    ssr = res.profile["ssr"].to_numpy()
    assert res.gamma == res.profile["gamma"].iloc[int(np.argmin(ssr))]
    lr = 200 * (ssr - ssr.min()) / ssr.min()
    np.testing.assert_allclose(res.profile["lr"], lr, rtol=1e-12)
    inside = res.profile["gamma"][lr <= lr_critical_value(0.10)]
    assert res.gamma_ci == (inside.min(), inside.max())


@pytest.mark.parametrize("d,hc3", [(1, False), (2, False), (1, True), (2, True)])
def test_vectorised_wald_equals_the_explicit_loop(d, hc3):
    rng = np.random.default_rng(9)
    n = 120
    x, q = rng.standard_normal(n), rng.standard_normal(n)
    W = np.column_stack([np.ones(n), rng.standard_normal(n), x])
    Q, _ = np.linalg.qr(W)
    grid = threshold_grid(q, 0.15)
    D = partial(Q, split_regressors(x, q, grid, d).reshape(n, -1)).reshape(n, len(grid), d)
    Y = partial(Q, rng.standard_normal((n, 5)) * (1 + np.abs(x))[:, None])
    w = leverage_weights(D, Q) if hc3 else None
    fast = wald_moments(D, Y, moments(D, w))
    for b in range(5):
        slow, _ = wald_ssr_direct(D, Y[:, b], w)
        np.testing.assert_allclose(fast[:, b], slow, rtol=1e-8)


def test_500_draws_on_750_rows_are_fast():
    y, x, q, z = _data()
    threshold_regression(y, x, q, z=z, n_boot=10, seed=0)  # warm up
    t0 = time.perf_counter()
    threshold_regression(y, x, q, z=z, n_boot=500, seed=0)
    assert time.perf_counter() - t0 < 3.0  # about 0.15 s alone; generous on a shared machine


def test_hansen_critical_values():
    # Hansen (2000), Table 1: 5.94 (90%), 7.35 (95%), 10.59 (99%)
    assert lr_critical_value(0.10) == pytest.approx(5.94, abs=0.005)
    assert lr_critical_value(0.05) == pytest.approx(7.35, abs=0.005)
    assert lr_critical_value(0.01) == pytest.approx(10.59, abs=0.005)
    with pytest.raises(ValueError, match="ci_alpha"):
        lr_critical_value(1.5)


def test_grid_trims_each_regime():
    q = np.array([5, 1, 20, 3, 2] + list(range(6, 20)) + [4], dtype=float)  # 1..20 shuffled
    assert threshold_grid(q, 0.15).tolist() == list(range(3, 18))
    ties = np.array([1.0] * 10 + [2.0] * 10)
    assert threshold_grid(ties, 0.15).tolist() == [1.0]
    with pytest.raises(ValueError, match="trim"):
        threshold_grid(q, 0.6)


@pytest.mark.parametrize("kind", ["rademacher", "normal"])
def test_block_multipliers_have_bartlett_covariance(kind):
    eta = multipliers(np.random.default_rng(10), 4000, 200, 4, kind)
    assert eta.shape == (4000, 200)
    assert eta.var() == pytest.approx(1.0, abs=0.02)
    for lag, expected in ((1, 0.75), (2, 0.5), (4, 0.0)):
        c = np.mean(eta[lag:] * eta[:-lag])
        assert c == pytest.approx(expected, abs=0.02)
    signs = multipliers(np.random.default_rng(10), 50, 3, 1, "rademacher")
    assert set(np.unique(signs)) == {-1.0, 1.0}
    with pytest.raises(ValueError, match="multiplier"):
        multipliers(np.random.default_rng(10), 50, 3, 1, "uniform")  # type: ignore[arg-type]


def test_unordered_and_missing_inputs():
    y, x, q, z = _data(n=200, seed=11)
    y2 = y.copy()
    y2.iloc[[3, 50]] = np.nan
    res = threshold_regression(y2, x, q, z=z, n_boot=0)
    assert res.n == 198
    with pytest.raises(DataError, match="sorted"):
        threshold_regression(y.iloc[::-1], x, q, n_boot=0)
    with pytest.raises(DataError, match="too few"):
        threshold_regression(y.iloc[:8], x, q, n_boot=0)
    with pytest.raises(ValueError, match="n_boot"):
        threshold_regression(y, x, q, n_boot=-1)
