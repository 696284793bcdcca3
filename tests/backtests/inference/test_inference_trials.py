"""Trial counts: exact duplicates, effective number against synthetic constructions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.inference import TrialCount, count_trials, effective_trials
from backtests.inference.trials import correlation_eigenvalues
from data.errors import DataError


def _frame(values: np.ndarray, names=None) -> pd.DataFrame:
    idx = pd.bdate_range("2019-01-01", periods=values.shape[0], name="date")
    return pd.DataFrame(values, index=idx, columns=names)


def test_exact_duplicates_are_dropped_and_mapped():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 0.01, (300, 4))
    f = _frame(x, ["a", "b", "c", "d"])
    f["a_dup"] = f["a"]
    f["c_dup"] = f["c"]
    f["c_dup2"] = f["c"]
    zero = np.zeros(300)
    zero_neg = -np.zeros(300)  # -0.0 is the same return as 0.0
    f["flat"] = zero
    f["flat_neg"] = zero_neg
    f["near_a"] = f["a"] + 1e-12  # not bit-identical: kept
    tc = count_trials(f)
    assert isinstance(tc, TrialCount)
    assert tc.raw == 10
    assert tc.distinct == 6
    assert list(tc.kept) == ["a", "b", "c", "d", "flat", "near_a"]
    assert dict(tc.duplicates) == {"a_dup": "a", "c_dup": "c", "c_dup2": "c", "flat_neg": "flat"}
    assert tc.n_constant == 1
    assert tc.to_metrics() == {"raw": 10, "distinct": 6, "effective": tc.effective}
    assert "10 raw, 6 distinct" in tc.summary()


def test_near_identical_trials_count_as_one():
    # 15 trials = one common series + 1% idiosyncratic noise: correlations ~0.9999
    rng = np.random.default_rng(1)
    common = rng.normal(0, 0.01, (1000, 1))
    x = common + 1e-4 * rng.standard_normal((1000, 15))
    tc = count_trials(_frame(x))
    assert tc.distinct == 15
    assert tc.effective == pytest.approx(1.0, abs=0.01)


def test_independent_trials_count_as_k():
    # K independent series: the participation ratio's expectation is K / (1 + (K - 1) / T)
    rng = np.random.default_rng(2)
    t, k = 3000, 20
    tc = count_trials(_frame(rng.standard_normal((t, k))))
    assert tc.effective == pytest.approx(k / (1 + (k - 1) / t), rel=0.02)
    assert tc.effective > 19.5


def test_groups_of_correlated_trials_count_as_groups():
    # 3 uncorrelated factors, 8 near-copies of each: 3 effective trials
    rng = np.random.default_rng(3)
    factors = rng.standard_normal((2000, 3))
    x = np.repeat(factors, 8, axis=1) + 0.01 * rng.standard_normal((2000, 24))
    assert count_trials(_frame(x)).effective == pytest.approx(3.0, abs=0.05)


@pytest.mark.parametrize("shape", [(400, 12), (30, 80)])
def test_participation_ratio_matches_eigenvalues_of_corrcoef(shape):
    # independent computation: eigenvalues of numpy's K x K correlation matrix, both when
    # T > K (K x K path) and T < K (T x T Gram path)
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape) @ rng.standard_normal((shape[1], shape[1]))
    lam = np.linalg.eigvalsh(np.corrcoef(x, rowvar=False))
    assert effective_trials(x) == pytest.approx(lam.sum() ** 2 / (lam**2).sum(), rel=1e-10)
    eig = correlation_eigenvalues(x)
    np.testing.assert_allclose(np.sort(eig), np.sort(np.clip(lam, 0, None)), atol=1e-9)


def test_one_trial_and_constant_trials():
    rng = np.random.default_rng(5)
    one = _frame(rng.normal(size=(50, 1)), ["only"])
    assert count_trials(one).effective == 1.0
    f = _frame(np.column_stack([rng.normal(size=(50, 2)), np.zeros(50), np.full(50, 1e-4)]))
    tc = count_trials(f)
    assert tc.n_constant == 2
    # two uncorrelated-ish series (~2) plus one for the constant ones together
    assert 2.5 < tc.effective <= 3.0


def test_invalid_input():
    f = _frame(np.ones((10, 2)))
    f.iloc[3, 1] = np.nan
    with pytest.raises(DataError, match="trials"):
        count_trials(f)
    with pytest.raises(ValueError, match="`method`"):
        count_trials(_frame(np.random.default_rng(0).normal(size=(10, 2))), method="pca")
