"""Stationary-bootstrap Sharpe interval: closed form in the i.i.d. case, determinism, blocks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from backtests.inference import SharpeCI, auto_block_length, sharpe_ci, sharpe_se_iid
from data.errors import DataError


def _normal(n: int, mu: float, sd: float, seed: int) -> pd.Series:
    idx = pd.bdate_range("2015-01-01", periods=n, name="date")
    return pd.Series(np.random.default_rng(seed).normal(mu, sd, n), index=idx)


def test_lo_closed_form_by_hand():
    # SR 0.1 per period, n = 100: sqrt((1 + 0.005) / 100) = 0.100250
    assert sharpe_se_iid(0.1, 100) == pytest.approx(0.1002497, abs=1e-7)


@pytest.mark.parametrize("data_seed", [1, 2])
def test_bootstrap_se_matches_lo_closed_form_for_iid_normal(data_seed):
    # i.i.d. normal, daily SR 0.05, n = 2000. Tolerance 10%: the bootstrap SD from 1000 reps
    # has ~2.2% Monte Carlo error, and the bootstrap SE of one sample scatters a few percent
    # around the true SE.
    r = _normal(2000, 0.0005, 0.01, data_seed)
    ci = sharpe_ci(r, reps=1000, seed=3)
    sr_daily = r.mean() / r.std()
    lo_se = sharpe_se_iid(sr_daily, 2000) * math.sqrt(252)
    assert ci.se_iid == pytest.approx(lo_se)
    assert ci.se == pytest.approx(lo_se, rel=0.10)
    # the percentile interval is about +-1.96 SE wide around the estimate
    assert ci.upper - ci.lower == pytest.approx(2 * 1.96 * lo_se, rel=0.12)
    assert ci.lower < ci.sharpe < ci.upper
    assert ci.sharpe == pytest.approx(sr_daily * math.sqrt(252))
    assert ci.block_length < 3  # i.i.d. data: short blocks


def test_same_seed_same_interval_and_generator_accepted():
    r = _normal(500, 0.0004, 0.01, 5)
    a = sharpe_ci(r, reps=200, seed=42)
    b = sharpe_ci(r, reps=200, seed=42)
    c = sharpe_ci(r, reps=200, seed=43)
    np.testing.assert_array_equal(a.distribution, b.distribution)
    assert (a.lower, a.upper) == (b.lower, b.upper)
    assert not np.array_equal(a.distribution, c.distribution)
    g1 = sharpe_ci(r, reps=200, seed=np.random.default_rng(9))
    g2 = sharpe_ci(r, reps=200, seed=np.random.default_rng(9))
    np.testing.assert_array_equal(g1.distribution, g2.distribution)


def test_block_length_grows_with_autocorrelation():
    rng = np.random.default_rng(0)
    e = rng.normal(0, 0.01, 3000)
    ar = np.empty_like(e)
    ar[0] = e[0]
    for t in range(1, len(e)):
        ar[t] = 0.6 * ar[t - 1] + e[t]
    b_iid = auto_block_length(e)
    b_ar = auto_block_length(ar)
    assert b_iid >= 1.0
    assert b_ar > 3 * b_iid
    # dependence widens the interval relative to the i.i.d. closed form
    ci = sharpe_ci(pd.Series(ar + 0.0003), reps=400, seed=1)
    assert ci.block_length == pytest.approx(b_ar)
    assert ci.se > 1.3 * ci.se_iid


def test_levels_nest_and_bca_runs():
    r = _normal(800, 0.0005, 0.01, 8)
    wide = sharpe_ci(r, reps=300, seed=1, level=0.99)
    narrow = sharpe_ci(r, reps=300, seed=1, level=0.80)
    assert wide.lower < narrow.lower < narrow.upper < wide.upper
    bca = sharpe_ci(r, reps=300, seed=1, method="bca")
    pct = sharpe_ci(r, reps=300, seed=1)
    # symmetric, nearly unbiased case: BCa moves the bounds only a little
    assert bca.lower == pytest.approx(pct.lower, abs=0.25 * pct.se)
    assert bca.upper == pytest.approx(pct.upper, abs=0.25 * pct.se)
    assert isinstance(bca, SharpeCI) and "bca" in str(bca)
    fixed = sharpe_ci(r, reps=300, seed=1, block_length=5)
    assert fixed.block_length == 5.0 and fixed.interval == (fixed.lower, fixed.upper)


def test_validation_names_the_parameter():
    r = _normal(100, 0.0, 0.01, 1)
    with pytest.raises(ValueError, match="`reps`"):
        sharpe_ci(r, reps=0)
    with pytest.raises(ValueError, match="`level`"):
        sharpe_ci(r, level=1.5)
    with pytest.raises(ValueError, match="`block_length`"):
        sharpe_ci(r, block_length=0.5)
    with pytest.raises(ValueError, match="`method`"):
        sharpe_ci(r, method="studentized")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`seed`"):
        sharpe_ci(r, seed="abc")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="constant"):
        sharpe_ci(pd.Series(np.full(50, 0.001)))
    with pytest.raises(DataError, match="at least 10"):
        sharpe_ci(pd.Series([0.01, -0.01, 0.02]))


@pytest.mark.slow
def test_coverage_of_the_true_sharpe_in_the_iid_case():
    # 200 samples of n = 500 i.i.d. normal returns with true annual Sharpe 0.05*sqrt(252);
    # the 90% interval should cover it in ~90% of samples: binomial SD 2.1%, allow 4 SD.
    true = 0.05 * math.sqrt(252)
    hits = 0
    for s in range(200):
        r = _normal(500, 0.0005, 0.01, 1000 + s)
        ci = sharpe_ci(r, reps=300, seed=s, level=0.90)
        hits += ci.lower <= true <= ci.upper
    assert 0.815 <= hits / 200 <= 0.985
