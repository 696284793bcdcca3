"""Numba compile time of the sweep's kernels: cold (empty cache) and warm (cached).

:func:`measure_compile` times the first call of each numba kernel the sweep uses on tiny
inputs, in a fresh process, and counts the signatures numba compiled rather than loaded.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from benchmarks.sweep_grid import synthetic_market


def measure_compile() -> dict[str, Any]:
    """Seconds of the first call of each numba kernel the sweep uses (tiny inputs).

    Run in a fresh process: with an empty ``NUMBA_CACHE_DIR`` this is the compile time, with
    a filled one the time to load the cached machine code. ``cache_misses`` counts the
    signatures numba had to compile rather than load.
    """
    t0 = time.perf_counter()
    from backtests.engines import nb as engine_nb
    from backtests.rotation import rules
    from backtests.sweep import kernels as sweep_nb

    t_import = time.perf_counter() - t0
    close = np.array([[1.0, 2.0], [1.1, 2.1], [1.2, 1.9]])
    size = np.full((1, 3, 2), np.nan)
    size[0, 1] = [0.5, 0.5]
    out: dict[str, Any] = {"import_s": t_import}
    t0 = time.perf_counter()
    engine_nb.simulate_many(close, size, np.zeros((1, 2)), np.zeros((1, 2)), 1.0)
    out["sweep_kernel_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    tiny_sweep()
    out["sweep_chunk_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rules.switch(np.array([np.nan, 0.1, -0.3]), threshold=0.0, band=0.2)
    rules.drift_filter(size[0], np.zeros((3, 2)), drift_band=0.1, lag=1)
    out["rules_kernels_s"] = time.perf_counter() - t0
    misses = 0
    hits = 0
    for fn in (
        sweep_nb.sweep_chunk_nb,
        sweep_nb._decide,
        sweep_nb._stats,
        sweep_nb.pairwise_sum,
        sweep_nb._leaf_sum,
        sweep_nb._nan_mean,
        engine_nb.simulate_many_nb,
        engine_nb._is_close,
        engine_nb._add,
        engine_nb._snap,
        engine_nb._argsort,
        rules._switch_nb,
        rules._drift_nb,
    ):
        misses += sum(fn.stats.cache_misses.values())
        hits += sum(fn.stats.cache_hits.values())
    out["cache_misses"] = misses
    out["cache_hits"] = hits
    out["total_s"] = out["sweep_kernel_s"] + out["sweep_chunk_s"] + out["rules_kernels_s"]
    return out


def tiny_sweep() -> None:
    """Run a 3-trial sweep on 30 synthetic bars (compiles or loads the sweep kernel)."""
    from backtests.sweep.core import run_sweep

    px, factor_fn = synthetic_market(30, seed=0)
    run_sweep(px, factor_fn, {"rule": ["switch", "tilt", "longshort"]}, None, engine="numba")
