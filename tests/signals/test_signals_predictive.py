"""Predictive regression on a hand-made series with a planted relation of known sign and size."""

import numpy as np
import pandas as pd
import pytest

from signals import predictive_regression


def planted(n: int = 4000, phi: float = 0.97, slope: float = -0.002, seed: int = 11):
    """A persistent AR(1) factor f and returns r_{t+1} = slope * f_t + noise."""
    rng = np.random.default_rng(seed)
    f = np.zeros(n)
    for i in range(1, n):
        f[i] = phi * f[i - 1] + rng.normal(0, np.sqrt(1 - phi**2))
    r = np.r_[0.0, slope * f[:-1]] + rng.normal(0, 0.01, n)
    idx = pd.bdate_range("2005-01-03", periods=n, name="date")
    return pd.Series(r, index=idx), pd.Series(f, index=idx)


@pytest.mark.parametrize("h", [1, 5, 21])
def test_planted_negative_relation_is_recovered(h):
    phi, slope = 0.97, -0.002
    r, f = planted(phi=phi, slope=slope)
    row = predictive_regression(r, f, (h,)).table.loc[h]
    # E[r_{t+1} + ... + r_{t+h} | f_t] = slope * f_t * (1 + phi + ... + phi^(h-1))
    expected = slope * sum(phi**k for k in range(h))
    assert row["beta"] < 0 and row["tstat_hac"] < -2.0
    assert row["beta"] == pytest.approx(expected, rel=0.35)
    assert row["lags"] >= h
    assert row["n"] == len(r) - h


def test_unrelated_factor_is_not_significant():
    r, _ = planted()
    _, other = planted(seed=99)  # an independent persistent series
    t = predictive_regression(r, other, (5, 21)).table
    assert (t["tstat_hac"].abs() < 3).all()
    assert (t["lags"] >= t.index.to_numpy()).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"horizons": ()}, "at least one horizon"),
        ({"horizons": (5, 0)}, r"`horizons` must all be >= 1, got \(5, 0\)"),
        ({"lags": -1}, "`lags` must be >= 0, got -1"),
    ],
)
def test_predictive_regression_validates(kwargs, match):
    r, f = planted(n=50)
    with pytest.raises(ValueError, match=match):
        predictive_regression(r, f, **kwargs)
