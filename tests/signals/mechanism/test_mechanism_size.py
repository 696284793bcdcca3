"""Size of the mechanism tests on simulated null worlds: a quick smoke run and the full study."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signals.mechanism import simulate_null, size_study
from signals.mechanism.size import TESTS


def _ar1_coef(s: pd.Series) -> float:
    v = s.to_numpy()
    X = np.column_stack([np.ones(len(v) - 1), v[:-1]])
    return float(np.linalg.lstsq(X, v[1:], rcond=None)[0][1])


def test_simulate_null_persistence_and_independence():
    y, x, q = simulate_null(20000, rho_x=0.9, rho_y=0.6, seed=1, rho_q=0.3)
    assert _ar1_coef(x) == pytest.approx(0.9, abs=0.01)
    assert _ar1_coef(y) == pytest.approx(0.6, abs=0.015)
    assert _ar1_coef(q) == pytest.approx(0.3, abs=0.015)
    assert abs(np.corrcoef(np.diff(y), np.diff(x))[0, 1]) < 0.03
    assert isinstance(y.index, pd.DatetimeIndex) and y.index.name == "date"
    a = simulate_null(50, rho_x=0.5, rho_y=0.5, seed=3)
    b = simulate_null(50, rho_x=0.5, rho_y=0.5, seed=3)
    pd.testing.assert_series_equal(a[0], b[0])
    with pytest.raises(ValueError, match="rho_x"):
        simulate_null(50, rho_x=1.0, rho_y=0.5, seed=3)


def test_size_study_smoke():
    res = size_study(6, 130, 0.9, 0.9, horizon=2, n_boot=49, seed=1)
    t = res.table
    assert list(t.index) == list(TESTS)
    assert (t["n"] <= 6).all() and (t["rejections"] <= t["n"]).all()
    assert ((t["ci_low"] <= t["rate"]) & (t["rate"] <= t["ci_high"])).all()
    assert res.pvalues.shape == (6, len(TESTS))
    finite = res.pvalues.to_numpy()[np.isfinite(res.pvalues.to_numpy())]
    assert ((finite >= 0) & (finite <= 1)).all()
    again = size_study(6, 130, 0.9, 0.9, horizon=2, n_boot=49, seed=1)
    pd.testing.assert_frame_equal(res.pvalues, again.pvalues)
    frame = res.to_frame()
    assert {"test", "rate", "n_obs", "rho_x", "horizon"} <= set(frame.columns)
    assert "lp_nw" in res.summary()


@pytest.mark.slow
@pytest.mark.parametrize(
    "n,rho_x,rho_y",
    [(130, 0.95, 0.9), (130, 0.9, 0.95), (750, 0.95, 0.9), (750, 0.9, 0.95)],
)
def test_size_on_null_worlds(n, rho_x, rho_y):
    # 500 null worlds per setting (seed declared before the run); the size table of the
    # mechanism tests (docs/POWER.md) comes from these calls. Every test must reject at most
    # 8% of null worlds, except the Newey-West rows at n = 130: Newey-West with h + 1 lags
    # over-rejects in samples this short (measured 8.0-8.4% with seed 2026), which is why
    # the lag-augmented errors are the small-sample choice; they are held to 10%.
    res = size_study(500, n, rho_x, rho_y, horizon=4, n_boot=199, seed=2026)
    assert (res.table["n"] >= 475).all()
    limit = pd.Series(0.08, index=res.table.index)
    if n < 200:
        limit[["lp_nw", "state_nw"]] = 0.10
    assert (res.table["rate"] <= limit).all(), res.summary()


@pytest.mark.slow
@pytest.mark.parametrize(
    "n,rho_x,rho_y",
    [(130, 0.92, 0.977), (130, 0.987, 0.977), (130, 0.977, 0.97), (750, 0.965, 0.996)],
)
def test_size_at_the_mirrors_persistence(n, rho_x, rho_y):
    # the AR(1) of the shocks and outcomes estimated on the real mirror's monthly panel
    # (docs/POWER.md) and the declared primary horizon h = 6: the tests the reports use
    # (lag-augmented errors in the main study, Newey-West at n = 750, the threshold test on
    # the one-step change) reject at most 8% of 500 null worlds
    res = size_study(500, n, rho_x, rho_y, horizon=6, n_boot=199, seed=2026)
    assert (res.table["n"] >= 460).all()
    used = ["lp_lag_augmented", "state_lag_augmented", "threshold"]
    used += ["lp_nw", "state_nw"] if n > 200 else []
    assert (res.table.loc[used, "rate"] <= 0.08).all(), res.summary()
