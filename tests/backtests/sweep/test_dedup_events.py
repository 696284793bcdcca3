"""Trials whose decisions are the same events are simulated once, with identical results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.sweep import dedup_events as DE
from backtests.sweep.core import run_sweep
from tests.backtests.sweep.test_dedup import _market


def _grid(n_thresholds: int) -> dict:
    return {
        "threshold": [round(float(x), 6) for x in np.linspace(-1.0, 1.0, n_thresholds)],
        "rule": ["switch", "longshort"],
        "rebalance": ["weekly", "monthly"],
    }


def test_same_events_compares_every_bit():
    offsets = np.array([0, 2, 4, 6], dtype=np.int64)
    n_ev = np.array([2, 2, 2], dtype=np.int64)
    rows = np.array([3, 9, 3, 9, 3, 9], dtype=np.int64)
    w = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, -0.0], [0.0, 1.0]])
    bits = w.view(np.uint64)
    assert DE.same_events_nb(offsets, n_ev, rows, bits, 0, 1)
    assert not DE.same_events_nb(offsets, n_ev, rows, bits, 0, 2)  # -0.0 is not 0.0 here
    n_ev[1] = 1
    assert not DE.same_events_nb(offsets, n_ev, rows, bits, 0, 1)


def test_with_event_dedup_equals_without_bit_for_bit(cfg, monkeypatch):
    px, factor_fn, cash = _market(n=400)
    grid = _grid(40)
    kw = dict(engine="numba", cash_rate=cash, chunk_size=500)
    calls = []
    real = DE.distinct_events

    def spy(shared, trial, rows):
        first, inverse = real(shared, trial, rows)
        calls.append((len(rows), len(first)))
        return first, inverse

    monkeypatch.setattr(DE, "distinct_events", spy)
    deduped = run_sweep(px, factor_fn, grid, cfg, **kw)
    assert calls and calls[0][1] < calls[0][0]  # neighbouring thresholds decide alike
    monkeypatch.setattr(DE, "worth_checking", lambda trial, rows: False)
    plain = run_sweep(px, factor_fn, grid, cfg, **kw)
    pd.testing.assert_frame_equal(deduped.table, plain.table, check_exact=True)
    assert deduped.returns.to_numpy().tobytes() == plain.returns.to_numpy().tobytes()
    for name, values in plain.moments.items():
        assert np.asarray(deduped.moments[name]).tobytes() == np.asarray(values).tobytes()


def test_trials_grouped_together_decide_the_same_targets(cfg):
    """An independent check of the grouping: the package's own targets, one backtest each."""
    px, factor_fn, cash = _market(n=400)
    res = run_sweep(px, factor_fn, _grid(25), cfg, engine="numba", cash_rate=cash)
    table = res.table
    base = RotationSpec.from_config(cfg)
    fac = factor_fn(0, 63).reindex(px.index)
    switch = table[(table["rule"] == "switch") & (table["rebalance"] == "weekly")]
    groups = switch.groupby("sharpe")["threshold"].apply(list)
    shared = [ths for ths in groups if len(ths) > 1]
    assert shared, "some neighbouring thresholds must share their decisions"
    for ths in shared[:3]:
        targets = [
            target_weights(fac, px, base.replace(rule="switch", rebalance="weekly", threshold=t))
            for t in ths
        ]
        for t in targets[1:]:
            pd.testing.assert_frame_equal(t, targets[0])


@pytest.mark.parametrize("n_inputs,n_rows,expected", [(1, 2, True), (3, 4, False), (2, 4, True)])
def test_worth_checking_needs_shared_decision_inputs(n_inputs, n_rows, expected):
    trial = {f: np.zeros(n_rows, dtype=np.int64) for f in DE.DECISION_INPUTS}
    trial["factor_idx"] = np.arange(n_rows) % n_inputs
    assert DE.worth_checking(trial, np.arange(n_rows)) is expected
