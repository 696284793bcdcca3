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


def _loop(steps, start):
    from backtests.engines.reference import _add

    now, out = start, []
    for x in steps.tolist():
        now = _add(now, x)
        out.append(now)
    return np.array(out)


def test_running_add_equals_the_loop_over_every_bar():
    from backtests.engines.reference import _running_add

    rng = np.random.default_rng(7)
    for n in (0, 1, 4, 60, 600):
        for _ in range(30):
            x = np.zeros(n)
            hit = rng.choice(n, size=rng.integers(0, n + 1), replace=False) if n else []
            x[hit] = rng.normal(size=len(hit)) * 10.0 ** rng.integers(-14, 3, size=len(hit))
            if n > 3:  # exact cancellation, a residue below the tolerance, -0.0, NaN
                x[1], x[2], x[3] = -x[0], -0.0, 1e-13
                x[-1] = nan if rng.random() < 0.2 else x[-1]
            for start in (0.0, 1.0, 3e-13, -5e-13):
                got, want = _running_add(x, start), _loop(x, start)
                assert np.array_equal(got, want, equal_nan=True)
                assert np.array_equal(np.signbit(got), np.signbit(want))


def test_running_add_by_hand():
    from backtests.engines.reference import _running_add

    # a start below the 1e-12 tolerance is snapped to 0 by the first zero step; a step
    # cancelling the total within tolerance gives exactly 0; zero steps repeat the total
    got = _running_add(np.array([0.0, 0.0, 2.0, 0.0, -(2.0 - 1e-12), 0.0]), 3e-13)
    assert got.tolist() == [0.0, 0.0, 2.0, 2.0, 0.0, 0.0]
    assert _running_add(np.array([0.0, 1.5, 0.0]), 1.0).tolist() == [1.0, 2.5, 2.5]
