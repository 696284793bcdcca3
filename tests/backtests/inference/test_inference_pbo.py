"""CSCV probability of backtest overfitting: a case done by hand, noise, a real edge."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from backtests.inference import PBOResult, pbo
from backtests.inference.pbo import n_combinations
from data.errors import DataError, LookAheadError


def _frame(values, start="2020-01-01") -> pd.DataFrame:
    v = np.asarray(values, dtype=float)
    idx = pd.bdate_range(start, periods=v.shape[0], name="date")
    return pd.DataFrame(v, index=idx, columns=[f"t{i}" for i in range(v.shape[1])])


def test_hand_computed_s4_three_trials():
    # S = 4 blocks of one row, 3 trials, metric "mean" (rank by the sum over two rows):
    #   A = [2, 2, -1, 3]   B = [-2, -2, 0, 0]   C = [-3, 2, 3, -2]
    # IS rows | IS sums (A, B, C) | pick | OOS sums (A, B, C) | OOS rank of pick | omega
    # (0,1)   |  4, -4, -1        |  A   |  2,  0,  1          | 3                | 3/4
    # (0,2)   |  1, -2,  0        |  A   |  5, -2,  0          | 3                | 3/4
    # (0,3)   |  5, -2, -5        |  A   |  1, -2,  5          | 2                | 2/4
    # (1,2)   |  1, -2,  5        |  C   |  5, -2, -5          | 1                | 1/4
    # (1,3)   |  5, -2,  0        |  A   |  1, -2,  0          | 3                | 3/4
    # (2,3)   |  2,  0,  1        |  A   |  4, -4, -1          | 3                | 3/4
    # lambda = log(omega / (1 - omega)): log 3 four times, 0 once, -log 3 once -> PBO = 2/6.
    A, B, C = [2, 2, -1, 3], [-2, -2, 0, 0], [-3, 2, 3, -2]
    f = _frame(np.array([A, B, C]).T * 0.01)
    res = pbo(f, n_splits=4, metric="mean")
    l3 = math.log(3.0)
    np.testing.assert_allclose(res.lambdas, [l3, l3, 0.0, -l3, l3, l3], atol=1e-12)
    assert res.pbo == pytest.approx(2 / 6)
    np.testing.assert_array_equal(res.selected, [0, 0, 0, 2, 0, 0])
    is_mean = np.array([4, 1, 5, 5, 5, 2]) / 2 * 0.01
    oos_mean = np.array([2, 5, 1, -5, 1, 4]) / 2 * 0.01
    np.testing.assert_allclose(res.is_metric, is_mean)
    np.testing.assert_allclose(res.oos_metric, oos_mean)
    assert res.prob_loss == pytest.approx(1 / 6)  # only split (1,2) loses out of sample
    slope = np.cov(is_mean, oos_mean, ddof=1)[0, 1] / np.var(is_mean, ddof=1)
    assert res.degradation_slope == pytest.approx(slope)
    assert (res.n_combinations, res.n_trials, res.block_size) == (6, 3, 1)


def test_s2_two_splits_by_hand():
    # two blocks of two rows; trial 0 wins the first half and loses the second, trial 1 the
    # reverse, trial 2 is middling: each in-sample winner ranks last out of sample.
    a = [0.02, 0.01, -0.01, -0.02]
    b = [-0.02, -0.01, 0.01, 0.03]
    c = [0.00, 0.001, 0.00, 0.001]
    res = pbo(_frame(np.array([a, b, c]).T), n_splits=2, metric="mean")
    assert res.n_combinations == 2
    np.testing.assert_allclose(res.lambdas, [math.log(1 / 3)] * 2)
    assert res.pbo == 1.0 and res.prob_loss == 1.0


def test_pure_noise_gives_pbo_near_one_half():
    # 40 independent noise sweeps of 20 trials: E[PBO] = 1/2 exactly (even N, no ties).
    # One sweep's PBO scatters with SD ~0.16 (splits overlap), so the mean of 40 has
    # SD ~0.026; tolerance 0.1 (~4 SD).
    rng = np.random.default_rng(7)
    values = [pbo(_frame(rng.normal(0, 0.01, (400, 20))), n_splits=10).pbo for _ in range(40)]
    assert np.mean(values) == pytest.approx(0.5, abs=0.1)


def test_a_real_edge_among_noise_gives_pbo_near_zero():
    rng = np.random.default_rng(8)
    x = rng.normal(0, 0.01, (1000, 20))
    x[:, 5] += 0.002  # daily Sharpe 0.2: found in-sample and out-of-sample alike
    res = pbo(_frame(x), n_splits=10)
    assert isinstance(res, PBOResult)
    assert res.pbo < 0.05
    assert np.mean(res.selected == 5) > 0.95
    assert res.prob_loss < 0.05
    assert "PBO" in str(res)


def test_total_return_metric_and_remainder_rows():
    rng = np.random.default_rng(1)
    x = rng.normal(0.0005, 0.01, (103, 4))
    res = pbo(_frame(x), n_splits=4, metric="total_return")
    # 103 rows -> the first 3 are dropped, 4 blocks of 25
    assert res.block_size == 25
    blocks = x[3:].reshape(4, 25, 4)
    first_is = np.concatenate([blocks[0], blocks[1]])  # combination (0, 1)
    total = np.prod(1 + first_is, axis=0) - 1
    assert res.is_metric[0] == pytest.approx(total.max())


def test_constant_trial_never_wins_with_sharpe():
    rng = np.random.default_rng(2)
    x = rng.normal(0, 0.01, (200, 3))
    x[:, 1] = 0.0  # zero variance: Sharpe undefined, ranks below everything
    res = pbo(_frame(x), n_splits=4)
    assert not np.any(res.selected == 1)


def test_validation_and_look_ahead():
    f = _frame(np.random.default_rng(0).normal(0, 0.01, (50, 3)))
    with pytest.raises(ValueError, match="`n_splits` must be even"):
        pbo(f, n_splits=5)
    with pytest.raises(ValueError, match="`n_splits`"):
        pbo(f, n_splits=60)
    with pytest.raises(ValueError, match="`metric`"):
        pbo(f, metric="sortino")  # type: ignore[arg-type]
    g = f.copy()
    g.iloc[7, 2] = np.nan
    with pytest.raises(DataError, match="row 2020-01-10: trial `t2` holds nan"):
        pbo(g, n_splits=4)
    with pytest.raises(DataError, match="at least 2 trials"):
        pbo(f[["t0"]], n_splits=4)
    with pytest.raises(LookAheadError):
        pbo(f, n_splits=4, oos_start=f.index[40])
    assert n_combinations(16) == 12870
