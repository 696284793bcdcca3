"""Timing of the data-snooping tests (Hansen SPA, Romano-Wolf StepM) at sweep scale.

The tests live in ``backtests.inference.snooping``; until that module is present this
phase reports itself as skipped rather than timing a stand-in.
"""

from __future__ import annotations

import importlib.util
import time
from typing import Any

from benchmarks.common import BenchData, peak_rss_mib


def measure_spa(data: BenchData, n_variants: int, *, reps: int, axes: dict) -> dict[str, Any]:
    """Seconds of SPA + StepM over the returns of an ``n_variants`` sweep, ``reps`` draws."""
    if importlib.util.find_spec("backtests.inference.snooping") is None:
        return {"skipped": "backtests.inference.snooping is not in this tree yet"}
    from backtests.inference import snooping
    from backtests.sweep import run_sweep
    from benchmarks.sweeps import _cfg, sweep_grid

    runner = getattr(snooping, "snooping_tests", None)
    if runner is None:
        return {"skipped": "backtests.inference.snooping has no snooping_tests()"}
    cfg = _cfg()
    res = run_sweep(
        data.prices,
        data.factor_fn(),
        sweep_grid(n_variants, axes),
        cfg,
        engine="numba",
        cash_rate=data.cash_rate,
    )
    rets = res.returns.dropna(how="all").fillna(0.0)
    bench = rets.mean(axis=1) * 0.0
    t0 = time.perf_counter()
    runner(rets, bench, reps=reps, seed=0)
    return {
        "n_variants": int(res.n_trials),
        "reps": int(reps),
        "seconds": time.perf_counter() - t0,
        "peak_rss_mib": peak_rss_mib(),
    }
