"""Benchmark-relative evidence: active statistics against independent computations."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from backtests.report.metrics import spec_hash
from backtests.study.evidence import active_block, active_returns, relative_total_return


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(5)
    idx = pd.bdate_range("2020-01-01", periods=600, name="date")
    b = pd.Series(rng.normal(0.0004, 0.012, len(idx)), index=idx)
    s = pd.Series(1.1 * b.to_numpy() + rng.normal(0.0002, 0.006, len(idx)), index=idx)
    return s, b


def test_active_block_against_textbook_formulas(pair):
    s, b = pair
    out = active_block(s, b, reps=200, level=0.95, block_length=None, hac_lags=5, seed=1)
    a = (s - b).to_numpy()
    assert out["sharpe"] == pytest.approx(a.mean() / a.std(ddof=1) * np.sqrt(252), rel=1e-12)
    sr = lambda x: x.mean() / x.std(ddof=1) * np.sqrt(252)  # noqa: E731
    assert out["sharpe_diff"] == pytest.approx(sr(s.to_numpy()) - sr(b.to_numpy()), rel=1e-10)
    want = np.prod(1 + s.to_numpy()) / np.prod(1 + b.to_numpy()) - 1
    assert out["total_return"] == pytest.approx(want, rel=1e-12)
    # Jensen's alpha against the benchmark: statsmodels OLS with HAC(5) errors
    fit = sm.OLS(a, sm.add_constant(b.to_numpy())).fit(cov_type="HAC", cov_kwds={"maxlags": 5})
    assert out["hac_alpha_tstat"] == pytest.approx(float(fit.tvalues[0]), rel=1e-10)
    # regressing the strategy itself on the benchmark gives the same alpha t-statistic
    fit2 = sm.OLS(s.to_numpy(), sm.add_constant(b.to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": 5}
    )
    assert out["hac_alpha_tstat"] == pytest.approx(float(fit2.tvalues[0]), rel=1e-8)
    lo, hi = out["sharpe_diff_ci95"]
    assert lo < out["sharpe_diff"] < hi


def test_identical_strategy_and_benchmark_have_no_active_return(pair):
    _, b = pair
    out = active_block(b, b, reps=50, level=0.95, block_length=None, hac_lags=None, seed=1)
    assert out["sharpe"] is None  # constant zero active return
    assert out["sharpe_diff"] == pytest.approx(0.0, abs=1e-12)
    assert out["total_return"] == pytest.approx(0.0, abs=1e-12)


def test_short_and_empty_samples_give_none(pair):
    s, b = pair
    short = active_block(
        s.iloc[:10], b.iloc[:10], reps=50, level=0.95, block_length=None, hac_lags=None, seed=1
    )
    assert short["sharpe_diff"] is not None and short["sharpe_diff_ci95"] is None
    empty = active_block(
        s.iloc[:0], b.iloc[:0], reps=50, level=0.95, block_length=None, hac_lags=None, seed=1
    )
    assert all(v is None for v in empty.values())


def test_active_returns_align_on_common_dates(pair):
    s, b = pair
    a = active_returns(s.iloc[5:], b.iloc[:-5])
    assert len(a) == len(s) - 10
    assert relative_total_return(s, s) == pytest.approx(0.0)


def test_spec_hash_ignores_names_and_paths_only(cfg):
    h = spec_hash(cfg)
    assert len(h) == 16 and int(h, 16) >= 0
    same = cfg.replace(
        run={"name": "other"}, data={"cache_dir": "/elsewhere"}, sweep={"chunk_size": 7}
    )
    assert spec_hash(same) == h
    for change in (
        {"backtest": {"threshold": 0.25}},
        {"inference": {"benchmark": "always_long"}},
        {"verdict": {"pbo": 0.4}},
        {"run": {"oos_start": "2023-01-02"}},
    ):
        assert spec_hash(cfg.replace(**change)) != h, change
    json.dumps(h)


def test_no_sweep_keeps_the_grid_count_and_says_so(cfg):
    from backtests.study.trial_set import grid_trial_count
    from backtests.study.trial_set import trial_inference as _trial_inference

    grid = cfg.sweep.to_dict()
    n = 1
    for key in ("zscore_window", "change_window", "threshold", "rule", "rebalance"):
        n *= len(grid[key])
    assert grid_trial_count(cfg) == n
    idx = pd.bdate_range("2020-01-01", periods=50)
    zero = pd.Series(0.0, index=idx)
    out = _trial_inference(None, cfg, zero, zero, pd.Timestamp("2021-01-01"), extra_raw=3)
    assert out["trials"] == {"raw": n + 3, "distinct": None, "effective": None}
    assert out["n_hurdle"] == n + 3
    assert "no sweep" in out["trials_note"] and str(n + 3) in out["trials_note"]
