"""The study's out-of-sample forecasts: per-sample tables checked against independent sums.

R²_OS is recomputed from the forecasts with numpy, the Clark–West t with statsmodels (OLS of
the adjusted loss difference on a constant, Newey–West with h - 1 lags, no small-sample
correction); the look-ahead test perturbs spread returns after t through ``run_forecasts``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from backtests.inference.samples import SAMPLE_NAMES, split_samples
from backtests.study.forecasts import forecast_horizons, run_forecasts
from data.config import load_config


@pytest.fixture(scope="module")
def world():
    """A persistent factor that predicts the spread a little, and a noise variant."""
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2015-01-01", periods=1500, name="date")
    x = np.zeros(len(idx))
    for t in range(1, len(idx)):
        x[t] = 0.98 * x[t - 1] + rng.normal(0, 0.2)
    fac = pd.Series(x, index=idx)
    spread = pd.Series(0.0005 * np.r_[0.0, x[:-1]] + rng.normal(0, 0.01, len(idx)), index=idx)
    noise = pd.Series(rng.normal(size=len(idx)), index=idx)
    cfg = load_config(
        forecast={"horizons": [5], "warmup": 200, "variants": ["composite", "noise", "absent"]},
        inference={"headline_horizon": 21},
    )
    samples = split_samples(idx, "2019-01-01", "2020-06-30")
    return cfg, {"composite": fac, "noise": noise}, spread, samples


def _nw_t_statsmodels(x: np.ndarray, lags: int) -> float:
    fit = sm.OLS(x, np.ones((len(x), 1))).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False}
    )
    return float(fit.tvalues[0])


def test_horizons_add_the_headline(world):
    cfg = world[0]
    assert forecast_horizons(cfg) == (5, 21)
    assert forecast_horizons(load_config(forecast={"horizons": [21, 63]})) == (21, 63)


def test_table_shape_and_notes(world):
    cfg, factors, spread, samples = world
    st = run_forecasts(cfg, factors, spread, samples)
    assert st.variants == ("composite", "noise")
    assert any("absent" in n for n in st.notes)
    assert len(st.table) == 2 * 2 * len(SAMPLE_NAMES)
    assert set(st.table["sample"]) == set(SAMPLE_NAMES)
    rows = st.rows()
    assert all(isinstance(r["start"], str | type(None)) for r in rows)


def test_r2_and_clark_west_against_independent_computation(world):
    cfg, factors, spread, samples = world
    st = run_forecasts(cfg, factors, spread, samples)
    for h in (5, 21):
        f = st.frames[h]
        # the realized column is the h-day forward sum, by a plain loop
        r = spread.to_numpy()
        want = [r[i + 1 : i + 1 + h].sum() if i + h < len(r) else np.nan for i in range(len(r))]
        got = f["realized"].to_numpy()
        pos = spread.index.get_indexer(f.index)
        np.testing.assert_allclose(got, np.asarray(want)[pos], rtol=1e-12, equal_nan=True)
        for row in st.table[st.table["horizon"] == h].itertuples():
            smp = samples[row.sample]
            part = f.loc[smp.start : smp.end, ["realized", row.variant, "prevailing_mean"]]
            part = part.dropna().to_numpy()
            assert row.n == len(part)
            y, fc, b = part[:, 0], part[:, 1], part[:, 2]
            r2 = 1 - np.sum((y - fc) ** 2) / np.sum((y - b) ** 2)
            assert row.r2_os == pytest.approx(r2, rel=1e-10)
            adj = (y - b) ** 2 - ((y - fc) ** 2 - (b - fc) ** 2)
            t = _nw_t_statsmodels(adj, h - 1)
            assert row.cw_stat == pytest.approx(t, rel=1e-8)
            assert row.cw_pvalue == pytest.approx(sps.norm.sf(t), rel=1e-8)


def test_prevailing_mean_uses_only_realized_targets(world):
    cfg, factors, spread, samples = world
    f = run_forecasts(cfg, factors, spread, samples).frames[5]
    y = spread.rolling(5).sum().shift(-5)
    t = f.index[300]
    k = spread.index.get_loc(t)
    assert f.loc[t, "prevailing_mean"] == pytest.approx(y.iloc[: k - 5 + 1].mean(), rel=1e-12)


def test_no_look_ahead_through_the_wiring(world):
    cfg, factors, spread, samples = world
    base = run_forecasts(cfg, factors, spread, samples)
    cut = spread.index[900]
    bumped = spread.copy()
    bumped.loc[bumped.index > cut] += np.random.default_rng(1).normal(
        0, 0.05, (bumped.index > cut).sum()
    )
    moved = run_forecasts(cfg, factors, bumped, samples)
    for h in (5, 21):
        a, b = base.frames[h].loc[:cut], moved.frames[h].loc[:cut]
        cols = ["prevailing_mean", "composite", "noise"]
        pd.testing.assert_frame_equal(a[cols], b[cols])
        # only targets reaching past the cut moved
        assert not a["realized"].iloc[-h:].equals(b["realized"].iloc[-h:])
        pd.testing.assert_series_equal(a["realized"].iloc[:-h], b["realized"].iloc[:-h])


def test_empty_sample_has_no_statistics(world):
    cfg, factors, spread, _ = world
    samples = split_samples(spread.index, "2019-01-01", spread.index[-1])
    st = run_forecasts(cfg, factors, spread, samples)
    post = st.table[st.table["sample"] == "post_registration"]
    assert len(post) == 4 and (post["n"] == 0).all() and post["r2_os"].isna().all()


def test_cumulative_lines_end_at_sse_difference(world):
    cfg, factors, spread, samples = world
    st = run_forecasts(cfg, factors, spread, samples)
    f = st.frames[21].dropna(subset=["realized", "composite"])
    sse_m = ((f["realized"] - f["prevailing_mean"]) ** 2).sum()
    sse_f = ((f["realized"] - f["composite"]) ** 2).sum()
    line = st.cumulative(21)["composite"].dropna()
    assert line.iloc[-1] == pytest.approx(sse_m - sse_f, rel=1e-10)
    long = st.long_frame()
    assert list(long.columns[:4]) == ["date", "horizon", "realized", "prevailing_mean"]
    assert set(long["horizon"]) == {5, 21}
