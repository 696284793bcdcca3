"""Deflating a sweep: default spec and in-sample best, distinct-trial variance, effective N."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from backtests.inference import (
    DeflatedTrials,
    count_trials,
    deflate_sweep,
    deflated_sharpe,
    expected_max_sharpe,
)
from data.errors import DataError, LookAheadError


def _sweep(t: int = 750, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2019-01-01", periods=t, name="date")
    common = rng.normal(0.0003, 0.01, (t, 1))
    x = common + rng.normal(0, 0.006, (t, 12)) + np.linspace(0, 0.0006, 12)
    f = pd.DataFrame(x, index=idx, columns=[f"s{j}" for j in range(12)])
    # tilt ignores `threshold`: bit-identical copies of three trials
    for j in (0, 1, 11):
        f[f"s{j}_copy"] = f[f"s{j}"]
    return f


def _dsr_by_hand(r: np.ndarray, trial_sr: np.ndarray, n: float) -> float:
    sr = r.mean() / r.std(ddof=1)
    v = trial_sr.var(ddof=1)
    g = 0.5772156649015329
    z = (1 - g) * stats.norm.ppf(1 - 1 / n) + g * stats.norm.ppf(1 - 1 / (n * math.e))
    sr0 = math.sqrt(v) * z
    skew = stats.skew(r)
    kurt = stats.kurtosis(r, fisher=False)
    t = len(r)
    return stats.norm.cdf(
        (sr - sr0) * math.sqrt(t - 1) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr**2)
    )


def test_best_and_default_deflated_with_distinct_variance_and_effective_count():
    f = _sweep()
    res = deflate_sweep(f, default="s3")
    assert isinstance(res, DeflatedTrials)
    tc = count_trials(f)
    assert res.trials == tc and tc.raw == 15 and tc.distinct == 12
    distinct = f[[f"s{j}" for j in range(12)]]
    sr = (distinct.mean() / distinct.std()).to_numpy()
    # variance from the 12 distinct trials, not the 15 raw ones
    assert res.var_trials == pytest.approx(sr.var(ddof=1))
    assert res.var_trials != pytest.approx((f.mean() / f.std()).var(ddof=1), rel=1e-6)
    assert res.n_trials == pytest.approx(tc.effective)
    assert res.best_name == distinct.columns[np.argmax(sr)]
    best_r = f[res.best_name].to_numpy()
    assert res.best.dsr == pytest.approx(_dsr_by_hand(best_r, sr, tc.effective), rel=1e-9)
    assert res.default.dsr == pytest.approx(
        _dsr_by_hand(f["s3"].to_numpy(), sr, tc.effective), rel=1e-9
    )
    assert res.default_name == "s3"
    m = res.to_metrics()
    assert m["deflated_sharpe_best"] == res.best.dsr
    assert m["deflated_sharpe_default"] == res.default.dsr
    assert m["trials"] == tc.to_metrics()
    assert "best in-sample trial" in res.summary() and "default spec s3" in res.summary()


def test_raw_count_is_a_higher_hurdle_than_effective():
    f = _sweep(seed=1)
    eff = deflate_sweep(f)
    raw = deflate_sweep(f, n_trials=eff.trials.raw)
    assert eff.n_trials < raw.n_trials == 15
    assert raw.best.sr0 > eff.best.sr0
    assert raw.best.dsr < eff.best.dsr
    assert eff.default is None and eff.to_metrics()["deflated_sharpe_default"] is None


def test_default_as_series_and_errors():
    f = _sweep(seed=2)
    s = f["s5"] * 1.0
    by_series = deflate_sweep(f, default=s)
    by_name = deflate_sweep(f, default="s5")
    assert by_series.default.dsr == pytest.approx(by_name.default.dsr)
    assert by_series.default_name is None
    with pytest.raises(DataError, match="not a trial column"):
        deflate_sweep(f, default="nope")
    with pytest.raises(LookAheadError):
        deflate_sweep(f, oos_start=f.index[100])
    with pytest.raises(ValueError, match="`n_trials`"):
        deflate_sweep(f, n_trials=0.5)


def test_expected_max_accepts_effective_counts():
    assert expected_max_sharpe(10.0, 1.0) == expected_max_sharpe(10, 1.0)
    assert (
        expected_max_sharpe(10, 1.0) < expected_max_sharpe(10.5, 1.0) < expected_max_sharpe(11, 1.0)
    )
    # the approximation is negative just above one trial: floored at zero
    assert expected_max_sharpe(1.1, 1.0) == 0.0
    assert expected_max_sharpe(1.0, 1.0) == 0.0
    with pytest.raises(ValueError, match="`n_trials`"):
        expected_max_sharpe(True, 1.0)
    r = _sweep()["s4"]
    d = deflated_sharpe(r, np.array([0.1, 0.5, 0.9]), n_trials=2.7)
    assert d.n_trials == 2.7
    assert "2.7 trials" in d.summary()
    big = deflated_sharpe(r, np.array([0.1, 0.5, 0.9]), n_trials=10044)
    assert "10044 trials" in big.summary()
