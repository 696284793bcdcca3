"""Sweep throughput, and how close the numba engine comes to the hardware.

:func:`measure_sweep` times :func:`backtests.sweep.core.run_sweep` (engine ``numba``, chunked
as configured) on the benchmark data over :func:`sweep_grid` (factor windows x rules x
rebalance calendars x thresholds, as many thresholds as it takes to reach a requested
number of variants); :func:`measure_long_history` does the same on a long synthetic
history. The grid and the synthetic market are :mod:`benchmarks.sweep_grid`; the kernel
against two hardware floors on the very same cells (:func:`measure_kernels`) is
:mod:`benchmarks.floors`, and numba's compile time (:func:`measure_compile`)
:mod:`benchmarks.compile_time`; this module re-exports them.
"""

from __future__ import annotations

from typing import Any

from benchmarks.common import BenchData, current_rss_mib, peak_rss_mib, timed
from benchmarks.compile_time import measure_compile, tiny_sweep
from benchmarks.floors import (
    arithmetic_only_nb,
    chunk_targets,
    measure_kernels,
    read_only_nb,
    sweep_parts,
)
from benchmarks.sweep_grid import (
    DEFAULT_AXES,
    TINY_AXES,
    axes_size,
    bench_config,
    factor_pairs,
    sweep_grid,
    synthetic_market,
)


def measure_sweep(
    data: BenchData,
    n_variants: int,
    *,
    axes: dict[str, list[Any]],
    repeats: int,
    chunk_size: int | None = None,
    keep_returns: bool = True,
) -> dict[str, Any]:
    """Time the numba sweep of ``sweep_grid(n_variants, axes)``: one warm-up, then repeats.

    ``keep_returns=False`` keeps only the table and the block moments (flat memory).

    Returns ``n_variants`` (actual), ``seconds`` (median), ``per_variant_s``,
    ``asset_bars_per_s``, ``peak_rss_mib`` (this process), ``rss_before_mib`` (after loading
    the data, before the first sweep), ``returns_matrix_mib`` (the result's dates x trials
    matrix, which grows with the variants by design) and every timing.
    """
    from backtests.sweep.core import run_sweep

    cfg = bench_config()
    grid = sweep_grid(n_variants, axes)
    chunk = int(chunk_size or cfg.sweep.chunk_size)
    rss_before = current_rss_mib()

    def once():
        return run_sweep(
            data.prices,
            data.factor_fn(),
            grid,
            cfg,
            chunk_size=chunk,
            engine="numba",
            cash_rate=data.cash_rate,
            keep_returns=keep_returns,
        )

    median, times, res = timed(once, repeats=repeats, warmup=1)
    n = int(res.n_trials)
    bars, assets = data.shape
    return {
        "n_variants": n,
        "seconds": median,
        "per_variant_s": median / n,
        "asset_bars_per_s": n * bars * assets / median,
        "peak_rss_mib": peak_rss_mib(),
        "rss_before_mib": rss_before,
        "returns_matrix_mib": n * bars * 8 / 2**20 if keep_returns else 0.0,
        "returns_kept": bool(keep_returns),
        "chunk_size": chunk,
        "chunks": int(res.info.get("chunks", 0)),
        "repeats": times,
    }


def measure_long_history(n_bars: int, n_variants: int, *, repeats: int) -> dict[str, Any]:
    """Time the numba sweep on a synthetic market of ``n_bars`` bars (the long-history size).

    The grid is rules x calendars x thresholds (one factor), the returns matrix kept.
    """
    from backtests.sweep.core import run_sweep

    px, factor_fn = synthetic_market(n_bars, seed=1)
    axes = {"rule": ["switch", "tilt", "longshort"], "rebalance": ["weekly", "monthly"]}
    grid = sweep_grid(n_variants, axes)
    cfg = bench_config()

    def once():
        return run_sweep(px, factor_fn, grid, cfg, engine="numba", chunk_size=500)

    median, times, res = timed(once, repeats=repeats, warmup=1)
    n = int(res.n_trials)
    return {
        "source": "synthetic",
        "bars": int(len(px)),
        "assets": int(px.shape[1]),
        "n_variants": n,
        "seconds": median,
        "per_variant_s": median / n,
        "asset_bars_per_s": n * len(px) * px.shape[1] / median,
        "peak_rss_mib": peak_rss_mib(),
        "repeats": times,
    }


# Former private names here, kept for importers of this module.
_cfg, _tiny_sweep = bench_config, tiny_sweep

__all__ = [
    "DEFAULT_AXES",
    "TINY_AXES",
    "arithmetic_only_nb",
    "axes_size",
    "chunk_targets",
    "factor_pairs",
    "measure_compile",
    "measure_kernels",
    "measure_long_history",
    "measure_sweep",
    "read_only_nb",
    "sweep_grid",
    "sweep_parts",
    "synthetic_market",
]
