"""Tear-sheet statistics against quantstats on the same returns, and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.report.tearsheet import (
    drawdown_episodes,
    return_histogram,
    rolling_volatility,
    rolling_volatility_summary,
    tail_risk,
    underwater,
)

qs = pytest.importorskip("quantstats")


@pytest.fixture(scope="module")
def returns() -> pd.Series:
    """Fat-tailed daily returns with long drawdowns (Student-t, drifting)."""
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2019-01-01", periods=1300)
    r = 0.0004 + 0.012 * rng.standard_t(4, size=len(idx))
    r[100:160] -= 0.006  # a deep drawdown
    r[5] = 0.0  # a flat day (excluded from the win rate)
    return pd.Series(r, idx, name="strategy")


def test_tail_risk_matches_quantstats(returns):
    t = tail_risk(returns)
    assert t["skew"] == pytest.approx(qs.stats.skew(returns), rel=1e-12)
    assert t["kurtosis"] == pytest.approx(qs.stats.kurtosis(returns), rel=1e-12)
    assert t["var_95_normal"] == pytest.approx(qs.stats.value_at_risk(returns), rel=1e-12)
    assert t["cvar_95_normal"] == pytest.approx(qs.stats.cvar(returns), rel=1e-12)
    assert t["cvar_95"] == pytest.approx(qs.stats.cvar(returns, method="historical"), rel=1e-12)
    assert t["best_day"] == pytest.approx(qs.stats.best(returns))
    assert t["worst_day"] == pytest.approx(qs.stats.worst(returns))
    assert t["best_month"] == pytest.approx(qs.stats.best(returns, aggregate="ME"), rel=1e-12)
    assert t["worst_month"] == pytest.approx(qs.stats.worst(returns, aggregate="ME"), rel=1e-12)
    assert t["win_rate"] == pytest.approx(qs.stats.win_rate(returns), rel=1e-12)
    assert t["win_rate_months"] == pytest.approx(
        qs.stats.win_rate(returns, aggregate="ME"), rel=1e-12
    )
    assert t["ann_vol"] == pytest.approx(qs.stats.volatility(returns), rel=1e-12)
    assert t["var_95"] == pytest.approx(np.quantile(returns.to_numpy(), 0.05), rel=1e-12)


def test_tail_risk_hand_case():
    idx = pd.to_datetime(["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02", "2024-02-05"])
    r = pd.Series([0.10, -0.10, 0.0, 0.05, -0.02], idx)
    t = tail_risk(r, confidence=0.75)
    # 25% quantile of [-0.10, -0.02, 0, 0.05, 0.10] by linear interpolation: position 1
    assert t["var_95"] == pytest.approx(-0.02)
    assert t["cvar_95"] == pytest.approx(-0.06)  # mean of -0.10 and -0.02
    assert t["win_rate"] == pytest.approx(2 / 4)  # the flat day is left out
    assert t["best_day"] == 0.10 and t["best_day_date"] == "2024-01-30"
    assert t["worst_month"] == pytest.approx(1.1 * 0.9 - 1) and t["worst_month_date"] == "2024-01"
    assert t["best_month"] == pytest.approx(1.05 * 0.98 - 1)
    assert t["win_rate_months"] == pytest.approx(0.5)


def test_underwater_matches_quantstats(returns):
    ours = underwater(returns)
    theirs = qs.stats.to_drawdown_series(returns)
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), atol=1e-14)
    assert ours.iloc[0] <= 0 and ours.max() == 0


def test_drawdown_episodes_match_quantstats(returns):
    ours = drawdown_episodes(returns, None)
    details = qs.stats.drawdown_details(qs.stats.to_drawdown_series(returns))
    assert len(ours) == len(details)
    idx = returns.index
    pos = {d.strftime("%Y-%m-%d"): i for i, d in enumerate(idx)}
    theirs = details.sort_values("max drawdown").reset_index(drop=True)
    for mine, (_, row) in zip(ours[:20], theirs.head(20).iterrows(), strict=True):
        assert mine["depth"] * 100 == pytest.approx(row["max drawdown"], rel=1e-12)
        assert mine["trough"] == row["valley"]
        # quantstats dates the first and last day under water; we date the peak and recovery
        first_under = idx[pos[mine["start"]] + 1] if mine["start"] != row["start"] else None
        assert first_under is None or first_under.strftime("%Y-%m-%d") == row["start"]
        if mine["recovery"] is not None:
            assert idx[pos[mine["recovery"]] - 1].strftime("%Y-%m-%d") == row["end"]
        assert mine["days_underwater"] == pos[row["end"]] - pos[row["start"]] + 1


def test_drawdown_durations_hand_case():
    idx = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-10", "2024-01-11"])
    r = pd.Series([0.0, -0.2, -0.25, 0.5, 0.2], idx)  # 0.8, 0.6, 0.9, 1.08
    (e,) = drawdown_episodes(r)
    assert e["start"] == "2024-01-01" and e["trough"] == "2024-01-05"
    assert e["recovery"] == "2024-01-11" and e["depth"] == pytest.approx(-0.4)
    assert (e["days"], e["days_to_trough"], e["days_to_recover"], e["days_underwater"]) == (
        10,
        4,
        6,
        3,
    )


def test_unrecovered_drawdown_runs_to_the_last_day():
    idx = pd.to_datetime(["2024-03-01", "2024-03-04", "2024-03-08"])
    (e,) = drawdown_episodes(pd.Series([-0.1, 0.05, -0.01], idx))
    assert e["start"] == "2024-03-01" and e["recovery"] is None
    assert e["days"] == 7 and e["days_to_recover"] is None


def test_rolling_volatility_matches_quantstats(returns):
    ours = rolling_volatility(returns, 63)
    theirs = qs.stats.rolling_volatility(returns, rolling_period=63)
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-12)
    assert ours.iloc[:62].isna().all()
    s = rolling_volatility_summary(returns, 63)
    assert s["last"] == pytest.approx(theirs.iloc[-1]) and s["max"] == pytest.approx(theirs.max())


def test_rolling_volatility_uses_only_the_past(returns):
    cut = returns.index[700]
    changed = returns.copy()
    changed.loc[changed.index > cut] *= 5.0
    a, b = rolling_volatility(returns), rolling_volatility(changed)
    pd.testing.assert_series_equal(a.loc[:cut], b.loc[:cut])


def test_histogram_counts_every_day_on_common_bins(returns):
    bench = returns.shift(3).fillna(0.0) * 0.5
    h = return_histogram(returns, bench, bins=20)
    assert len(h["edges"]) == 21 and sum(h["strategy"]) == len(returns)
    assert sum(h["benchmark"]) == len(bench)
    inner = returns[(returns >= h["edges"][0]) & (returns <= h["edges"][-1])]
    counts, _ = np.histogram(inner, bins=np.array(h["edges"]))
    below = int((returns < h["edges"][0]).sum())
    assert h["strategy"][0] == counts[0] + below


def test_histogram_hand_case():
    idx = pd.bdate_range("2024-01-01", periods=4)
    h = return_histogram(
        pd.Series([0.0, 0.0, 1.0, 1.0], idx), pd.Series([0.0, 1.0, 1.0, 1.0], idx), bins=2, clip=0
    )
    assert h["edges"] == [0.0, 0.5, 1.0]
    assert h["strategy"] == [2, 2] and h["benchmark"] == [1, 3]
