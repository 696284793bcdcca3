"""A sweep too large for the machine is refused with its estimate before anything is built."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import backtests.sweep.core as core
from backtests.rotation.spec import RotationSpec
from backtests.sweep import memory
from backtests.sweep.core import expand_grid, run_sweep
from backtests.sweep.memory import check_sweep_memory, estimate_sweep_memory
from backtests.sweep.plan import build_plan
from data.config import load_config
from data.errors import ResourceError

COLS = ["MU", "WDC", "STX", "SNDK", "BTC-USD", "ARKK", "IGV"]
GRID = {"threshold": [-0.5, 0.0, 0.5], "rule": ["switch", "tilt"], "rebalance": ["weekly", "daily"]}


def _market(n: int = 300):
    rng = np.random.default_rng(1)
    idx = pd.bdate_range("2020-01-01", periods=n, name="date")
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.02, (n, 7)), axis=0)), index=idx, columns=COLS
    )
    fac = pd.Series(np.cumsum(rng.normal(0, 0.3, n)), index=idx)
    return px, (lambda zw, cw: fac)


def test_the_returns_part_is_trials_times_days_times_eight_bytes():
    t = pd.DataFrame({"threshold": np.zeros(1000)})
    kept = estimate_sweep_memory(t, 2500, 7, threads=2)
    assert kept.parts["returns"] == 1000 * 2500 * 8
    assert estimate_sweep_memory(t, 2500, 7, keep_returns=False, threads=2).parts["returns"] == 0
    streamed = estimate_sweep_memory(t, 2500, 7, streamed=True, chunk_size=100, threads=2)
    assert streamed.parts["returns"] == 100 * 2500 * 8
    vbt = estimate_sweep_memory(t, 2500, 7, engine="vectorbt", chunk_size=100)
    assert vbt.parts["returns"] == 2 * 1000 * 2500 * 8  # the chunks' returns are joined
    assert kept.parts["scratch"] == 2 * 2500 * (7 + 6) * 8
    assert "1,000 trials x 2,500 days x 7 columns needs about" in kept.summary()


def test_the_estimate_bounds_the_arrays_a_real_sweep_builds():
    """Independent count: the nbytes of the plan's shared arrays and of the returns matrix."""
    px, factor_fn = _market()
    cfg = load_config()
    trials = expand_grid(GRID, cfg)
    est = estimate_sweep_memory(trials, len(px), len(COLS), chunk_size=5)
    res = run_sweep(px, factor_fn, GRID, cfg, engine="numba", chunk_size=5)
    assert res.returns.to_numpy().nbytes == est.parts["returns"]
    fac = factor_fn(0, 63).to_numpy()
    plan = build_plan(
        px,
        tuple(COLS),
        {(0, 63): fac},
        trials,
        RotationSpec.from_config(cfg),
        np.zeros(len(px)),
        np.ones(len(px)),
    )
    shared = sum(a.nbytes for a in plan.shared.values())
    per_trial = sum(a.nbytes for a in plan.trial.values())
    assert shared <= est.parts["shared"]
    assert per_trial + res.table.memory_usage(deep=False).sum() <= est.parts["trials"]


def test_too_large_is_refused_with_the_estimate_before_any_work(monkeypatch):
    px, factor_fn = _market()

    def boom(*args, **kwargs):
        raise AssertionError("the sweep started building")

    monkeypatch.setattr(core, "validated_values", boom)
    monkeypatch.setattr(core, "build_plan", boom)
    monkeypatch.setattr(memory, "available_memory", lambda: 2**20)  # 1 MiB
    big = {"threshold": list(np.linspace(-1, 1, 400)), "rule": ["switch"]}
    with pytest.raises(ResourceError) as info:
        run_sweep(px, factor_fn, big, load_config(), engine="numba")
    msg = str(info.value)
    assert "sweep of 400 trials x 300 days x 7 columns needs about" in msg
    assert "only 1 MiB of memory is available: refused before allocating anything" in msg
    assert "--returns-out" in msg  # the returns are the large part: stream them


def test_the_check_by_hand_and_the_memory_reading():
    e = memory.MemoryEstimate(10, 10, 1, {"returns": 600, "trials": 400})
    check_sweep_memory(e, available=1000)  # fits exactly
    with pytest.raises(ResourceError, match=r"needs about 0 MiB .*only 0 MiB"):
        check_sweep_memory(e, available=999)
    assert memory.available_memory() > 0


def test_without_psutil_the_memory_comes_from_sysconf(monkeypatch):
    monkeypatch.setitem(sys.modules, "psutil", None)  # import psutil now raises ImportError
    import os

    want = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert abs(memory.available_memory() - want) < 2**30
