"""Statistics on hand-computed return series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from backtests.engines import stats

R = [0.1, -0.5, 0.2]


def test_hand_case():
    r = pd.Series(R)
    mean = (0.1 - 0.5 + 0.2) / 3
    sd = math.sqrt(((0.1 - mean) ** 2 + (-0.5 - mean) ** 2 + (0.2 - mean) ** 2) / 2)
    growth = 1.1 * 0.5 * 1.2
    assert stats.total_return(r) == pytest.approx(growth - 1, rel=1e-14)
    assert stats.cagr(r) == pytest.approx(growth ** (252 / 3) - 1, rel=1e-12)
    assert stats.ann_vol(r) == pytest.approx(sd * math.sqrt(252), rel=1e-12)
    assert stats.sharpe(r) == pytest.approx(mean / sd * math.sqrt(252), rel=1e-12)
    downside = math.sqrt(0.25 / 3)
    assert stats.sortino(r) == pytest.approx(mean / downside * math.sqrt(252), rel=1e-12)
    assert stats.max_drawdown(r) == pytest.approx(0.55 / 1.1 - 1, rel=1e-14)
    assert stats.calmar(r) == pytest.approx((growth ** (252 / 3) - 1) / 0.5, rel=1e-12)


def test_drawdown_counts_a_loss_on_day_one():
    r = pd.Series([-0.1, 0.05, -0.02])
    # equity 0.9, 0.945, 0.9261 under a starting peak of 1: the trough is day one
    assert stats.max_drawdown(r) == pytest.approx(-0.1, rel=1e-14)
    r2 = pd.Series([0.2, -0.1, -0.1])
    assert stats.max_drawdown(r2) == pytest.approx(0.81 - 1, rel=1e-14)
    dd = stats.drawdown(r)
    assert dd.iloc[0] == pytest.approx(-0.1)
    assert stats.max_drawdown(pd.Series([0.01, 0.02])) == 0.0


def test_nan_is_a_missing_observation():
    r = pd.Series([0.1, np.nan, -0.1])
    assert stats.total_return(r) == pytest.approx(1.1 * 0.9 - 1)
    assert stats.cagr(r) == pytest.approx((1.1 * 0.9) ** (252 / 2) - 1, rel=1e-12)
    assert stats.sharpe(r) == pytest.approx(0.0, abs=1e-15)
    assert stats.ann_vol(r) == pytest.approx(np.std([0.1, -0.1], ddof=1) * math.sqrt(252))


def test_degenerate_cases_are_nan_not_errors():
    flat = pd.Series([0.01, 0.01, 0.01])
    assert math.isnan(stats.sharpe(flat))
    assert math.isnan(stats.sortino(flat))
    assert math.isnan(stats.calmar(flat))
    assert stats.cagr(pd.Series([-1.0, 0.1])) == -1.0


def test_periods_per_year_is_a_parameter():
    r = pd.Series([0.01, -0.02, 0.015, 0.0])
    ratio = stats.sharpe(r, periods_per_year=52) / stats.sharpe(r)
    assert ratio == pytest.approx(math.sqrt(52 / 252))


def test_turnover_and_exposure():
    assert stats.annual_turnover(pd.Series([0.0, 0.5, 0.0, 1.0])) == pytest.approx(1.5 / 4 * 252)
    assert stats.exposure(pd.Series([1.0, 0.5])) == pytest.approx(0.75)


def test_frames_are_reduced_by_column_independently():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(0, 0.01, (300, 7)), columns=list("abcdefg"))
    out = stats.summary_stats(frame, turnover=frame.abs(), gross=frame.abs())
    for col in frame.columns:
        alone = stats.summary_stats(frame[col], turnover=frame[col].abs(), gross=frame[col].abs())
        for name in stats.STAT_NAMES:
            if name == "n_rebalances":
                continue
            # bit-identical: a column's statistic does not depend on its neighbours
            assert out[name][col] == alone[name], (name, col)
    assert isinstance(out["sharpe"], pd.Series) and list(out["sharpe"].index) == list("abcdefg")
    with pytest.raises(ValueError, match="1-D or 2-D"):
        stats.sharpe(np.zeros((2, 2, 2)))
