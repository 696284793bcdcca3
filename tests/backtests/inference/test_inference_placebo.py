"""Placebo test: how placebos are built, the p-value formula, power and size on toys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.inference import (
    PlaceboResult,
    placebo_factors,
    placebo_test,
    placebo_test_vectorized,
)
from data.errors import DataError


def _idx(n: int) -> pd.DatetimeIndex:
    return pd.bdate_range("2018-01-01", periods=n, name="date")


def test_circular_shifts_are_rotations_of_at_least_min_shift():
    n = 300
    f = pd.Series(np.arange(n, dtype=float), index=_idx(n))
    frames = placebo_factors(f, reps=200, min_shift=63, seed=1)
    assert frames.shape == (n, 200) and frames.index.equals(f.index)
    for j in frames.columns:
        col = frames[j].to_numpy()
        k = (n - int(col[0])) % n  # the placebo is np.roll(f, k)
        np.testing.assert_array_equal(col, np.roll(f.to_numpy(), k))
        assert 63 <= k <= n - 63  # shifted by at least a quarter either way


def test_warm_up_nan_stays_in_place():
    v = np.r_[np.full(10, np.nan), np.arange(200.0)]
    f = pd.Series(v, index=_idx(210))
    for method in ("circular", "block"):
        frames = placebo_factors(f, reps=20, method=method, block=21, seed=2)
        assert frames.iloc[:10].isna().all().all()
        for j in frames.columns:
            np.testing.assert_array_equal(np.sort(frames[j].to_numpy()[10:]), np.arange(200.0))


def test_block_shuffle_keeps_blocks_whole():
    n, block = 200, 21
    f = pd.Series(np.arange(n, dtype=float), index=_idx(n))
    frames = placebo_factors(f, reps=50, method="block", block=block, seed=3)
    n_blocks = -(-n // block)  # 10 blocks, the last of 11 rows
    for j in frames.columns:
        col = frames[j].to_numpy()
        np.testing.assert_array_equal(np.sort(col), np.arange(n))
        breaks = int((np.diff(col) != 1).sum())
        assert breaks <= n_blocks - 1  # only block boundaries break the sequence
    assert not np.array_equal(frames[0].to_numpy(), f.to_numpy())


def test_pvalue_formula_by_hand():
    # statistic = first value of the factor. Real: 0. Every placebo starts at a shifted
    # value in [63, 237] > 0, so #{placebo >= 0} = reps and p = (1 + reps) / (1 + reps) = 1;
    # the other way round #{placebo <= 0} = 0 and p = 1 / (1 + reps).
    n, reps = 300, 99
    f = pd.Series(np.arange(n, dtype=float), index=_idx(n))
    up = placebo_test(lambda x: float(x.iloc[0]), f, reps=reps, seed=4)
    down = placebo_test(lambda x: float(x.iloc[0]), f, reps=reps, seed=4, alternative="less")
    assert up.pvalue == 1.0
    assert down.pvalue == pytest.approx(1 / 100)
    assert up.statistic == 0.0 and up.n_valid == reps
    assert np.all((up.placebo >= 63) & (up.placebo <= 237))


def _toy_market(n: int, beta: float, seed: int) -> tuple[pd.Series, pd.Series]:
    """A persistent factor and next-day returns loading ``beta`` on it."""
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    f = np.empty(n)
    f[0] = e[0]
    for t in range(1, n):
        f[t] = 0.9 * f[t - 1] + e[t]
    r = np.r_[0.0, beta * f[:-1]] + rng.normal(0, 1.0, n)
    idx = _idx(n)
    return pd.Series(f, index=idx, name="factor"), pd.Series(r, index=idx)


def _corr_stat(r: pd.Series):
    rv = r.to_numpy()[1:]

    def run_many(frame: pd.DataFrame) -> np.ndarray:
        x = frame.to_numpy()[:-1]
        xc = x - x.mean(0)
        rc = rv - rv.mean()
        return (xc * rc[:, None]).sum(0) / np.sqrt((xc**2).sum(0) * (rc**2).sum())

    return run_many


def test_a_factor_that_predicts_is_found_and_loop_equals_vectorized():
    f, r = _toy_market(600, beta=0.3, seed=5)
    run_many = _corr_stat(r)
    vec = placebo_test_vectorized(run_many, f, reps=199, seed=6)
    loop = placebo_test(lambda x: float(run_many(x.to_frame())[0]), f, reps=199, seed=6)
    assert isinstance(vec, PlaceboResult)
    assert vec.pvalue == pytest.approx(1 / 200)  # no placebo reaches the real correlation
    np.testing.assert_allclose(loop.placebo, vec.placebo, rtol=1e-12)
    assert loop.pvalue == vec.pvalue and loop.statistic == pytest.approx(vec.statistic)
    assert vec.zscore > 4
    assert "p=0.005" in str(vec)


def test_size_under_the_null_is_about_nominal():
    # 200 independent null worlds (factor unrelated to returns), 99 circular placebos each:
    # the p-value is uniform on {1/100, ..., 1}, so P(p <= 0.10) = 0.10. Binomial SD over
    # 200 worlds is 0.021; allow [0.04, 0.17].
    rejections = 0
    for s in range(200):
        f, r = _toy_market(300, beta=0.0, seed=100 + s)
        res = placebo_test_vectorized(_corr_stat(r), f, reps=99, seed=s, min_shift=21)
        rejections += res.pvalue <= 0.10
    assert 0.04 <= rejections / 200 <= 0.17


def test_same_seed_same_placebos():
    f, _ = _toy_market(200, 0.0, 1)
    a = placebo_factors(f, reps=30, method="block", seed=9)
    b = placebo_factors(f, reps=30, method="block", seed=9)
    c = placebo_factors(f, reps=30, method="block", seed=10)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_nan_placebo_statistics_are_dropped():
    f = pd.Series(np.arange(300.0), index=_idx(300))
    res = placebo_test(
        lambda x: float(x.iloc[0]) if x.iloc[0] < 150 or x.iloc[0] == 0 else np.nan,
        f,
        reps=50,
        seed=1,
        alternative="less",
    )
    assert res.n_valid == int(np.isfinite(res.placebo).sum()) < 50
    assert res.pvalue == pytest.approx(1 / (1 + res.n_valid))


def test_validation_names_the_parameter():
    f = pd.Series(np.arange(100.0), index=_idx(100))
    with pytest.raises(ValueError, match="`min_shift`"):
        placebo_factors(f, min_shift=63)
    with pytest.raises(ValueError, match="`method`"):
        placebo_factors(f, method="random")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`block`"):
        placebo_factors(f, method="block", block=500)
    with pytest.raises(ValueError, match="`reps`"):
        placebo_factors(f, reps=0)
    with pytest.raises(DataError, match="factor"):
        placebo_factors(f.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(DataError, match="real factor"):
        placebo_test(lambda x: float("nan"), f, reps=5, min_shift=10)
    with pytest.raises(DataError, match="statistics for 5 placebos"):
        placebo_test_vectorized(lambda x: np.zeros(1), f, reps=5, min_shift=10)
