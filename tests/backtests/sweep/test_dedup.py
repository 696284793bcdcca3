"""Trials equal in every parameter their rule reads are computed once, with identical results."""

from __future__ import annotations

import numpy as np
import pandas as pd

from backtests.sweep.core import run_sweep
from backtests.sweep.dedup import distinct_trials
from backtests.sweep.kernels import RULE_CODES

COLS = ["MU", "WDC", "STX", "SNDK", "BTC-USD", "ARKK", "IGV"]
SWITCH, TILT, LONGSHORT = RULE_CODES["switch"], RULE_CODES["tilt"], RULE_CODES["longshort"]


def _trials(rule, threshold, vol_target):
    n = len(rule)
    return {
        "rule": np.array(rule, dtype=np.int64),
        "threshold": np.array(threshold, dtype=float),
        "vol_target": np.array(vol_target, dtype=float),
        "fees": np.full((n, 2), 5e-4),
    }


def test_tilt_ignores_the_threshold_switch_does_not():
    t = _trials([TILT, TILT, SWITCH, SWITCH], [0.0, 0.5, 0.0, 0.5], [0.1] * 4)
    first, inverse = distinct_trials(t)
    assert first.tolist() == [0, 2, 3]
    assert inverse.tolist() == [0, 0, 1, 2]


def test_vol_target_tells_long_short_trials_apart_only():
    t = _trials([SWITCH, SWITCH, LONGSHORT, LONGSHORT], [0.2] * 4, [0.1, 0.2, 0.1, 0.2])
    first, inverse = distinct_trials(t)
    assert first.tolist() == [0, 2, 3]
    assert inverse.tolist() == [0, 0, 1, 2]


def test_costs_tell_trials_apart():
    t = _trials([TILT, TILT], [0.0, 0.0], [0.1, 0.1])
    t["fees"][1, 1] = 6e-4
    first, inverse = distinct_trials(t)
    assert first.tolist() == [0, 1] and inverse.tolist() == [0, 1]


def _market(n: int = 260, seed: int = 11):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2021-01-01", periods=n, name="date")
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.02, (n, 7)), axis=0)), index=idx, columns=COLS
    )
    base = np.cumsum(rng.normal(0, 0.3, n))

    def factor_fn(zscore_window: int, change_window: int) -> pd.Series:
        f = pd.Series(base - change_window / 200, index=idx)
        f.iloc[:15] = np.nan
        return f

    return px, factor_fn, pd.Series(1.5, index=idx)


def test_a_chunk_with_duplicates_equals_one_trial_per_chunk(cfg):
    """Chunks of one trial never share work: the grouped run must match them bit for bit."""
    px, factor_fn, cash = _market()
    grid = {
        "threshold": [-0.3, 0.0, 0.4],
        "rule": ["switch", "tilt", "longshort"],
        "vol_target": [0.1, 0.2],
        "rebalance": ["weekly"],
    }
    kw = dict(engine="numba", cash_rate=cash)
    grouped = run_sweep(px, factor_fn, grid, cfg, chunk_size=18, **kw)
    single = run_sweep(px, factor_fn, grid, cfg, chunk_size=1, **kw)
    assert grouped.n_trials == 18
    pd.testing.assert_frame_equal(grouped.table, single.table, check_exact=True)
    a, b = grouped.returns.to_numpy(), single.returns.to_numpy()
    assert a.tobytes() == b.tobytes()
    # the tilt trials (3 thresholds x 2 vol targets) really are one computation
    tilt = grouped.table[grouped.table["rule"] == "tilt"]
    assert len(tilt) == 6 and tilt["sharpe"].nunique() == 1
