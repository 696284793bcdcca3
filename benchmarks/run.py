"""Benchmarks of capital-scarcity: ``python benchmarks/run.py --out benchmarks/results.json``.

Measures, on the default rotation over the backtest window (the real mirror when present,
else the synthetic market; ``data.source`` in the output says which):

1. sweep throughput of ``run_sweep(engine="numba")`` at 1,000, 10,000 and 100,000 variants
   (factor windows x rules x rebalance calendars x thresholds): median wall seconds after
   one warm-up, asset-bars per second, peak RSS (each size in a fresh process; from
   50,000 variants on with ``keep_returns=False``: table and block moments only);
2. the engine kernel against two floors on the same cells (``hardware_limit``);
3. numba compile time, cold (empty cache) and warm (cached: no recompilation);
4. backtrader and bt running the same rotation (``peers``): per-variant seconds, speed
   ratio against our per-variant cost, max absolute difference of daily returns against
   our reference engine;
5. ``scarcity report`` on cached data, cold and warm (``report_seconds``), where its time
   goes, and the inference suite (bootstrap, placebo, PBO) at 1,000 draws; what the
   mechanism study adds to the report, bootstrap included (``mechanism_s``);
6. vectorbt's own parameter-as-columns sweep of the same rotation (``peers.vectorbt``);
7. the sweep on a long synthetic history (~16,000 bars, ``long_history``);
8. the long-history report (``configs/long_history.toml``: load, factor, the sweep of
   spreads and the inference, report) on the mirror's Ken French and FRED-MD/QD files
   (``long_history_report``), skipped with a note when the mirror lacks them;
9. SPA + StepM over the sweep's returns (``spa``), once ``backtests.inference.snooping``
   exists.

``--tiny`` runs every phase at toy sizes (the test suite does, so the script cannot rot);
its numbers mean nothing. The Makefile's ``bench`` target sets ``NUMBA_CACHE_DIR``; without
it the project's ``.numba_cache`` is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / ".numba_cache"))

from benchmarks.phases import (  # noqa: E402 - after the path set-up above
    LEAN_FROM,
    PHASES,
    Phases,
    log,
    worker,
)
from benchmarks.results_table import TARGETS, fmt, table, target_rows  # noqa: E402


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.split("\n")[0])
    p.add_argument("--out", default=str(REPO / "benchmarks" / "results.json"))
    p.add_argument("--tiny", action="store_true", help="toy sizes (tests): numbers mean nothing")
    p.add_argument("--skip", default="", help=f"comma-separated phases to skip: {','.join(PHASES)}")
    p.add_argument("--mirror", default=None, help="mirror directory (default: the shared one)")
    p.add_argument("--synthetic", action="store_true", help="use the synthetic market")
    p.add_argument("--repeats", type=int, default=None, help="timed repeats per sweep size")
    p.add_argument("--sizes", default=None, help="comma-separated sweep sizes")
    p.add_argument("--workdir", default=None, help="scratch directory (default: a temp dir)")
    return p


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    if args.tiny:
        s = dict(
            sizes=[6, 12],
            repeats=1,
            axes="tiny",
            chunk_size=5,
            kernel_n=12,
            peer_thresholds="0.0",
            vbt_variants=4,
            long_bars=400,
            long_variants=12,
            spa_variants=12,
            spa_reps=20,
            last_bars=300,
            warm_repeats=1,
            draws=20,
            reference_draws=4,
        )
    else:
        s = dict(
            sizes=[1000, 10000, 100000],
            repeats=3,
            axes="default",
            chunk_size=None,
            kernel_n=10000,
            peer_thresholds="-0.5,0.0,0.5",
            vbt_variants=100,
            long_bars=16000,
            long_variants=1000,
            spa_variants=10000,
            spa_reps=1000,
            last_bars=None,
            warm_repeats=2,
            draws=1000,
            reference_draws=100,
        )
    if args.sizes:
        s["sizes"] = [int(x) for x in args.sizes.split(",") if x.strip()]
    if args.repeats:
        s["repeats"] = int(args.repeats)
    return s


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(PHASES)
    if unknown:
        sys.stderr.write(f"unknown phase(s) in --skip: {sorted(unknown)}; valid: {PHASES}\n")
        return 2
    s = _settings(args)
    from benchmarks import sweeps
    from benchmarks.common import default_mirror, load_average, machine, prepare

    mirror = (
        None
        if args.synthetic or args.tiny
        else (Path(args.mirror) if args.mirror else default_mirror())
    )
    if mirror is not None and not (mirror / "prices").is_dir():
        sys.stderr.write(f"mirror directory not found: {mirror}\n")
        return 2
    tmp = tempfile.TemporaryDirectory(prefix="scarcity-bench-") if not args.workdir else None
    workdir = Path(args.workdir or tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SCARCITY_CACHE", str(workdir / "cache"))
    axes = sweeps.TINY_AXES if s["axes"] == "tiny" else sweeps.DEFAULT_AXES
    results: dict[str, Any] = {
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "tiny" if args.tiny else "full",
        "machine": machine(),
        "load_average": {"start": load_average()},
        "numba_cache_dir": os.environ["NUMBA_CACHE_DIR"],
    }
    log(f"preparing data ({'mirror ' + str(mirror) if mirror else 'synthetic'})")
    data = prepare(
        pairs=sweeps.factor_pairs(axes),
        mirror=mirror,
        start="2015-01-01",
        end="2025-12-31",
        last_bars=s["last_bars"],
    )
    data_path = workdir / "bench_data.pkl"
    data.save(data_path)
    px = data.prices
    results["data"] = {
        "source": data.source,
        "start": str(px.index[0].date()),
        "end": str(px.index[-1].date()),
        "bars": int(px.shape[0]),
        "assets": int(px.shape[1]),
        "tickers": list(px.columns),
        "factor_pairs": len(data.factors),
        "factor_first_date": min(
            (str(f.first_valid_index().date()) for f in data.factors.values() if f.notna().any()),
            default=None,
        ),
        "factor_build_s": data.factor_build_s,
    }
    ctx = Phases(args=args, s=s, workdir=workdir, mirror=mirror, data_path=data_path)
    for phase in PHASES:
        if phase not in skip:
            getattr(ctx, phase)(results)
    results.setdefault("sweeps", [])
    results["mechanism_s"] = results.get("inference", {}).get("mechanism_s")
    if "report" in skip:
        results["report_seconds"] = {"cold": None, "warm": None, "skipped": "--skip report"}
    results["load_average"]["end"] = load_average()
    results["targets"] = target_rows(results)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=float) + "\n")
    sys.stdout.write(table(results) + "\n")
    sys.stdout.write(f"results written to {out}\n")
    if tmp is not None:
        tmp.cleanup()
    return 0


# Former private names here, kept for importers of this module.
_Phases, _worker, _log, _fmt, _target_rows = Phases, worker, log, fmt, target_rows

__all__ = ["LEAN_FROM", "PHASES", "TARGETS", "main", "table"]


if __name__ == "__main__":
    raise SystemExit(main())
