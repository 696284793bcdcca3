"""How close the numba engine comes to the hardware, on the very same cells.

:func:`measure_kernels` compares, on the cells (trials x bars x assets of real lagged
targets, :func:`chunk_targets`) of one chunk of the benchmark sweep, the engine's kernel
with two floors written here: a pass that only reads every cell (:func:`read_only_nb`), and
one that does only the arithmetic of a rebalancing portfolio (:func:`arithmetic_only_nb`:
mark to market, then trade to target: no costs, no order sorting, no cash checks, no
tolerances); :func:`sweep_parts` times the compiled sweep's plan and kernel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from benchmarks.common import BenchData, peak_rss_mib, timed
from benchmarks.sweep_grid import bench_config, sweep_grid


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

    cfg = bench_config()
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

    cfg = bench_config()
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
