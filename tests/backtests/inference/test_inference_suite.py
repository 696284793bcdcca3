"""InferenceReport: summary text and the metrics.json block (JSON-safe, None when missing)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from backtests.inference import (
    InferenceReport,
    deflated_sharpe,
    hac_alpha,
    held_out,
    pbo,
    placebo_test_vectorized,
    sharpe_ci,
    tstat_hurdle,
    walk_forward,
)

REQUIRED = {
    "hac_alpha_tstat",
    "sharpe_ci95",
    "deflated_sharpe",
    "pbo",
    "placebo_pvalue",
    "n_trials",
}


@pytest.fixture(scope="module")
def report() -> InferenceReport:
    rng = np.random.default_rng(0)
    n = 800
    idx = pd.bdate_range("2020-01-01", periods=n, name="date")
    trials = pd.DataFrame(rng.normal(0.0002, 0.01, (n, 8)), index=idx)
    strat = trials[3]
    bench = pd.DataFrame({"SPY": rng.normal(0.0003, 0.01, n)}, index=idx)
    oos = idx[600]
    is_trials = trials.loc[: idx[599]]
    factor = pd.Series(rng.normal(size=n), index=idx)
    sr = is_trials.mean() / is_trials.std() * np.sqrt(252)
    return InferenceReport(
        alpha=hac_alpha(strat, bench),
        sharpe_ci=sharpe_ci(strat, reps=100, seed=1),
        deflated=deflated_sharpe(strat.loc[: idx[599]], sr.to_numpy()),
        pbo=pbo(is_trials, n_splits=6),
        placebo=placebo_test_vectorized(
            lambda f: np.atleast_1d(f.to_numpy()[:-1].T @ strat.to_numpy()[1:]),
            factor,
            reps=20,
            seed=2,
        ),
        walkforward=walk_forward(is_trials, train_days=250, test_days=100, oos_start=oos),
        held_out=held_out(strat, oos),
        hurdle=tstat_hurdle(8),
        n_trials=8,
    )


def test_metrics_have_the_contract_keys_and_values(report):
    m = report.to_metrics()
    assert REQUIRED <= set(m)
    assert m["hac_alpha_tstat"] == pytest.approx(report.alpha.tstat)
    assert m["sharpe_ci95"] == [report.sharpe_ci.lower, report.sharpe_ci.upper]
    assert m["deflated_sharpe"] == pytest.approx(report.deflated.dsr)
    assert m["pbo"] == pytest.approx(report.pbo.pbo)
    assert m["placebo_pvalue"] == pytest.approx(report.placebo.pvalue)
    assert m["n_trials"] == 8 and isinstance(m["n_trials"], int)
    assert m["tstat_hurdle"] == pytest.approx(tstat_hurdle(8))
    assert m["hac_lags"] == report.alpha.lags
    assert m["walkforward_windows"] == report.walkforward.n_windows
    assert m["oos_sharpe"] == report.held_out["oos"]["sharpe"]
    json.dumps(m, allow_nan=False)  # strict JSON: no NaN anywhere


def test_missing_parts_become_none_and_nan_becomes_none():
    empty = InferenceReport()
    m = empty.to_metrics()
    assert REQUIRED <= set(m)
    assert all(v is None for k, v in m.items() if k != "n_trials")
    assert m["n_trials"] == 1
    json.dumps(m, allow_nan=False)
    assert empty.summary().startswith("inference:")
    nan_hurdle = InferenceReport(hurdle=float("nan"))
    assert nan_hurdle.to_metrics()["tstat_hurdle"] is None


def test_summary_lists_every_part(report):
    text = str(report)
    for part in ("HAC alpha", "Sharpe", "deflated Sharpe", "PBO", "placebo", "walk-forward"):
        assert part in text
    assert "held out from" in text and "t-hurdle for 8" in text
    assert any("hurdle" in v for v in report.verdicts())


def test_config_defaults_are_valid_arguments(cfg):
    inf = cfg.inference
    assert tstat_hurdle(10, alpha=inf.hurdle_alpha, method=inf.hurdle_method) > 1.96
    rng = np.random.default_rng(1)
    idx = pd.bdate_range("2020-01-01", periods=300, name="date")
    r = pd.Series(rng.normal(0.0005, 0.01, 300), index=idx)
    ci = sharpe_ci(
        r,
        reps=50,
        level=inf.ci_level,
        block_length=float(inf.bootstrap_block_length) or None,
        seed=int(inf.seed),
    )
    assert ci.level == inf.ci_level
    trials = pd.DataFrame(rng.normal(0, 0.01, (300, 4)), index=idx)
    assert 0 <= pbo(trials, n_splits=int(inf.pbo_splits), metric=inf.pbo_metric).pbo <= 1
    wf = walk_forward(
        trials,
        train_days=100,
        test_days=50,
        metric=inf.walkforward_metric,
        expanding=bool(inf.walkforward_expanding),
    )
    assert wf.n_windows == 4


def test_verdicts_follow_the_numbers(report):
    from dataclasses import replace

    strong = replace(report.placebo, pvalue=0.01)
    weak = replace(report.placebo, pvalue=0.40)
    assert "beats its placebos" in replace(report, placebo=strong).verdicts()[-1]
    assert "does not beat" in replace(report, placebo=weak).verdicts()[-1]
    low = replace(report.pbo, pbo=0.1)
    assert any("stays above the median" in v for v in replace(report, pbo=low).verdicts())
