"""Size of the Clark–West test on simulated null markets (persistent predictor, overlap).

Returns are iid (the predictor has no power), the predictor is AR(1) with rho = 0.98, 1,500
daily dates, 21-day targets sampled daily (overlapping), recursive forecasts after 500
pairs. The one-sided 5% test should reject about 5% of the time; with 300 samples the
binomial standard error is 1.3 points, so the bound is 8%. Two cases: predictor innovations
independent of returns, and correlated -0.9 with them (the Stambaugh setting).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signals.forecast import recursive_forecasts
from signals.oos_stats import clark_west

N, RHO, H, WARMUP, N_SAMPLES = 1500, 0.98, 21, 500, 300


def _pvalue(seed: int, innovation_corr: float) -> float:
    rng = np.random.default_rng(seed)
    e = rng.normal(size=N)
    u = innovation_corr * e + np.sqrt(1 - innovation_corr**2) * rng.normal(size=N)
    x = np.zeros(N)
    for t in range(1, N):
        x[t] = RHO * x[t - 1] + u[t]
    idx = pd.bdate_range("2010-01-01", periods=N)
    fc = recursive_forecasts(
        pd.Series(x, index=idx), pd.Series(0.01 * e, index=idx), horizon=H, warmup=WARMUP
    )
    return clark_west(fc["realized"], fc["forecast"], fc["prevailing_mean"], horizon=H).pvalue


@pytest.mark.parametrize("innovation_corr", [0.0, -0.9])
def test_clark_west_one_sided_5pct_size_on_null_markets(innovation_corr):
    p = np.array([_pvalue(seed, innovation_corr) for seed in range(N_SAMPLES)])
    assert np.isfinite(p).all()
    rate = float((p < 0.05).mean())
    assert rate <= 0.08, f"Clark-West rejects {rate:.1%} of {N_SAMPLES} null samples at 5%"
