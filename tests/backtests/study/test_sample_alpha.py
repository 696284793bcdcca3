"""Per-sample HAC alpha and active-Sharpe interval: each of its own sample's slice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from backtests.inference.samples import split_samples
from backtests.study.evidence import active_block


def _pair(n: int = 900, seed: int = 3) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2018-01-01", periods=n, name="date")
    b = rng.normal(0.0003, 0.01, n)
    s = 0.8 * b + rng.normal(0.0002, 0.004, n)
    s[n // 2 :] += 0.0008  # the later half earns more: full and in-sample alphas differ
    return pd.Series(s, index=idx), pd.Series(b, index=idx)


def test_sample_alpha_equals_statsmodels_on_the_slice():
    s, b = _pair()
    smp = split_samples(s.index, s.index[500], s.index[700])
    kw = {"reps": 200, "level": 0.95, "block_length": 5.0, "hac_lags": 6, "seed": 1}
    seen = []
    for name in ("in_sample", "held_out", "post_registration", "full"):
        part = smp[name]
        out = active_block(part.take(s), part.take(b), **kw)
        act = (part.take(s) - part.take(b)).to_numpy()
        x = sm.add_constant(part.take(b).to_numpy())
        fit = sm.OLS(act, x).fit(cov_type="HAC", cov_kwds={"maxlags": 6})
        assert out["hac_alpha_tstat"] == pytest.approx(fit.tvalues[0], rel=1e-10)
        assert out["hac_alpha_ann"] == pytest.approx(fit.params[0] * 252, rel=1e-10)
        lo, hi = out["sharpe_ci95"]
        sharpe = act.mean() / act.std(ddof=1) * np.sqrt(252)
        assert lo < sharpe < hi
        assert out["sharpe"] == pytest.approx(sharpe, rel=1e-10)
        seen.append(out["hac_alpha_tstat"])
    assert len(set(np.round(seen, 6))) == 4  # four samples, four different statistics


def test_short_sample_has_no_interval():
    s, b = _pair(n=20)
    out = active_block(s, b, reps=50, level=0.95, block_length=None, hac_lags=None, seed=0)
    assert out["sharpe_ci95"] is None and out["hac_alpha_ann"] is None
