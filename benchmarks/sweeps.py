"""Sweep throughput, and how close the numba engine comes to the hardware.

:func:`sweep_grid` varies the default rotation over factor windows x rules x rebalance
calendars x thresholds, with as many thresholds as it takes to reach a requested number of
variants. :func:`measure_sweep` times :func:`backtests.sweep.core.run_sweep` (engine ``numba``,
chunked as configured) on the benchmark data. :func:`measure_kernels` compares, on the very
same cells (trials x bars x assets of real lagged targets), the engine's kernel with two
floors written here: a pass that only reads every cell, and one that does only the
arithmetic of a rebalancing portfolio (mark to market, then trade to target: no costs, no
order sorting, no cash checks, no tolerances).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from numba import njit, prange

from benchmarks.common import BenchData, current_rss_mib, peak_rss_mib, timed

DEFAULT_AXES: dict[str, list[Any]] = {
    "zscore_window": [0, 252, 504],
    "change_window": [21, 63, 126],
    "rule": ["switch", "tilt", "longshort"],
    "rebalance": ["weekly", "monthly"],
}
TINY_AXES: dict[str, list[Any]] = {
    "zscore_window": [0],
    "change_window": [63],
    "rule": ["switch", "tilt", "longshort"],
    "rebalance": ["weekly", "monthly"],
}


def axes_size(axes: dict[str, list[Any]]) -> int:
    """Return the number of combinations of the axes (variants per threshold)."""
    return math.prod(len(v) for v in axes.values())


def sweep_grid(n_variants: int, axes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Return the axes plus ``ceil(n / axes_size)`` thresholds evenly spread over [-1, 1].

    The grid has the smallest multiple of ``axes_size(axes)`` variants >= ``n_variants``.
    """
    m = max(1, math.ceil(int(n_variants) / axes_size(axes)))
    thresholds = [0.0] if m == 1 else [round(float(x), 6) for x in np.linspace(-1.0, 1.0, m)]
    return {**{k: list(v) for k, v in axes.items()}, "threshold": thresholds}


def factor_pairs(axes: dict[str, list[Any]]) -> list[tuple[int, int]]:
    """Every ``(zscore_window, change_window)`` pair of the axes."""
    return [(int(z), int(c)) for z in axes["zscore_window"] for c in axes["change_window"]]


def _cfg():
    from data.config import load_config

    return load_config()


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

    cfg = _cfg()
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


# --------------------------------------------------------------------------- floors


@njit(cache=True, parallel=True)
def read_only_nb(size: np.ndarray) -> np.ndarray:
    """Touch every cell once: the count of non-NaN targets per trial (memory floor)."""
    n_trials, n_rows, n_cols = size.shape
    out = np.zeros(n_trials)
    for k in prange(n_trials):
        acc = 0.0
        for i in range(n_rows):
            for c in range(n_cols):
                if not np.isnan(size[k, i, c]):
                    acc += 1.0
        out[k] = acc
    return out


@njit(cache=True, parallel=True)
def arithmetic_only_nb(price: np.ndarray, size: np.ndarray, init_cash: np.ndarray) -> np.ndarray:
    """Equity of each trial trading to its targets with no costs, checks or ordering.

    ``price`` are closes filled forward and backward (no NaN); a row of ``size`` with a
    non-NaN first cell is a rebalance. The arithmetic floor of any engine that reads these
    cells and produces an equity curve.
    """
    n_trials, n_rows, n_cols = size.shape
    value_out = np.empty((n_trials, n_rows))
    for k in prange(n_trials):
        cash = init_cash[k]
        pos = np.zeros(n_cols)
        for i in range(n_rows):
            value = cash
            for c in range(n_cols):
                value += pos[c] * price[i, c]
            rebalance = False
            for c in range(n_cols):
                if not np.isnan(size[k, i, c]):
                    rebalance = True
                    break
            if rebalance:
                for c in range(n_cols):
                    w = size[k, i, c]
                    if not np.isnan(w):
                        new = w * value / price[i, c]
                        cash -= (new - pos[c]) * price[i, c]
                        pos[c] = new
            value_out[k, i] = value
    return value_out


def chunk_targets(data: BenchData, grid: dict[str, list[Any]], n_trials: int) -> dict[str, Any]:
    """Lagged targets of ``n_trials`` trials spread evenly over the grid (one chunk).

    Built with the package's own public steps (``rotation_inputs``, ``decide``,
    ``lag_targets``), as the sweep builds them.
    """
    from backtests.engines.engine import lag_targets
    from backtests.rotation.rules import rebalance_mask
    from backtests.rotation.spec import FIELD_NAMES, RotationSpec
    from backtests.rotation.targets import decide, rotation_inputs
    from backtests.sweep.core import expand_grid

    cfg = _cfg()
    base = RotationSpec.from_config(cfg)
    table = expand_grid(grid, cfg)
    step = max(1, len(table) // n_trials)
    rows = table.iloc[::step].iloc[:n_trials].to_dict("records")
    cols = list(base.tickers)
    inputs = rotation_inputs(data.prices, base.near, base.long)
    masks: dict[str, np.ndarray] = {}
    vols: dict[int, np.ndarray] = {}
    size = np.empty((len(rows), len(data.prices), len(cols)))
    fees = np.array([base.fee_rate(c) for c in cols])
    for t, row in enumerate(rows):
        spec = base.replace(**{k: v for k, v in row.items() if k in FIELD_NAMES})
        factor = data.factors[(int(row["zscore_window"]), int(row["change_window"]))].to_numpy()
        mask = masks.setdefault(spec.rebalance, rebalance_mask(data.prices.index, spec.rebalance))
        vol = None
        if spec.rule == "longshort":
            vol = vols.setdefault(spec.vol_window, inputs.spread_vol(spec.vol_window))
        decided = decide(factor, inputs, spec, vol=vol, mask=mask)
        size[t] = lag_targets(decided, spec.execution_lag)
    # C order, as the sweep passes it (pandas hands out F-ordered blocks, a separate
    # numba specialization with slower strided access)
    close = np.ascontiguousarray(data.prices[cols].to_numpy(dtype=float))
    k = len(rows)
    return {
        "close": close,
        "size": size,
        "fees": np.tile(fees, (k, 1)),
        "slippage": np.full((k, len(cols)), base.slippage),
        "init_cash": np.full(k, base.init_cash),
    }


def measure_kernels(
    data: BenchData,
    n_variants: int,
    *,
    axes: dict[str, list[Any]],
    chunk_size: int,
    repeats: int,
) -> dict[str, Any]:
    """Seconds per ``n_variants`` of the engine kernel and of the two floors (same cells).

    One chunk of ``chunk_size`` real trials is simulated ``repeats`` times (after a warm-up)
    by each kernel; seconds are scaled to ``n_variants``. ``engine_kernel_s`` is
    ``backtests.engines.nb.simulate_many`` (with its per-call price filling),
    ``engine_kernel_nb_s`` the numba function alone.
    """
    from backtests.engines.nb import simulate_many, simulate_many_nb
    from backtests.engines.reference import filled_close_ffill
    from backtests.engines.simulation import filled_close

    grid = sweep_grid(n_variants, axes)
    chunk = chunk_targets(data, grid, chunk_size)
    close, size = chunk["close"], chunk["size"]
    k, n_rows, n_cols = size.shape
    scale = n_variants / k
    filled = np.ascontiguousarray(filled_close(close))
    ffilled = np.ascontiguousarray(filled_close_ffill(close))
    args = (chunk["fees"], chunk["slippage"], chunk["init_cash"])

    def engine():
        return simulate_many(close, size, *args)

    def engine_nb():
        return simulate_many_nb(close, ffilled, filled, size, *args)

    t_engine, _, _ = timed(engine, repeats=repeats)
    t_engine_nb, _, _ = timed(engine_nb, repeats=repeats)
    t_arith, _, _ = timed(
        lambda: arithmetic_only_nb(filled, size, chunk["init_cash"]), repeats=repeats
    )
    t_read, _, _ = timed(lambda: read_only_nb(size), repeats=repeats)
    cells = n_variants * n_rows * n_cols
    parts = sweep_parts(data, grid, chunk_size=chunk_size, repeats=repeats)
    return {
        **parts,
        "n_variants": n_variants,
        "cells": cells,
        "chunk_trials": k,
        "engine_kernel_s": t_engine * scale,
        "engine_kernel_nb_s": t_engine_nb * scale,
        "arithmetic_only_s": t_arith * scale,
        "read_only_s": t_read * scale,
        "engine_ns_per_cell": t_engine_nb * 1e9 / (k * n_rows * n_cols),
        "arithmetic_ns_per_cell": t_arith * 1e9 / (k * n_rows * n_cols),
        "read_ns_per_cell": t_read * 1e9 / (k * n_rows * n_cols),
        "size_gib_per_pass": n_variants * n_rows * n_cols * 8 / 2**30,
        "read_gib_per_s": n_variants * n_rows * n_cols * 8 / 2**30 / (t_read * scale),
        "peak_rss_mib": peak_rss_mib(),
    }


def sweep_parts(
    data: BenchData, grid: dict[str, list[Any]], *, chunk_size: int, repeats: int
) -> dict[str, Any]:
    """Seconds of the compiled sweep's parts for the whole grid (no returns matrix).

    ``sweep_plan_s``: :func:`backtests.sweep.plan.build_plan` (validation, shared inputs);
    ``sweep_kernel_s``: every chunk of :func:`backtests.sweep.plan.run_plan_chunk`
    (decisions, simulation, returns, statistics, moments in compiled code);
    ``sweep_kernel_returns_s``: the same writing the returns into one preallocated matrix.
    """
    from backtests.rotation.costs import carry_accruals, day_fractions
    from backtests.rotation.spec import RotationSpec
    from backtests.sweep.grid import expand_grid
    from backtests.sweep.plan import build_plan, run_plan_chunk

    cfg = _cfg()
    base = RotationSpec.from_config(cfg)
    table = expand_grid(grid, cfg)
    factors = {k: f.to_numpy(dtype=float) for k, f in data.factors.items()}
    idx = data.prices.index
    cash_acc, _ = carry_accruals(idx, base, data.cash_rate)

    def plan():
        return build_plan(
            data.prices, base.tickers, factors, table, base, cash_acc, day_fractions(idx)
        )

    t_plan, _, p = timed(plan, repeats=repeats)
    n = p.n_trials
    bounds = [(lo, min(lo + chunk_size, n)) for lo in range(0, n, chunk_size)]
    p.info["keep"] = False

    def kernel():
        for lo, hi in bounds:
            run_plan_chunk(p, lo, hi)

    out = np.empty((n, len(idx)))

    def kernel_returns():
        for lo, hi in bounds:
            run_plan_chunk(p, lo, hi, out[lo:hi])

    t_kernel, _, _ = timed(kernel, repeats=repeats)
    t_kernel_r, _, _ = timed(kernel_returns, repeats=repeats)
    return {
        "sweep_trials": n,
        "sweep_plan_s": t_plan,
        "sweep_kernel_s": t_kernel,
        "sweep_kernel_returns_s": t_kernel_r,
    }


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
    _tiny_sweep()
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


def _tiny_sweep() -> None:
    """Run a 3-trial sweep on 30 synthetic bars (compiles or loads the sweep kernel)."""
    from backtests.sweep.core import run_sweep

    px, factor_fn = synthetic_market(30, seed=0)
    run_sweep(px, factor_fn, {"rule": ["switch", "tilt", "longshort"]}, None, engine="numba")


def synthetic_market(n_bars: int, *, seed: int = 0):
    """Random-walk closes of the default tickers and an AR(1) factor over ``n_bars`` days.

    Business days ending 2025-12-31; SNDK starts a third of the way in. Returns
    ``(prices, factor_fn)`` with ``factor_fn(zw, cw)`` the factor shifted by ``cw / 500``.
    """
    import pandas as pd

    from backtests.rotation.spec import RotationSpec

    rng = np.random.default_rng(seed)
    cols = list(RotationSpec().tickers)
    idx = pd.bdate_range(end="2025-12-31", periods=int(n_bars), name="date")
    rets = rng.normal(0.0003, 0.02, (len(idx), len(cols)))
    px = pd.DataFrame(100 * np.exp(np.cumsum(rets, axis=0)), index=idx, columns=cols)
    px.iloc[: len(idx) // 3, cols.index("SNDK")] = np.nan
    shocks = rng.normal(0, 0.15, len(idx))
    f = np.empty(len(idx))
    f[0] = 0.0
    for t in range(1, len(idx)):
        f[t] = 0.98 * f[t - 1] + shocks[t]
    base = pd.Series(f, index=idx)
    base.iloc[: min(len(idx) // 10, 252)] = np.nan

    def factor_fn(zscore_window: int, change_window: int) -> pd.Series:
        return base + change_window / 500 + zscore_window / 5000

    return px, factor_fn


def measure_long_history(n_bars: int, n_variants: int, *, repeats: int) -> dict[str, Any]:
    """Time the numba sweep on a synthetic market of ``n_bars`` bars (the long-history size).

    The grid is rules x calendars x thresholds (one factor), the returns matrix kept.
    """
    from backtests.sweep.core import run_sweep

    px, factor_fn = synthetic_market(n_bars, seed=1)
    axes = {"rule": ["switch", "tilt", "longshort"], "rebalance": ["weekly", "monthly"]}
    grid = sweep_grid(n_variants, axes)
    cfg = _cfg()

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
