"""Timing of the data-snooping tests (Hansen SPA, Romano-Wolf StepM) at sweep scale.

The tests live in ``backtests.inference.snooping``. ``measure_spa`` times them on a real
sweep's returns (the ``spa`` phase of ``benchmarks/run.py``); ``run`` times them on a
synthetic sweep (one common factor, variant-specific noise and drift, a benchmark correlated
with the factor) of ``n_obs`` days, data generation not timed. Run directly for a few
repeats::

    python -m benchmarks.spa_bench --variants 10000 --reps 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.common import BenchData, peak_rss_mib


def measure_spa(data: BenchData, n_variants: int, *, reps: int, axes: dict) -> dict[str, Any]:
    """Seconds of SPA + StepM over the returns of an ``n_variants`` sweep, ``reps`` draws."""
    if importlib.util.find_spec("backtests.inference.snooping") is None:
        return {"skipped": "backtests.inference.snooping is not in this tree yet"}
    from backtests.inference import snooping
    from backtests.sweep.core import run_sweep
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
    # from the first day every factor is defined (every trial live), as the pipeline's window
    start = max(f.first_valid_index() for f in data.factors.values())
    rets = res.returns.loc[start:]
    rets = rets.dropna(how="all").fillna(0.0)
    # benchmark: the 50/50 mix of the two equal-weighted baskets, rebalanced daily
    from backtests.rotation.spec import RotationSpec

    spec = RotationSpec.from_config(cfg)
    member = data.prices.ffill().pct_change(fill_method=None)
    near = member[list(spec.near)].mean(axis=1)
    long = member[list(spec.long)].mean(axis=1)
    bench = (0.5 * near + 0.5 * long).reindex(rets.index).fillna(0.0)
    t0 = time.perf_counter()
    out = runner(rets, bench, reps=reps, seed=0)
    seconds = time.perf_counter() - t0
    return {
        "n_variants": int(res.n_trials),
        "reps": int(reps),
        "seconds": seconds,
        "n_obs": int(len(rets)),
        "block_length": float(out.spa.block_length),
        "spa_pvalue": float(out.spa.pvalue),
        "stepm_better": len(out.stepm.better),
        "peak_rss_mib": peak_rss_mib(),
    }


def synthetic_sweep(
    n_variants: int, n_obs: int = 1500, seed: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """Correlated variant returns (``n_obs x n_variants``) and a benchmark series."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2019-01-01", periods=n_obs, name="date")
    factor = rng.normal(0.0004, 0.012, n_obs)
    drift = rng.normal(0.0, 0.0002, n_variants)
    trials = factor[:, None] + drift + rng.normal(0.0, 0.004, (n_obs, n_variants))
    bench = 0.8 * factor + rng.normal(0.0, 0.004, n_obs)
    cols = [f"v{j}" for j in range(n_variants)]
    return pd.DataFrame(trials, index=idx, columns=cols), pd.Series(bench, index=idx)


def run(n_variants: int = 10_000, reps: int = 1000, n_obs: int = 1500, seed: int = 0) -> dict:
    """Time SPA + StepM (fast engine) once: ``{n_variants, reps, n_obs, seconds, ...}``."""
    from backtests.inference import data_snooping

    trials, bench = synthetic_sweep(n_variants, n_obs, seed)
    t0 = time.perf_counter()
    res = data_snooping(trials, bench, reps=reps, block_length=5.0, seed=seed)
    seconds = time.perf_counter() - t0
    return {
        "n_variants": int(n_variants),
        "reps": int(reps),
        "n_obs": int(n_obs),
        "seconds": float(seconds),
        "spa_pvalue": res.spa.pvalue,
        "stepm_better": len(res.stepm.better),
    }


def main(argv: list[str] | None = None) -> int:
    """Print one row per repeat."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variants", type=int, default=10_000)
    p.add_argument("--reps", type=int, default=1000)
    p.add_argument("--obs", type=int, default=1500)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for i in range(args.repeat):
        row = run(args.variants, args.reps, args.obs, seed=i)
        rows.append(row)
        print(
            f"SPA+StepM {row['n_variants']} variants x {row['reps']} draws, T={row['n_obs']}: "
            f"{row['seconds']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
