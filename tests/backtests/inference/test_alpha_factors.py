"""Factor alpha: a planted alpha and betas come back; the numbers are statsmodels' own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from backtests.inference.alpha_factors import factor_alpha
from data.errors import DataError

NAMES = ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "Mom"]
BETAS = [0.9, 0.3, -0.4, 0.2, 0.0, 0.5]


def _data(n=3000, alpha=0.0004, seed=12):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2012-01-02", periods=n)
    f = pd.DataFrame(rng.normal(0, 0.008, (n, 6)), index=idx, columns=NAMES)
    active = alpha + f.to_numpy() @ np.array(BETAS) + rng.normal(0, 0.004, n)
    return pd.Series(active, index=idx), f


def test_recovers_a_planted_alpha_and_betas():
    active, f = _data()
    res = factor_alpha(active, f)
    assert res["alpha_ann"] == pytest.approx(0.0004 * 252, abs=3 * 0.004 / np.sqrt(3000) * 252)
    se_beta = 0.004 / (0.008 * np.sqrt(3000))
    for name, b in zip(NAMES, BETAS, strict=True):
        assert res["betas"][name] == pytest.approx(b, abs=4 * se_beta)
    assert res["tstat"] > 3 and res["n"] == 3000
    explained = 0.008**2 * sum(b * b for b in BETAS)
    assert res["r2"] == pytest.approx(explained / (explained + 0.004**2), abs=0.02)


def test_matches_statsmodels_directly():
    active, f = _data(n=800, alpha=0.0)
    f.iloc[5, 2] = np.nan  # incomplete rows are dropped
    res = factor_alpha(active, f, hac_lags=7, periods_per_year=260)
    frame = pd.concat([active.rename("y"), f], axis=1).dropna()
    fit = OLS(frame["y"].to_numpy(), add_constant(frame[NAMES].to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": 7}
    )
    assert res["alpha_ann"] == pytest.approx(fit.params[0] * 260, rel=1e-12)
    assert res["tstat"] == pytest.approx(fit.tvalues[0], rel=1e-12)
    assert res["r2"] == pytest.approx(fit.rsquared, rel=1e-12)
    assert [res["betas"][k] for k in NAMES] == pytest.approx(list(fit.params[1:]), rel=1e-12)
    assert res["n"] == 799 and res["lags"] == 7


def test_percent_units_are_refused():
    active, f = _data(n=200)
    with pytest.raises(DataError, match="divide by 100"):
        factor_alpha(active, f * 100)
    with pytest.raises(DataError, match="factor column"):
        factor_alpha(active, f.iloc[:, :0])
