"""The nested predictive regression: Frisch-Waugh by hand, a signal that adds, one that does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signals import nested_regression


def _data(n=3000, seed=1, c=0.0):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2000-01-03", periods=n)
    x = pd.Series(rng.normal(size=n), index=idx)
    e = 0.6 * x + 0.8 * pd.Series(rng.normal(size=n), index=idx)  # correlated with x
    r = 0.002 * x.shift(1) + c * e.shift(1) + pd.Series(rng.normal(0, 0.01, n), index=idx)
    return r.fillna(0.0), x, e


def test_slope_equals_frisch_waugh_by_hand():
    r, x, e = _data(n=500, c=0.001)
    h = 5
    res = nested_regression(r, x, e, horizon=h)
    # by hand: standardize, forward sums, residualize y and e on (1, x), slope of residuals
    zx = ((x - x.mean()) / x.std()).to_numpy()
    ze = ((e - e.mean()) / e.std()).to_numpy()
    rv = r.to_numpy()
    m = len(rv) - h
    y = np.array([rv[t + 1 : t + h + 1].sum() for t in range(m)])
    A = np.column_stack([np.ones(m), zx[:m]])
    res_y = y - A @ np.linalg.lstsq(A, y, rcond=None)[0]
    res_e = ze[:m] - A @ np.linalg.lstsq(A, ze[:m], rcond=None)[0]
    assert res.beta_extra == pytest.approx(float(res_e @ res_y / (res_e @ res_e)), rel=1e-9)
    assert res.n == m and res.n_nonoverlap == len(range(0, m, h))
    assert res.correlation == pytest.approx(float(np.corrcoef(x, e)[0, 1]), rel=1e-9)


def test_a_signal_that_adds_and_one_that_does_not():
    r, x, e = _data(c=0.003)
    adds = nested_regression(r, x, e, horizon=1)
    assert adds.tstat_extra_nw > 4 and adds.tstat_extra_nonoverlap > 4
    r0, x0, e0 = _data(c=0.0, seed=2)
    none = nested_regression(r0, x0, e0, horizon=1)
    assert abs(none.tstat_extra_nw) < 3 and none.tstat_base_nw > 3
    d = none.to_dict()
    assert set(d) >= {"beta_extra", "tstat_extra_nw", "tstat_extra_nonoverlap", "horizon"}


def test_short_or_constant_input_gives_nan():
    r, x, e = _data(n=8)
    assert np.isnan(nested_regression(r, x, e, horizon=1).beta_extra)
    r, x, e = _data(n=100)
    res = nested_regression(r, x, pd.Series(1.0, index=e.index), horizon=1)
    assert np.isnan(res.tstat_extra_nw) and res.to_dict()["tstat_extra_nw"] is None
    with pytest.raises(ValueError, match="horizon"):
        nested_regression(r, x, e, horizon=0)
