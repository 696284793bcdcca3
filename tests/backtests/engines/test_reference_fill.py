"""Valuation prices of the reference engine: the last close at or before each bar."""

from __future__ import annotations

import numpy as np

from backtests.engines.reference import filled_close_ffill

nan = np.nan


def test_forward_fill_by_hand():
    close = np.array([[nan, 1.0], [2.0, nan], [nan, nan], [3.0, 4.0], [nan, nan]])
    want = np.array([[nan, 1.0], [2.0, 1.0], [2.0, 1.0], [3.0, 4.0], [3.0, 4.0]])
    assert np.array_equal(filled_close_ffill(close), want, equal_nan=True)


def test_forward_fill_equals_a_row_loop_and_leaves_input_alone():
    rng = np.random.default_rng(3)
    close = rng.normal(size=(300, 5))
    close[rng.random(close.shape) < 0.3] = nan
    close[:40, 2] = nan
    close[:, 4] = nan
    before = close.copy()
    want = close.copy()
    for i in range(1, len(want)):
        gap = np.isnan(want[i])
        want[i, gap] = want[i - 1, gap]
    assert np.array_equal(filled_close_ffill(close), want, equal_nan=True)
    assert np.array_equal(close, before, equal_nan=True)


def test_forward_fill_empty_and_single_row():
    assert filled_close_ffill(np.empty((0, 3))).shape == (0, 3)
    one = np.array([[nan, 2.0]])
    assert np.array_equal(filled_close_ffill(one), one, equal_nan=True)
