"""The study's trial matrix and its inference: every variant counted once, no rounding."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from backtests.inference.psr import expected_max_sharpe
from backtests.study.trial_set import assemble_trials, trial_inference


def _blocks(t: int = 900, groups: int = 4, per: int = 6, seed: int = 0) -> pd.DataFrame:
    """``groups`` uncorrelated factors, ``per`` noisy copies of each (rho ~ 0.8 within)."""
    rng = np.random.default_rng(seed)
    f = rng.normal(0.0, 0.01, (t, groups))
    x = np.repeat(f, per, axis=1) + rng.normal(0.0, 0.005, (t, groups * per))
    idx = pd.bdate_range("2015-01-01", periods=t, name="date")
    return pd.DataFrame(x, index=idx, columns=[f"s{j}" for j in range(groups * per)])


def test_assemble_cuts_variants_to_the_sweep_dates_and_names_them():
    idx = pd.bdate_range("2020-01-01", periods=4)
    sweep = pd.DataFrame({"a": [0.01, 0.02, np.nan, 0.03], "b": [0.0, 0.0, 0.0, np.nan]}, index=idx)
    bench = pd.Series([0.0, 0.01, 0.01, 0.01], index=idx)
    later = pd.bdate_range("2020-01-02", periods=6)  # starts a day late, runs past the end
    var = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}, index=later)
    out = assemble_trials(sweep, bench, {"ablation": var, "universe": None})
    assert out.columns.tolist() == ["a", "b", "ablation: x"]
    assert out.index.equals(idx)
    np.testing.assert_allclose(out["a"], [0.01, 0.01, -0.01, 0.02])  # NaN day counts 0
    np.testing.assert_allclose(out["ablation: x"], [0.0, 1.0, 2.0, 3.0])  # nothing after


def test_deflation_and_hurdle_use_the_null_calibrated_count(cfg):
    trials = _blocks()
    extra = _blocks(seed=1).iloc[:, :5].set_axis([f"v{j}" for j in range(5)], axis=1)
    bench = pd.Series(0.0, index=trials.index)
    sweep = SimpleNamespace(returns=trials, n_trials=trials.shape[1])
    oos = pd.Timestamp("2030-01-01")
    out = trial_inference(
        sweep, cfg, bench, trials["s0"], oos, extra_raw=5, extra_active={"ablation": extra}
    )
    t = out["trials"]
    assert t["raw"] == 29 and t["distinct"] == 29 and t["variants"] == 5
    assert t["effective"] == t["null_equivalent"] == out["n_hurdle"]
    # the expected maximum, simulated here directly from the correlation of all 29 trials
    allx = assemble_trials(trials, bench, {"ablation": extra}).to_numpy()
    corr = np.corrcoef(allx, rowvar=False)
    z = np.random.default_rng(7).multivariate_normal(np.zeros(29), corr, size=40_000)
    direct = float(z.max(axis=1).mean())
    assert expected_max_sharpe(t["null_equivalent"], 1.0) == pytest.approx(direct, abs=0.02)
    # four blocks of near copies plus some of a fifth: more than 4, far fewer than 29
    assert 4.0 < t["null_equivalent"] < 29.0
    assert t["participation"] < t["null_equivalent"]
    assert t["clusters"] in (5, 6, 7, 8)
    # deflation: sqrt(V) E[max] with V the trial Sharpes' variance and the unrounded count
    sr = allx.mean(axis=0) / allx.std(axis=0, ddof=1)
    d = out["deflated"]
    assert d.n_trials == pytest.approx(t["null_equivalent"], rel=1e-12)
    assert d.sr0 == pytest.approx(
        np.sqrt(np.var(sr, ddof=1)) * expected_max_sharpe(t["null_equivalent"], 1.0), rel=1e-9
    )
    # the selection tests saw the variants too
    assert out["spa"].n_variants == 29 and out["spa"].studentized
    assert out["pbo"] is not None


def test_hurdle_of_an_effective_count_is_not_rounded():
    from backtests.inference import tstat_hurdle

    assert tstat_hurdle(4.1) == pytest.approx(stats.norm.isf(0.05 / 4.1 / 2.0), rel=1e-12)
    assert tstat_hurdle(4.1) < tstat_hurdle(5)
    h = tstat_hurdle(4.1, method="bhy")
    harmonic = 1 + 1 / 2 + 1 / 3 + 1 / 4  # H(4) < H(4.1) < H(5)
    assert stats.norm.isf(0.05 / (4.1 * harmonic) / 2) < h
    assert h < stats.norm.isf(0.05 / (4.1 * (harmonic + 1 / 5)) / 2)
    with pytest.raises(ValueError, match="`n_trials`"):
        tstat_hurdle(0.5)
