"""Power study machinery on a toy simulator whose size and power are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import stats

from backtests.inference import PowerResult, power_study


def _ttest(seed: int, effect: float) -> float:
    """n = 50 normal draws with mean ``effect`` (sd 1); two-sided one-sample t-test."""
    x = np.random.default_rng(seed).normal(effect, 1.0, 50)
    return float(stats.ttest_1samp(x, 0.0).pvalue)


def _exact_power(effect: float, n: int = 50, alpha: float = 0.05) -> float:
    crit = stats.t.isf(alpha / 2, n - 1)
    nc = effect * np.sqrt(n)
    return float(stats.nct.sf(crit, n - 1, nc) + stats.nct.cdf(-crit, n - 1, nc))


def test_size_and_power_match_the_noncentral_t():
    seeds = range(400)
    res = power_study(_ttest, effect_sizes=[0.0, 0.2, 0.5], seeds=seeds)
    assert isinstance(res, PowerResult)
    t = res.table.set_index("effect_size")
    assert t.index.tolist() == [0.0, 0.2, 0.5]
    assert list(res.table.columns) == [
        "effect_size",
        "n",
        "rejections",
        "rate",
        "ci_low",
        "ci_high",
        "n_failed",
    ]
    assert (t["n"] == 400).all() and (t["n_failed"] == 0).all()
    # binomial tolerance: 4 SD of a rate over 400 seeds
    for eff, row in t.iterrows():
        p = _exact_power(eff)  # 0.05, ~0.28, ~0.93
        assert abs(row["rate"] - p) <= 4 * np.sqrt(p * (1 - p) / 400), (eff, row["rate"], p)
        assert row["ci_low"] <= row["rate"] <= row["ci_high"]
    assert t["rate"].is_monotonic_increasing
    # rates are counts over the raw p-value table
    assert t.loc[0.5, "rejections"] == int((res.pvalues.loc[0.5] <= 0.05).sum())


def test_wilson_interval_by_hand():
    # 4 seeds, p-values fixed: 1 rejection of 4. Wilson 95%: centre (k + z^2/2)/(n + z^2),
    # half-width z sqrt(k(n-k)/n + z^2/4)/(n + z^2), z = 1.959964
    pv = {0: 0.01, 1: 0.2, 2: 0.5, 3: 0.9}
    res = power_study(lambda s, e: pv[s], effect_sizes=[0.0], seeds=range(4))
    z, n, k = 1.959964, 4, 1
    centre = (k + z * z / 2) / (n + z * z)
    half = z * np.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    row = res.table.iloc[0]
    assert row["effect_size"] == 0.0
    assert row["rate"] == 0.25
    assert row["ci_low"] == pytest.approx(centre - half, abs=1e-6)
    assert row["ci_high"] == pytest.approx(centre + half, abs=1e-6)


def test_failures_progress_plot_and_determinism():
    calls = []
    res = power_study(
        lambda s, e: float("nan") if s == 0 else _ttest(s, e),
        effect_sizes=[0.0, 0.4],
        seeds=range(20),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (40, 40) and len(calls) == 40
    assert (res.table["n_failed"] == 1).all() and (res.table["n"] == 19).all()
    again = power_study(_ttest, effect_sizes=[0.0, 0.4], seeds=range(1, 20))
    np.testing.assert_array_equal(res.pvalues.iloc[:, 1:].to_numpy(), again.pvalues.to_numpy())
    fig = res.plot()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "planted effect size" and ax.get_ylabel() == "rejection rate"
    assert "effect" in str(res)


def test_validation_names_the_parameter():
    with pytest.raises(ValueError, match="`effect_sizes`"):
        power_study(_ttest, effect_sizes=[], seeds=[1])
    with pytest.raises(ValueError, match="`effect_sizes`"):
        power_study(_ttest, effect_sizes=[0.1, 0.1], seeds=[1])
    with pytest.raises(ValueError, match="`seeds`"):
        power_study(_ttest, effect_sizes=[0.1], seeds=[])
    with pytest.raises(ValueError, match="`alpha`"):
        power_study(_ttest, effect_sizes=[0.1], seeds=[1], alpha=2.0)
    with pytest.raises(ValueError, match="p-value 3.0"):
        power_study(lambda s, e: 3.0, effect_sizes=[0.1], seeds=[1])


def test_plot_with_rates_on_their_bounds():
    """A rate of 0 or 1 whose Wilson bound differs from it by rounding still plots."""
    import pandas as pd

    table = pd.DataFrame(
        {
            "effect_size": [0.0, 0.002],
            "n": [40, 40],
            "rejections": [0, 40],
            "rate": [0.0, 1.0],
            "ci_low": [1e-17, 0.91],
            "ci_high": [0.088, 1.0 - 1e-16],
            "n_failed": [0, 0],
        }
    )
    fig = PowerResult(table=table, pvalues=pd.DataFrame()).plot()
    assert isinstance(fig, Figure)
    bars = fig.axes[0].containers[0]
    assert len(bars.lines[0].get_xdata()) == 2
