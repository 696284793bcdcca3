"""State-dependent local projections: planted slopes by state, subsample twins, the state."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import OLS

from data.errors import DataError
from signals.mechanism import below_expanding_median, state_local_projection


def _idx(n):
    return pd.date_range("2005-01-07", periods=n, freq="W-FRI", name="date")


def _planted(n=3000, slope_exh=1.0, slope_slack=0.2, seed=0):
    """Δy_t = a_s + slope_s x_t + e_t with a persistent two-state Markov state."""
    rng = np.random.default_rng(seed)
    state = np.empty(n, dtype=bool)
    state[0] = True
    for t in range(1, n):
        state[t] = state[t - 1] if rng.random() < 0.95 else not state[t - 1]
    x = rng.standard_normal(n)
    dy = np.where(state, 0.3 + slope_exh * x, -0.1 + slope_slack * x) + rng.standard_normal(n)
    idx = _idx(n)
    return (
        pd.Series(np.cumsum(dy), idx, name="y"),
        pd.Series(x, idx, name="x"),
        pd.Series(state, idx, name="state"),
    )


@pytest.mark.parametrize("errors", ["nw", "lag_augmented"])
def test_recovers_planted_slopes_and_rejects_equality(errors):
    y, x, s = _planted()
    res = state_local_projection(y, x, s, horizons=2, lags=1, errors=errors)
    assert res.at(0, "exhausted")["beta"] == pytest.approx(1.0, abs=0.08)
    assert res.at(0, "slack")["beta"] == pytest.approx(0.2, abs=0.08)
    assert res.diff_pvalue(0) < 1e-6
    assert res.diff.loc[0, "diff"] == pytest.approx(0.8, abs=0.12)
    n = res.exhausted.loc[0, "n"] + res.slack.loc[0, "n"]
    assert n == len(y) - 2  # one lag of Δy needs two earlier levels


def test_equal_slopes_do_not_reject():
    y, x, s = _planted(slope_exh=0.5, slope_slack=0.5, seed=1)
    res = state_local_projection(y, x, s, horizons=3, lags=1)
    assert res.at(0, "exhausted")["beta"] == pytest.approx(0.5, abs=0.08)
    assert res.at(0, "slack")["beta"] == pytest.approx(0.5, abs=0.08)
    assert res.diff_pvalue(0) > 0.05
    assert (res.diff["pvalue"] > 0.01).all()


def test_state_slopes_equal_separate_subsample_regressions():
    # full interaction = one regression per state on the same design rows
    y, x, s = _planted(n=600, seed=2)
    h, lags = 2, 2
    res = state_local_projection(y, x, s, horizons=h, lags=lags, errors="lag_augmented")
    yv, xv, sv = y.to_numpy(), x.to_numpy(), s.to_numpy()
    rows, out, st = [], [], []
    for t in range(lags + 1, len(yv) - h):
        reg = [1.0, xv[t]]
        for j in range(1, lags + 1):
            reg += [yv[t - j] - yv[t - j - 1], xv[t - j]]
        rows.append(reg)
        out.append(yv[t + h] - yv[t - 1])
        st.append(sv[t])
    X, out, st = np.array(rows), np.array(out), np.array(st)
    for state, mask in (("exhausted", st), ("slack", ~st)):
        coef = np.linalg.lstsq(X[mask], out[mask], rcond=None)[0]
        assert res.at(h, state)["beta"] == pytest.approx(coef[1], rel=1e-9)
        assert res.at(h, state)["n"] == mask.sum()
        # HC3 of the joint regression = HC3 of the subsample (block-diagonal design)
        hc3 = OLS(out[mask], X[mask]).fit(cov_type="HC3")
        assert res.at(h, state)["se"] == pytest.approx(hc3.bse[1], rel=1e-8)


def test_diff_wald_matches_two_t_statistics_when_covariance_is_block_diagonal():
    # HC1: the two states' coefficients share no rows, so their covariance is zero and the
    # Wald statistic is diff^2 / (se_e^2 + se_s^2)
    y, x, s = _planted(n=800, seed=3)
    res = state_local_projection(y, x, s, horizons=1, lags=1, errors="lag_augmented")
    for h in (0, 1):
        se_e, se_s = res.at(h, "exhausted")["se"], res.at(h, "slack")["se"]
        diff = res.at(h, "exhausted")["beta"] - res.at(h, "slack")["beta"]
        assert res.diff.loc[h, "wald"] == pytest.approx(diff**2 / (se_e**2 + se_s**2), rel=1e-8)


def test_nan_state_rows_are_dropped_and_too_few_rows_give_nan():
    y, x, s = _planted(n=400, seed=4)
    s_nan = s.astype(float)
    s_nan.iloc[:50] = np.nan
    res = state_local_projection(y, x, s_nan, horizons=0, lags=1)
    full = state_local_projection(y, x, s, horizons=0, lags=1)
    n_cut = res.exhausted.loc[0, "n"] + res.slack.loc[0, "n"]
    n_full = full.exhausted.loc[0, "n"] + full.slack.loc[0, "n"]
    assert n_full - n_cut == 48  # rows t = 2..49 lose their state
    one_state = pd.Series(True, index=y.index)
    res1 = state_local_projection(y, x, one_state, horizons=0, lags=1)
    assert np.isnan(res1.at(0, "exhausted")["beta"]) and np.isnan(res1.diff_pvalue(0))
    assert res1.slack.loc[0, "n"] == 0


def test_bad_state_raises():
    y, x, s = _planted(n=100)
    with pytest.raises(DataError, match="True/False"):
        state_local_projection(y, x, s.astype(float) * 2, horizons=0)
    with pytest.raises(ValueError, match="state"):
        state_local_projection(y, x, s, horizons=0).at(0, "tight")  # type: ignore[arg-type]
    text = state_local_projection(y, x, s, horizons=1).summary()
    assert "exhausted" in text and "slack" in text and "Wald" in text and "HC3" in text
    plain = state_local_projection(y, x, s, horizons=1, errors="lag_augmented", leverage=False)
    assert "HC1" in plain.summary() and not plain.leverage


def test_below_expanding_median_hand_case():
    level = pd.Series([3.0, 1.0, 2.0, 5.0, 0.0, np.nan, 4.0], index=_idx(7))
    # expanding medians: 3, 2, 2, 2.5, 2, (2), 2.5
    got = below_expanding_median(level, min_periods=1)
    assert got.tolist()[:5] == [1.0, 1.0, 1.0, 0.0, 1.0]
    assert np.isnan(got.iloc[5]) and got.iloc[6] == 0.0
    got3 = below_expanding_median(level, min_periods=3)
    assert got3.isna().tolist()[:3] == [True, True, False]


def test_below_expanding_median_uses_no_future():
    rng = np.random.default_rng(5)
    level = pd.Series(np.cumsum(rng.standard_normal(300)), index=_idx(300))
    base = below_expanding_median(level)
    changed = level.copy()
    changed.iloc[150:] = rng.standard_normal(150) * 100
    pert = below_expanding_median(changed)
    pd.testing.assert_series_equal(base.iloc[:150], pert.iloc[:150])
