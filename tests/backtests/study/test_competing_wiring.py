"""Competing explanations: nested t's and the five-factor alpha against statsmodels directly.

Also: the trend signal is point-in-time, the trend rotation equals the reference engine
driven by the same signal, and the French factors load from a mirror (and are None without).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from backtests.engines.engine import run_backtest
from backtests.inference.samples import split_samples
from backtests.rotation.prices import as_prices
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.study.competing import (
    TREND_NAME,
    alpha_block,
    nested_rows,
    trend_signal,
)
from backtests.study.variants import variant_returns
from data.config import load_config
from data.french_factors import FF_COLUMNS, load_french_factors

IDX = pd.bdate_range("2016-01-01", periods=1200, name="date")


@pytest.fixture(scope="module")
def series():
    rng = np.random.default_rng(11)
    x = np.cumsum(rng.normal(0, 0.1, len(IDX))) * 0.1
    spread = pd.Series(rng.normal(0, 0.01, len(IDX)) + 0.0003 * np.r_[0, x[:-1]], index=IDX)
    return pd.Series(x, index=IDX, name="factor"), spread


def test_nested_t_against_statsmodels(series):
    fac, spread = series
    rival = pd.Series(np.random.default_rng(3).normal(size=len(IDX)), index=IDX)
    samples = split_samples(IDX, IDX[700], IDX[-1])
    h = 21
    rows = nested_rows(spread, fac, {"r": rival}, samples, h)
    assert [r["sample"] for r in rows] == ["in_sample", "full"]
    for r in rows:
        smp = samples[r["sample"]]
        s = spread.loc[smp.start : smp.end].to_numpy()
        y = np.array([s[i + 1 : i + 1 + h].sum() for i in range(len(s) - h)])
        X = np.column_stack(
            [np.ones(len(y)), fac.loc[smp.start : smp.end].to_numpy()[: len(y)],
             rival.loc[smp.start : smp.end].to_numpy()[: len(y)]]
        )  # fmt: skip
        fit = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": h})
        assert r["n"] == len(y)
        assert r["beta_factor"] == pytest.approx(fit.params[1], rel=1e-10)
        assert r["t_factor"] == pytest.approx(fit.tvalues[1], rel=1e-8)
        assert r["t_rival"] == pytest.approx(fit.tvalues[2], rel=1e-8)


def test_nested_short_sample_is_empty(series):
    fac, spread = series
    samples = split_samples(IDX, IDX[30], IDX[-1])
    rows = nested_rows(spread, fac, {"r": spread.shift(1)}, samples, 21)
    assert rows[0]["n"] == 0 and rows[0]["t_factor"] is None


def test_alpha_against_statsmodels():
    rng = np.random.default_rng(5)
    ff = pd.DataFrame(rng.normal(0, 0.01, (900, 6)), index=IDX[:900], columns=list(FF_COLUMNS))
    b = np.array([0.5, -0.2, 0.1, 0.0, 0.3, 0.2])
    active = pd.Series(0.0004 + ff.to_numpy() @ b + rng.normal(0, 0.004, 900), index=ff.index)
    got = alpha_block(active, ff)
    lags = int(np.floor(4 * (900 / 100) ** (2 / 9)))
    fit = sm.OLS(active.to_numpy(), sm.add_constant(ff.to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags}
    )
    assert got["n"] == 900 and got["sample"] == "full"
    assert got["alpha_ann"] == pytest.approx(fit.params[0] * 252, rel=1e-8)
    assert got["tstat"] == pytest.approx(fit.tvalues[0], rel=1e-6)
    assert got["r2"] == pytest.approx(fit.rsquared, rel=1e-8)
    assert got["betas"]["Mom"] == pytest.approx(fit.params[6], rel=1e-8)
    none = alpha_block(active, None)
    assert none["alpha_ann"] is None and none["note"].startswith("no data")


def test_trend_signal_is_point_in_time(series):
    _, spread = series
    base = trend_signal(spread)
    cut = IDX[800]
    moved = spread.copy()
    moved.loc[moved.index > cut] *= -3.0
    pd.testing.assert_series_equal(base.loc[:cut], trend_signal(moved).loc[:cut])
    # the newest return in the trend at t is dated t - 21: moving r_{t-20} changes nothing at t
    k = 900
    one = spread.copy()
    one.iloc[k - 20] += 1.0
    assert trend_signal(one).iloc[k] == pytest.approx(base.iloc[k], rel=0, abs=0)


def test_trend_rotation_equals_reference_engine(series):
    _, spread = series
    rng = np.random.default_rng(2)
    cfg = load_config()
    spec = RotationSpec.from_config(cfg)
    cols = [*spec.near, *spec.long]
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.01, (len(IDX), len(cols))), axis=0)),
        index=IDX, columns=cols,
    )  # fmt: skip
    prices = as_prices(px)
    sig = trend_signal(spread)
    got = variant_returns(sig.to_frame(TREND_NAME), prices, cfg, None)[TREND_NAME]
    ref = run_backtest(prices, target_weights(sig, prices, spec), spec, engine="reference")
    np.testing.assert_allclose(got.to_numpy(), ref.returns.to_numpy(), atol=1e-10)


def _french_file(path, cols, rows):
    lines = ["This file was created using the 202601 CRSP database.", "", "," + ",".join(cols)]
    lines += [d + "," + ",".join(f"{v:.2f}" for v in vals) for d, vals in rows]
    lines += ["", "Copyright 2026 Eugene F. Fama and Kenneth R. French", ""]
    path.write_bytes("\r\n".join(lines).encode())


def test_french_factors_from_a_mirror_then_the_cache(tmp_path):
    root = tmp_path / "mirror"
    (root / "french").mkdir(parents=True)
    days = [d.strftime("%Y%m%d") for d in pd.bdate_range("2020-01-01", periods=5)]
    _french_file(
        root / "french" / "F-F_Research_Data_5_Factors_2x3_daily.csv",
        ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "RF"],
        [(d, [1.0, -0.5, 0.25, 0.1, 0.0, 0.01]) for d in days],
    )
    _french_file(
        root / "french" / "F-F_Momentum_Factor_daily.csv", ["Mom"], [(d, [2.0]) for d in days[1:]]
    )
    cfg = load_config()
    cache = tmp_path / "cache"
    got = load_french_factors(cfg, mirror=root, cache=cache)
    assert got is not None and got.source == "mirror"
    assert list(got.returns.columns) == list(FF_COLUMNS)
    assert len(got.returns) == 4  # momentum starts a day later
    assert got.returns["Mkt-RF"].iloc[0] == pytest.approx(0.01)  # percent -> decimal
    assert got.returns["Mom"].iloc[0] == pytest.approx(0.02)
    again = load_french_factors(cfg, cache=cache)
    assert again is not None and again.source == "cache"
    pd.testing.assert_frame_equal(again.returns, got.returns, check_freq=False)
    assert load_french_factors(cfg, cache=tmp_path / "empty") is None
