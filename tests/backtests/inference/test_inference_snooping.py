"""SPA and StepM: the vectorized engine against arch.bootstrap.SPA / StepM themselves."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from arch.bootstrap import SPA, StepM

from backtests.inference import (
    DataSnooping,
    SPAResult,
    StepMResult,
    data_snooping,
    snooping_block_length,
    spa_test,
    stepm_test,
)
from backtests.inference.snooping import (
    active_matrix,
    bootstrap_indices,
    bootstrap_means,
    spa_variances,
)
from data.errors import DataError, LookAheadError

REPO = Path(__file__).resolve().parents[3]


def _sweep(t: int = 600, k: int = 50, top: float = 0.0008, seed: int = 0):
    """Variants share a factor with the benchmark; drifts from -4 bp to ``top`` a day."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2019-01-01", periods=t, name="date")
    f = rng.normal(0.0003, 0.01, t)
    bench = pd.Series(f + rng.normal(0, 0.003, t), index=idx)
    drift = np.linspace(-0.0004, top, k)
    e = rng.normal(0, 0.004, (t, k))
    e[1:] += 0.3 * e[:-1]  # some serial dependence
    trials = pd.DataFrame(f[:, None] + e + drift, index=idx, columns=[f"v{j}" for j in range(k)])
    return trials, bench


@pytest.mark.parametrize(("top", "seed"), [(0.0008, 1), (0.0003, 2), (0.0001, 3), (0.0, 4)])
def test_fast_engine_reproduces_arch_exactly(top, seed):
    trials, bench = _sweep(top=top, seed=seed)
    kw = {"reps": 400, "block_length": 3.0, "seed": seed}
    fast = data_snooping(trials, bench, **kw)
    ref = data_snooping(trials, bench, engine="arch", **kw)
    assert isinstance(fast, DataSnooping)
    assert (fast.spa.pvalue_lower, fast.spa.pvalue, fast.spa.pvalue_upper) == (
        ref.spa.pvalue_lower,
        ref.spa.pvalue,
        ref.spa.pvalue_upper,
    )
    assert fast.stepm.better == ref.stepm.better
    assert fast.spa.best == ref.spa.best == trials.sub(bench, axis=0).mean().idxmax()
    # and arch called directly on losses = negative returns, as its docs define them
    spa = SPA(-bench.to_numpy(), -trials.to_numpy(), block_size=3.0, reps=400, seed=seed)
    spa.compute()
    raw = data_snooping(trials, bench, studentize=False, **kw)
    assert raw.spa.pvalue == spa.pvalues["consistent"] == fast.spa.pvalue_unstudentized
    assert raw.spa.pvalue_lower == spa.pvalues["lower"]
    assert raw.spa.pvalue_upper == spa.pvalues["upper"]
    assert fast.spa.studentized and not raw.spa.studentized
    stepm = StepM(-bench.to_numpy(), -trials, size=0.05, block_size=3.0, reps=400, seed=seed)
    stepm.compute()
    assert fast.stepm.better == list(stepm.superior_models)


def _arch_studentized(trials, bench, block, reps, seed):
    """Hansen's studentized SPA by arch itself: divide each differential by arch's omega_k."""
    d = trials.sub(bench, axis=0).to_numpy()
    first = SPA(np.zeros(len(d)), -d, block_size=block, reps=reps, seed=seed)
    first.compute()  # arch's kernel variance of each column's mean differential
    z = d / np.sqrt(first._loss_diff_var)
    spa = SPA(np.zeros(len(d)), -z, block_size=block, reps=reps, seed=seed)
    spa.compute()
    return spa.pvalues


@pytest.mark.parametrize(("top", "seed"), [(0.0008, 1), (0.0003, 2), (0.0001, 3), (0.0, 4)])
def test_studentized_spa_equals_arch_on_the_same_draws(top, seed):
    trials, bench = _sweep(top=top, seed=seed)
    kw = {"reps": 400, "block_length": 3.0, "seed": seed}
    pv = _arch_studentized(trials, bench, 3.0, 400, seed)
    for engine in ("fast", "arch"):
        res = data_snooping(trials, bench, engine=engine, **kw).spa
        assert res.studentized
        assert (res.pvalue_lower, res.pvalue, res.pvalue_upper) == (
            pv["lower"],
            pv["consistent"],
            pv["upper"],
        )
        assert spa_test(trials, bench, engine=engine, **kw) == res
    assert "studentized SPA" in res.summary()
    assert res.to_metrics()["spa_studentized"] is True


def test_studentization_changes_which_variant_drives_the_maximum():
    # one noisy variant with the highest mean but a low t, many quiet ones with a higher t:
    # the raw maximum is the noisy one's mean, the studentized maximum the quiet ones' t
    rng = np.random.default_rng(3)
    idx = pd.bdate_range("2019-01-01", periods=500, name="date")
    bench = pd.Series(np.zeros(500), index=idx)
    quiet = rng.normal(0.0004, 0.002, (500, 5))
    noisy = rng.normal(0.0012, 0.05, (500, 1))
    trials = pd.DataFrame(np.hstack([quiet, noisy]), index=idx)
    kw = {"reps": 500, "block_length": 1.0, "seed": 0}
    res = data_snooping(trials, bench, **kw).spa
    assert res.pvalue < 0.05 < res.pvalue_unstudentized


def test_the_cases_exercise_interior_pvalues_and_non_empty_sets():
    # guards the test above against comparing only zeros and empty sets
    strong = data_snooping(*_sweep(top=0.0008, seed=1), reps=400, block_length=3.0, seed=1)
    weak = data_snooping(*_sweep(top=0.0001, seed=3), reps=400, block_length=3.0, seed=3)
    assert len(strong.stepm.better) >= 3 and strong.spa.pvalue < 0.05
    assert 0.05 < weak.spa.pvalue < 1.0 and weak.stepm.better == []
    assert weak.spa.pvalue_lower <= weak.spa.pvalue <= weak.spa.pvalue_upper


def test_wrappers_agree_with_the_combined_call():
    trials, bench = _sweep(k=20, top=0.0005, seed=5)
    kw = {"reps": 300, "block_length": 2.0, "seed": 9}
    both = data_snooping(trials, bench, **kw)
    for engine in ("fast", "arch"):
        s = spa_test(trials, bench, engine=engine, **kw)
        assert isinstance(s, SPAResult) and s.engine == engine
        assert s.pvalue == both.spa.pvalue and s.pvalue_upper == both.spa.pvalue_upper
        m = stepm_test(trials, bench, engine=engine, **kw)
        assert isinstance(m, StepMResult) and m.better == both.stepm.better
    metrics = both.to_metrics()
    assert metrics["spa_pvalue"] == both.spa.pvalue
    assert metrics["stepm_better"] == [str(b) for b in both.stepm.better]
    assert "SPA" in both.summary() and "StepM" in both.summary()


@pytest.mark.parametrize("t", [300, 301])
def test_kernel_variance_matches_arch(t):
    rng = np.random.default_rng(t)
    d = rng.normal(0, 0.01, (t, 6))
    d[:, 2] = np.cumsum(d[:, 2]) * 0.05  # a persistent column
    spa = SPA(np.zeros(t), -d, block_size=4.5, reps=10, seed=0)
    spa.compute()
    np.testing.assert_allclose(spa_variances(d, 4.5), spa._loss_diff_var, rtol=1e-11)


def test_bootstrap_indices_and_means_are_arch_draws():
    rng = np.random.default_rng(0)
    d = rng.normal(size=(120, 4))
    idx = bootstrap_indices(120, 2.5, 30, 11)
    spa = SPA(np.zeros(120), -d, block_size=2.5, reps=30, seed=11)
    spa.compute()
    means = bootstrap_means(d, idx)
    # arch's simulated upper values are bootstrap means minus the sample means
    np.testing.assert_allclose(means - d.mean(0), spa._simulated_vals[:, :, 2].T, atol=1e-15)
    np.testing.assert_allclose(means[3], d[idx[3]].mean(axis=0), atol=1e-15)


def test_no_variant_better_under_the_null():
    rng = np.random.default_rng(8)
    idx = pd.bdate_range("2019-01-01", periods=800, name="date")
    bench = pd.Series(rng.normal(0.0004, 0.01, 800), index=idx)
    trials = pd.DataFrame(bench.to_numpy()[:, None] + rng.normal(0, 0.003, (800, 30)), index=idx)
    res = data_snooping(trials, bench, reps=500, seed=1)
    assert res.spa.pvalue > 0.05
    assert res.stepm.better == []
    assert res.spa.block_length >= 1.0


def test_alignment_block_rule_and_errors():
    trials, bench = _sweep(t=300, k=5, seed=6)
    longer = pd.concat([bench, pd.Series([0.01], index=[pd.Timestamp("2031-01-02")])])
    a = data_snooping(trials, longer, reps=100, seed=1, block_length=2.0)
    b = data_snooping(trials, bench, reps=100, seed=1, block_length=2.0)
    assert a.spa == b.spa and a.spa.n == 300
    act = active_matrix(trials, bench)
    np.testing.assert_allclose(act.to_numpy(), trials.sub(bench, axis=0).to_numpy())
    assert snooping_block_length(act) == pytest.approx(
        float(np.median([snooping_block_length(act[c]) for c in act])), rel=1e-12
    )
    bad = trials.copy()
    bad.iloc[5, 2] = np.nan
    with pytest.raises(DataError, match="trials"):
        data_snooping(bad, bench, reps=50)
    with pytest.raises(LookAheadError):
        data_snooping(trials, bench, reps=50, oos_start=trials.index[100])
    with pytest.raises(ValueError, match="`block_length`"):
        data_snooping(trials, bench, block_length=0.5)
    with pytest.raises(ValueError, match="`engine`"):
        data_snooping(trials, bench, engine="numba")
    with pytest.raises(DataError, match="benchmark"):
        data_snooping(trials, bench.to_numpy())


def test_bench_helper_runs_small():
    sys.path.insert(0, str(REPO))
    from benchmarks import spa_bench

    row = spa_bench.run(n_variants=200, reps=50, n_obs=300)
    assert row["n_variants"] == 200 and row["reps"] == 50 and row["seconds"] > 0


@pytest.mark.slow
def test_sweep_scale_timing_target():
    # issue 16: SPA + StepM over 10,000 variants x 1,000 stationary-bootstrap draws <= 20 s
    sys.path.insert(0, str(REPO))
    from benchmarks import spa_bench

    row = spa_bench.run(n_variants=10_000, reps=1000, n_obs=1500)
    assert row["seconds"] <= 20.0
