"""Valuation prices of the reference engine: the last close at or before each bar."""

from __future__ import annotations

import numpy as np
import pytest

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


def _add_spec(a, b):
    """vectorbt's ``add_nb``, as written in the specification (signs, then closeness)."""
    import math

    from backtests.engines.reference import _is_close

    def sign(x):
        return math.nan if math.isnan(x) else float((x > 0) - (x < 0))

    sa, sb = sign(a), sign(b)
    if sa != sb or (math.isnan(sa) and math.isnan(sb)):
        zero = _is_close(abs(a), abs(b))
    else:
        zero = _is_close(a + b, 0.0)
    return 0.0 if zero else a + b


def test_add_and_snap_equal_their_specification():
    from backtests.engines.reference import _add, _is_close, _snap

    inf = float("inf")
    special = [0.0, -0.0, 1e-13, -1e-13, 1e-12, -1e-12, 2e-12, 1.0, -1.0, 1.0 + 1e-10]
    special += [1e-3, -1e-3, 5e-4, nan, inf, -inf, 1e300, -1e300]
    rng = np.random.default_rng(11)
    values = special + (rng.normal(size=200) * 10.0 ** rng.integers(-15, 4, size=200)).tolist()
    for a in values:
        snapped = 0.0 if _is_close(a, 0.0) else a
        assert np.array_equal(_snap(a), snapped, equal_nan=True)
        assert np.signbit(_snap(a)) == np.signbit(snapped)
        for b in special + [-a, -a * (1 + 1e-10), a * 0.5]:
            got, want = _add(a, b), _add_spec(a, b)
            assert np.array_equal(got, want, equal_nan=True), (a, b)
            assert np.signbit(got) == np.signbit(want), (a, b)


def _flows_loop(orders, n_rows, n_cols):
    from backtests.engines.reference import _add

    flow, cash_flow = np.zeros((n_rows, n_cols)), np.zeros((n_rows, n_cols))
    for rec in orders:
        i, c = int(rec["idx"]), int(rec["col"])
        s, p, f = float(rec["size"]), float(rec["price"]), float(rec["fees"])
        flow[i, c] = _add(float(flow[i, c]), s)
        cash_flow[i, c] = _add(float(cash_flow[i, c]), -s * p - f)
    return flow, cash_flow


@pytest.mark.parametrize("unique", [True, False])
def test_flows_equal_the_loop_over_orders(unique):
    from backtests.engines.reference import _flows
    from backtests.engines.simulation import ORDER_DTYPE

    rng = np.random.default_rng(5 if unique else 6)
    n_rows, n_cols, n = 40, 4, 60
    cells = rng.choice(n_rows * n_cols, size=n, replace=not unique)
    orders = np.zeros(n, dtype=ORDER_DTYPE)
    orders["idx"], orders["col"] = cells // n_cols, cells % n_cols
    orders["size"] = rng.normal(size=n) * 10.0 ** rng.integers(-15, 3, size=n)
    orders["size"][:3] = [1e-13, -0.0, 2e-12]
    orders["price"] = rng.uniform(1, 100, size=n)
    orders["fees"] = rng.uniform(0, 0.01, size=n)
    orders = orders[np.argsort(orders["idx"], kind="stable")]
    got, want = _flows(orders, n_rows, n_cols), _flows_loop(orders, n_rows, n_cols)
    for g, w in zip(got, want, strict=True):
        assert np.array_equal(g, w) and np.array_equal(np.signbit(g), np.signbit(w))
