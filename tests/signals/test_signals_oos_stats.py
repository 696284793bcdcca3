"""Out-of-sample R², Clark–West and the Goyal–Welch curve on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.regression.linear_model import OLS

from data.errors import DataError
from signals.oos_stats import (
    CWResult,
    clark_west,
    cumulative_sse_difference,
    oos_r2,
    oos_table,
)

IDX = pd.bdate_range("2024-01-01", periods=4)
R = pd.Series([1.0, -1.0, 2.0, 0.0], index=IDX)
F = pd.Series([0.5, -0.5, 1.0, 0.5], index=IDX)
B = pd.Series(0.0, index=IDX)


def test_oos_r2_by_hand():
    # SSE_model = 0 + 0 + 1 = 1, SSE_mean = 1 + 0 + 1 = 2
    assert oos_r2([1.0, 2.0, 3.0], [1.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == pytest.approx(0.5)
    # SSE_model = .25 + .25 + 1 + .25 = 1.75, SSE_mean = 1 + 1 + 4 + 0 = 6
    assert oos_r2(R, F, B) == pytest.approx(1 - 1.75 / 6)
    # a forecast equal to the benchmark: 0; worse than the mean: negative
    assert oos_r2(R, B, B) == 0.0
    assert oos_r2(R, -F, B) < 0


def test_clark_west_by_hand_no_lags():
    res = clark_west(R, F, B, horizon=1)
    # f_t = (r-b)^2 - [(r-f)^2 - (b-f)^2] = [1, 1, 4, 0]; mean 1.5; deviations
    # [-.5, -.5, 2.5, -1.5]: variance 9/4; se = sqrt(2.25 / 4) = 0.75; t = 2
    assert res.stat == pytest.approx(2.0)
    assert res.pvalue == pytest.approx(1 - stats.norm.cdf(2.0))
    assert res.mean_adjusted == pytest.approx(1.5)
    assert res.r2_os == pytest.approx(1 - 1.75 / 6)
    assert (res.n, res.start, res.end, res.lags) == (4, IDX[0], IDX[-1], 0)
    assert "Clark-West" in res.summary() and str(res) == res.summary()


def test_clark_west_by_hand_one_lag():
    res = clark_west(R, F, B, horizon=2)
    # gamma_1 = (.25 - 1.25 - 3.75) / 4 = -1.1875; Bartlett weight 1/2
    lrv = 2.25 + 2 * 0.5 * (-1.1875)
    assert res.lags == 1
    assert res.stat == pytest.approx(1.5 / math.sqrt(lrv / 4))


def test_clark_west_matches_statsmodels_hac_on_a_constant():
    rng = np.random.default_rng(4)
    n, h = 500, 21
    r = rng.normal(size=n)
    f = 0.1 * rng.normal(size=n)
    b = np.full(n, 0.05)
    res = clark_west(r, f, b, horizon=h)
    adj = (r - b) ** 2 - ((r - f) ** 2 - (b - f) ** 2)
    np.testing.assert_allclose(adj, 2 * (r - b) * (f - b), atol=1e-12)
    fit = OLS(adj, np.ones((n, 1))).fit(
        cov_type="HAC", cov_kwds={"maxlags": h - 1, "use_correction": False}
    )
    assert res.stat == pytest.approx(float(fit.tvalues[0]), rel=1e-10)


def test_nan_rows_are_dropped_and_tiny_samples_give_nan():
    r = R.copy()
    r.iloc[1] = np.nan
    res = clark_west(r, F, B, horizon=1)
    assert res.n == 3
    assert res.r2_os == pytest.approx(oos_r2(R.drop(IDX[1]), F.drop(IDX[1]), B.drop(IDX[1])))
    tiny = clark_west(R.iloc[:2], F.iloc[:2], B.iloc[:2], horizon=1)
    assert isinstance(tiny, CWResult) and math.isnan(tiny.stat) and tiny.n == 2
    with pytest.raises(ValueError, match="horizon"):
        clark_west(R, F, B, horizon=0)
    with pytest.raises(DataError, match="length"):
        oos_r2([1.0, 2.0], [1.0], [0.0, 0.0])


def test_cumulative_sse_difference_by_hand():
    c = cumulative_sse_difference(R, F, B)
    # (r-b)^2 - (r-f)^2 = [1 - .25, 1 - .25, 4 - 1, 0 - .25]
    np.testing.assert_allclose(c, np.cumsum([0.75, 0.75, 3.0, -0.25]))
    assert c.index.equals(IDX) and c.name == "cum_sse_diff"
    # its last value is SSE_mean - SSE_model
    assert c.iloc[-1] == pytest.approx(6 - 1.75)


def test_oos_table_rows_equal_clark_west_on_each_sample():
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2020-01-01", periods=300)
    frame = pd.DataFrame(
        {
            "realized": rng.normal(size=300),
            "prevailing_mean": 0.01,
            "a": 0.1 * rng.normal(size=300),
            "b": 0.2 * rng.normal(size=300),
        },
        index=idx,
    )
    frame.iloc[-5:, 0] = np.nan
    samples = {"early": (None, "2020-06-30"), "late": ("2020-07-01", None), "full": (None, None)}
    tab = oos_table(frame, ["a", "b"], samples, horizon=5)
    assert list(tab.columns) == [
        "variant", "horizon", "sample", "start", "end", "n", "r2_os", "cw_stat", "cw_pvalue"
    ]  # fmt: skip
    assert len(tab) == 6
    row = tab[(tab["variant"] == "b") & (tab["sample"] == "late")].iloc[0]
    part = frame.loc["2020-07-01":]
    ref = clark_west(part["realized"], part["b"], part["prevailing_mean"], horizon=5)
    assert row["cw_stat"] == pytest.approx(ref.stat) and row["n"] == ref.n == len(part) - 5
    assert row["start"] == pd.Timestamp("2020-07-01") and row["end"] == idx[-6]
    full = tab[(tab["variant"] == "a") & (tab["sample"] == "full")].iloc[0]
    assert full["n"] == 295
    with pytest.raises(DataError, match="missing columns"):
        oos_table(frame, ["c"], samples, horizon=5)
