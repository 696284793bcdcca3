"""Deflated Sharpe: the paper's numerical example, Monte Carlo E[max], PSR by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from backtests.inference import (
    DeflatedSharpe,
    deflated_sharpe,
    expected_max_sharpe,
    probabilistic_sharpe,
)
from data.errors import DataError, LookAheadError


def test_paper_numerical_example():
    # Bailey & Lopez de Prado (2014), "The Deflated Sharpe Ratio", JPM 40(5), numerical
    # example: N = 100 trials with annualized Sharpe variance 1/2, 250 days a year, the
    # selected strategy has annualized SR 2.5 over T = 1250 days, skew -3, kurtosis 10.
    # The paper reports SR0 = 0.1132 (per day) and DSR = 0.9004.
    sr0 = expected_max_sharpe(100, 0.5 / 250)
    assert sr0 == pytest.approx(0.1132, abs=5e-5)
    dsr = probabilistic_sharpe(2.5 / math.sqrt(250), sr0, 1250, -3.0, 10.0)
    assert dsr == pytest.approx(0.9004, abs=5e-4)


def test_psr_hand_case():
    # skew 0, kurt 1 (a symmetric coin flip): the variance term is exactly 1, so
    # z = sr sqrt(n - 1) = 0.1959964 * 10 = 1.959964 and PSR = 0.975.
    assert probabilistic_sharpe(0.1959964, 0.0, 101, 0.0, 1.0) == pytest.approx(0.975, abs=1e-6)
    # at the benchmark itself the probability is one half, whatever the moments
    assert probabilistic_sharpe(0.08, 0.08, 500, -1.0, 7.0) == pytest.approx(0.5)
    # negative skew and fat tails widen the Sharpe's error: PSR falls toward 1/2
    normal = probabilistic_sharpe(0.1, 0.0, 250, 0.0, 3.0)
    fat = probabilistic_sharpe(0.1, 0.0, 250, -2.0, 12.0)
    assert 0.5 < fat < normal


def test_expected_max_matches_monte_carlo_of_sharpe_ratios():
    # Independent check in the units used: 20 skill-less strategies of T = 250 i.i.d.
    # normal days; per-day Sharpe estimates have variance ~ 1/T. The closed form
    # overstates the exact E[max of 20 normals] by 1.8%; allow 5% (MC SE ~ 0.5%).
    rng = np.random.default_rng(2024)
    T, N, reps = 250, 20, 2000
    x = rng.standard_normal((reps, T, N))
    sr = x.mean(axis=1) / x.std(axis=1, ddof=1)
    mc = sr.max(axis=1).mean()
    closed = expected_max_sharpe(N, float(sr.var(ddof=1)))
    assert closed == pytest.approx(mc, rel=0.05)


def test_expected_max_edge_cases():
    assert expected_max_sharpe(1, 0.3) == 0.0
    assert expected_max_sharpe(50, 0.0) == 0.0
    assert expected_max_sharpe(10, 1.0) < expected_max_sharpe(100, 1.0)
    with pytest.raises(ValueError, match="`n_trials`"):
        expected_max_sharpe(0, 1.0)
    with pytest.raises(ValueError, match="`var_trials`"):
        expected_max_sharpe(10, -1.0)


def _returns(n: int = 1000, seed: int = 0) -> pd.Series:
    idx = pd.bdate_range("2016-01-01", periods=n, name="date")
    rng = np.random.default_rng(seed)
    return pd.Series(rng.standard_t(5, n) * 0.006 + 0.0006, index=idx)


def test_deflated_sharpe_from_returns_is_psr_against_expected_max():
    r = _returns()
    trials_ann = np.array([0.2, 0.5, -0.1, 0.9, 0.3, 1.1, 0.0, 0.4])
    d = deflated_sharpe(r, trials_ann)
    x = r.to_numpy()
    m = x.mean()
    # moments by hand: biased skewness and non-excess kurtosis
    m2, m3, m4 = ((x - m) ** 2).mean(), ((x - m) ** 3).mean(), ((x - m) ** 4).mean()
    skew, kurt = m3 / m2**1.5, m4 / m2**2
    sr = m / x.std(ddof=1)
    var = np.var(trials_ann / math.sqrt(252), ddof=1)
    sr0 = expected_max_sharpe(8, var)
    assert isinstance(d, DeflatedSharpe)
    assert (d.skew, d.kurt) == (pytest.approx(skew), pytest.approx(kurt))
    assert d.sr0 == pytest.approx(sr0) and d.sr0_ann == pytest.approx(sr0 * math.sqrt(252))
    assert d.dsr == pytest.approx(probabilistic_sharpe(sr, sr0, 1000, skew, kurt))
    assert d.psr == pytest.approx(probabilistic_sharpe(sr, 0.0, 1000, skew, kurt))
    assert d.dsr < d.psr
    # units: the same trials given per period give the same answer
    d2 = deflated_sharpe(r, trials_ann / math.sqrt(252), trial_units="period")
    assert d2.dsr == pytest.approx(d.dsr)
    assert "DSR" in str(d)


def test_more_trials_deflate_more_and_one_trial_does_not():
    r = _returns(seed=3)
    trials = np.linspace(-0.5, 1.5, 9)
    dsr = [deflated_sharpe(r, trials, n_trials=n).dsr for n in (1, 10, 100, 1000)]
    assert dsr[0] == pytest.approx(deflated_sharpe(r, trials).psr)
    assert dsr == sorted(dsr, reverse=True) and dsr[-1] < dsr[0]


def test_nan_trials_are_dropped():
    r = _returns(seed=4)
    a = deflated_sharpe(r, [0.1, np.nan, 0.5, 0.9])
    b = deflated_sharpe(r, [0.1, 0.5, 0.9])
    assert a.n_trials == 3 and a.dsr == pytest.approx(b.dsr)


def test_validation_and_look_ahead():
    r = _returns(n=300)
    with pytest.raises(DataError, match="trial_sharpes"):
        deflated_sharpe(r, [0.5])
    with pytest.raises(ValueError, match="`trial_units`"):
        deflated_sharpe(r, [0.5, 0.6], trial_units="daily")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kurt"):
        probabilistic_sharpe(0.5, 0.0, 100, 0.0, -3.0)
    with pytest.raises(ValueError, match="excess kurtosis"):
        probabilistic_sharpe(0.1, 0.0, 100, 0.0, 0.0)  # excess kurtosis of a normal passed
    with pytest.raises(ValueError, match="`n`"):
        probabilistic_sharpe(0.1, 0.0, 1, 0.0, 3.0)
    with pytest.raises(LookAheadError, match="oos_start"):
        deflated_sharpe(r, [0.1, 0.2], oos_start=r.index[200])
    ok = deflated_sharpe(r.loc[: r.index[199]], [0.1, 0.2], oos_start=r.index[200])
    assert ok.n == 200
    assert stats.norm.cdf(0) == 0.5  # sanity of the reference used above
