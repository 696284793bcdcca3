"""vectorbt's own parameter sweep of the default rotation: thresholds as columns.

What a vectorbt user would write for the sweep, without this package's sweep machinery:
the switch rule with hysteresis evaluated for every threshold at once (one loop over bars,
numpy across the threshold columns), equal weights over the basket members that have had a
price, decisions on the first bar of each week, lagged one bar, then **one**
``vbt.Portfolio.from_orders`` call over a (threshold, ticker) column grid, grouped by
threshold with cash sharing inside a group (``size_type="targetpercent"``,
``call_seq="auto"``), and ``pf.returns()`` for the daily returns of every variant.

Every ``from_orders`` setting that has a global default is passed (as
:mod:`backtests.engines.vbt` does), so the result does not depend on ``vbt.settings``.

Timing
------
A decision at close t (factor and prices up to t) trades at close t + 1.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.common import BenchData


def switch_states(factor: np.ndarray, thresholds: np.ndarray, band: float) -> np.ndarray:
    """Near-basket state (1/0, NaN before the factor exists) per bar and threshold."""
    lo, hi = thresholds - band / 2.0, thresholds + band / 2.0
    out = np.empty((factor.shape[0], thresholds.shape[0]))
    state = np.full(thresholds.shape[0], np.nan)
    for t, f in enumerate(factor):
        if not np.isnan(f):
            first = np.isnan(state)
            state = np.where(f > hi, 1.0, np.where(f < lo, 0.0, state))
            state = np.where(first & (f >= lo) & (f <= hi), (f > thresholds) * 1.0, state)
        out[t] = state
    return out


def vectorbt_sweep(
    prices: pd.DataFrame,
    factor: pd.Series,
    thresholds: list[float],
    *,
    near: tuple[str, ...],
    long: tuple[str, ...],
    band: float,
    fees: dict[str, float],
    slippage: float,
    init_cash: float = 1.0,
) -> pd.DataFrame:
    """Daily returns (dates x thresholds) of the weekly switch rotation, one vectorbt call."""
    import vectorbt as vbt

    th = np.asarray(thresholds, dtype=float)
    cols = [*near, *long]
    px = prices[cols]
    active = px.notna().cummax().to_numpy().astype(float)
    n_near = len(near)
    near_w = active[:, :n_near] / np.maximum(active[:, :n_near].sum(1, keepdims=True), 1)
    long_w = active[:, n_near:] / np.maximum(active[:, n_near:].sum(1, keepdims=True), 1)
    state = switch_states(factor.reindex(px.index).to_numpy(dtype=float), th, band)  # (T, M)
    s = np.nan_to_num(state, nan=0.0)[:, :, None]
    defined = ~np.isnan(state)[:, :, None]
    targets = np.concatenate([s * near_w[:, None, :], (1.0 - s) * long_w[:, None, :]], axis=2)
    targets = np.where(defined, targets, 0.0)  # (T, M, N): cash before the factor exists
    week = np.asarray(px.index.to_period("W-SUN").asi8)
    decide = np.r_[True, week[1:] != week[:-1]]
    targets[~decide] = np.nan
    size = np.full_like(targets, np.nan)
    size[1:] = targets[:-1]  # one-bar execution lag
    m, n = th.shape[0], len(cols)
    columns = pd.MultiIndex.from_product([th, cols], names=["threshold", "ticker"])
    size_df = pd.DataFrame(size.reshape(len(px), m * n), index=px.index, columns=columns)
    close = pd.DataFrame(np.tile(px.to_numpy(), (1, m)), index=px.index, columns=columns)
    fee_row = np.tile([fees[c] for c in cols], m)[None, :]
    pf = vbt.Portfolio.from_orders(
        close=close,
        size=size_df,
        size_type="targetpercent",
        direction="both",
        price=np.inf,
        fees=fee_row,
        fixed_fees=0.0,
        slippage=slippage,
        min_size=0.0,
        max_size=np.inf,
        size_granularity=np.nan,
        reject_prob=0.0,
        lock_cash=False,
        allow_partial=True,
        raise_reject=False,
        log=False,
        val_price=np.inf,
        init_cash=float(init_cash),
        cash_sharing=True,
        group_by="threshold",
        call_seq="auto",
        ffill_val_price=True,
        update_value=False,
        seed=None,
        freq="1D",
        attach_call_seq=False,
        fillna_close=True,
    )
    return pf.returns()


def measure_vectorbt(
    data: BenchData, *, n_variants: int, check: int = 5, repeats: int = 3
) -> dict[str, Any]:
    """Time ``vectorbt_sweep`` over ``n_variants`` thresholds; compare with our reference.

    Returns ``n_variants``, ``per_variant_s`` (median over ``repeats`` of the whole call,
    decisions included, after one warm-up), ``max_abs_diff`` (max |daily return - ours| over
    ``check`` thresholds, our reference engine without carry), ``version``.
    """
    import statistics

    import vectorbt as vbt

    from backtests.engines.engine import run_backtest
    from backtests.rotation.spec import RotationSpec
    from backtests.rotation.targets import target_weights
    from benchmarks.peer_bench import DEFAULT_FACTOR
    from data.config import load_config

    cfg = load_config()
    spec = RotationSpec.from_config(cfg, rule="switch", rebalance="weekly")
    factor = data.factors[DEFAULT_FACTOR]
    thresholds = [round(float(x), 6) for x in np.linspace(-1.0, 1.0, n_variants)]
    kw = dict(
        near=spec.near,
        long=spec.long,
        band=spec.band,
        fees={c: spec.fee_rate(c) for c in spec.tickers},
        slippage=spec.slippage,
        init_cash=spec.init_cash,
    )
    vectorbt_sweep(data.prices, factor, thresholds[:2], **kw)  # warm-up (compilation)
    times = []
    rets = None
    for _ in range(max(1, repeats)):
        rets = None
        t0 = time.perf_counter()
        rets = vectorbt_sweep(data.prices, factor, thresholds, **kw)
        times.append(time.perf_counter() - t0)
    diffs = []
    picks = np.unique(np.linspace(0, n_variants - 1, min(check, n_variants)).round().astype(int))
    for i in picks:
        s = spec.replace(threshold=thresholds[i])
        ours = run_backtest(
            data.prices, target_weights(factor, data.prices, s), s, engine="reference"
        )
        theirs = rets.iloc[:, i].to_numpy()
        diffs.append(float(np.nanmax(np.abs(ours.returns.to_numpy() - theirs))))
    seconds = statistics.median(times)
    return {
        "version": vbt.__version__,
        "n_variants": n_variants,
        "seconds": seconds,
        "per_variant_s": seconds / n_variants,
        "max_abs_diff": max(diffs),
        "checked_variants": len(picks),
        "timings": times,
    }
