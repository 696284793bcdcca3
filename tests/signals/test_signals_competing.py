"""Competing explanations: the spread's trend, the rates rule and the nested regression."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from data.errors import DataError
from signals.competing import nested_given_rival, rates_rule, spread_trend
from signals.forecast import forward_target


def test_spread_trend_is_the_12_1_sum_known_at_t():
    rng = np.random.default_rng(2)
    idx = pd.bdate_range("2018-01-01", periods=600)
    r = pd.Series(rng.normal(0, 0.01, 600), index=idx)
    tr = spread_trend(r)
    v = r.to_numpy()
    for t in (251, 400, 599):
        # returns earned from close t-252 to close t-21: r[t-251] .. r[t-21]
        assert tr.iloc[t] == pytest.approx(v[t - 251 : t - 20].sum(), rel=1e-12)
    assert tr.iloc[:251].isna().all()
    # the future (and the last `skip` days) do not move it
    r2 = r.copy()
    r2.iloc[400 - 20 :] += 1.0
    pd.testing.assert_series_equal(spread_trend(r2).iloc[:401], tr.iloc[:401])
    with pytest.raises(ValueError, match="lookback"):
        spread_trend(r, lookback=21, skip=21)


def test_rates_rule_reads_each_yield_from_the_next_business_day():
    obs = pd.bdate_range("2024-01-01", periods=6)  # Mon 1 .. Mon 8
    y = pd.Series([4.0, 4.1, np.nan, 4.3, 4.2, 4.6], index=obs)
    rule = rates_rule(y, window=2)
    # released the next business day: known on Tue 2: 4.0 (Mon 1); Wed 3: 4.1 (Tue 2);
    # Thu 4: 4.1 (Wed 3 is missing); Fri 5: 4.3 (Thu 4); Mon 8: 4.2 (Fri 5); Tue 9: 4.6
    assert rule.index[0] == pd.Timestamp("2024-01-02")
    assert rule.index[-1] == pd.Timestamp("2024-01-09")
    known = [4.0, 4.1, 4.1, 4.3, 4.2, 4.6]
    expected = [np.nan, np.nan] + [known[i] - known[i - 2] for i in range(2, 6)]
    np.testing.assert_allclose(rule.to_numpy(), expected, atol=1e-12)
    # an observation dated t does not move the rule at t
    y2 = y.copy()
    y2.loc["2024-01-04"] = 9.0
    pd.testing.assert_series_equal(
        rates_rule(y2, window=2).loc[:"2024-01-04"], rule.loc[:"2024-01-04"]
    )
    # already point-in-time input: only the change
    pit = pd.Series([1.0, 2.0, 4.0], index=obs[:3])
    assert rates_rule(pit, window=1, release_lag=None).tolist()[1:] == [1.0, 2.0]
    with pytest.raises(ValueError, match="window"):
        rates_rule(y, window=0)
    with pytest.raises(DataError, match="dgs10"):
        rates_rule(y * np.nan)


def _hac_t(X: np.ndarray, y: np.ndarray, lags: int) -> np.ndarray:
    """Newey–West t-statistics by hand (Bartlett, no small-sample correction)."""
    n = len(y)
    xtx_inv = np.linalg.inv(X.T @ X)
    b = xtx_inv @ X.T @ y
    u = (y - X @ b)[:, None] * X
    s = u.T @ u
    for j in range(1, lags + 1):
        g = u[j:].T @ u[:-j]
        s += (1 - j / (lags + 1)) * (g + g.T)
    cov = xtx_inv @ s @ xtx_inv
    assert n > 0
    return b / np.sqrt(np.diag(cov))


def test_nested_given_rival_slopes_and_hac_t_by_hand():
    rng = np.random.default_rng(5)
    n, h = 1500, 10
    idx = pd.bdate_range("2010-01-01", periods=n)
    rival = pd.Series(rng.normal(size=n), index=idx, name="trend")
    factor = 0.7 * rival + 0.7 * pd.Series(rng.normal(size=n), index=idx)
    # the spread answers to the rival only; the factor merely correlates with it
    r = 0.01 * rival.shift(1).fillna(0.0) + pd.Series(rng.normal(0, 0.01, n), index=idx)
    target = forward_target(r, h)
    out = nested_given_rival(target, factor, rival, horizon=h)
    assert set(out) == {
        "rival", "horizon", "beta_factor", "t_factor", "beta_rival", "t_rival", "n"
    }  # fmt: skip
    assert out["rival"] == "trend" and out["horizon"] == h and out["n"] == n - h
    m = n - h
    X = np.column_stack([np.ones(m), factor.to_numpy()[:m], rival.to_numpy()[:m]])
    t_hand = _hac_t(X, target.to_numpy()[:m], h)
    beta = np.linalg.lstsq(X, target.to_numpy()[:m], rcond=None)[0]
    assert out["beta_factor"] == pytest.approx(beta[1], rel=1e-9)
    assert out["beta_rival"] == pytest.approx(beta[2], rel=1e-9)
    assert out["t_factor"] == pytest.approx(t_hand[1], rel=1e-8)
    assert out["t_rival"] == pytest.approx(t_hand[2], rel=1e-8)
    assert out["t_rival"] > 4 and abs(out["t_factor"]) < 3


def test_nested_given_rival_short_sample_gives_nan():
    idx = pd.bdate_range("2024-01-01", periods=8)
    s = pd.Series(np.arange(8.0), index=idx)
    out = nested_given_rival(s, s, s * s, horizon=2, rival_name="sq")
    assert out["rival"] == "sq" and out["n"] == 8 and math.isnan(out["t_factor"])
