"""Time the peers (backtrader, bt) on the default rotation; compare with our reference engine.

The peers' daily returns are compared with the project's reference engine on the same data,
factor and rule.

Each variant is the default switch rule (weekly, default band and costs) at one threshold.
Our side is ``target_weights`` + ``run_backtest(engine="reference")`` without carry (the
peers model neither cash interest nor borrow; the switch rule never shorts).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import pandas as pd

from benchmarks import peers
from benchmarks.common import BenchData

DEFAULT_FACTOR = (0, 63)


def _ours(data: BenchData, spec: Any, factor: pd.Series) -> tuple[pd.Series, float]:
    from backtests.engines.engine import run_backtest
    from backtests.rotation.targets import target_weights

    t0 = time.perf_counter()
    targets = target_weights(factor, data.prices, spec)
    res = run_backtest(data.prices, targets, spec, engine="reference")
    return res.returns, time.perf_counter() - t0


def measure_peers(
    data: BenchData,
    *,
    thresholds: list[float],
    factor_key: tuple[int, int] = DEFAULT_FACTOR,
) -> dict[str, Any]:
    """Run every installed peer on each threshold; time it and compare with our reference.

    Returns
    -------
    dict
        Per peer (``backtrader``, ``bt``): ``n_variants``, ``per_variant_s`` (median wall
        seconds of one complete run, data feeds included), ``max_abs_diff`` (max over
        variants and days of |our daily return - theirs|, costs as configured),
        ``max_abs_diff_frictionless`` (the first variant with zero fees and slippage),
        ``version`` and, for backtrader, ``max_abs_diff_settled`` (its costs booked on the
        fill date) and ``rejected_orders``. A peer that is not installed gets
        ``{"skipped": reason}``. Key ``reference`` holds our reference engine's per-variant
        seconds.
    """
    from backtests.rotation.spec import RotationSpec
    from data.config import load_config

    cfg = load_config()
    factor = data.factors[factor_key]
    versions = peers.available()
    out: dict[str, Any] = {}
    ref_times: list[float] = []
    ours_by_th: dict[float, pd.Series] = {}
    specs = {}
    for th in thresholds:
        spec = RotationSpec.from_config(cfg, rule="switch", rebalance="weekly", threshold=th)
        specs[th] = spec
        ours_by_th[th], seconds = _ours(data, spec, factor)
        ref_times.append(seconds)
    frictionless = specs[thresholds[0]].replace(equity_bps=0.0, crypto_bps=0.0, slippage_bps=0.0)
    ours_free, _ = _ours(data, frictionless, factor)
    out["reference"] = {
        "n_variants": len(thresholds),
        "per_variant_s": statistics.median(ref_times),
    }
    for name, run in peers.PEERS.items():
        if versions.get(name) is None:
            out[name] = {"skipped": f"{name} is not installed (pip install -e '.[bench]')"}
            continue
        times, diffs, settled, rejected = [], [], [], 0
        for th in thresholds:
            pspec = peers.PeerSpec.from_rotation(specs[th])
            t0 = time.perf_counter()
            res = run(data.prices, factor, pspec)
            times.append(time.perf_counter() - t0)
            diffs.append(peers.compare(ours_by_th[th], res.returns))
            if res.settled is not None:
                settled.append(peers.compare(ours_by_th[th], res.settled))
            rejected += res.rejected_orders
        free = run(data.prices, factor, peers.PeerSpec.from_rotation(frictionless))
        entry: dict[str, Any] = {
            "version": versions[name],
            "n_variants": len(thresholds),
            "per_variant_s": statistics.median(times),
            "max_abs_diff": max(diffs),
            "max_abs_diff_frictionless": peers.compare(ours_free, free.returns),
            "timings": times,
        }
        if settled:
            entry["max_abs_diff_settled"] = max(settled)
            entry["rejected_orders"] = rejected
        out[name] = entry
    return out
