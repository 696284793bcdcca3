"""One measurement in a fresh process (so peak RSS and numba caches are its own).

``python benchmarks/worker.py TASK --json-out PATH [options]`` writes one JSON object to
PATH. Tasks: ``sweep``, ``kernels``, ``compile``, ``peers``, ``pipeline``, ``vectorbt``, ``long``,
``history``, ``spa``. Called by
``benchmarks/run.py``; not meant to be run by hand.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="benchmarks/worker.py")
    p.add_argument(
        "task",
        choices=(
            "sweep",
            "kernels",
            "compile",
            "peers",
            "pipeline",
            "vectorbt",
            "long",
            "history",
            "spa",
        ),
    )
    p.add_argument("--json-out", required=True)
    p.add_argument("--data", help="pickled BenchData")
    p.add_argument("--n", type=int, default=0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--chunk-size", type=int, default=500)
    p.add_argument("--axes", choices=("default", "tiny"), default="default")
    p.add_argument("--thresholds", default="-0.5,0.0,0.5")
    p.add_argument("--workdir")
    p.add_argument("--mirror", default="")
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--reference-draws", type=int, default=100)
    p.add_argument("--lean", action="store_true", help="sweep without the returns matrix")
    p.add_argument("--bars", type=int, default=16000)
    p.add_argument("--reps", type=int, default=1000)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    warnings.simplefilter("ignore", DeprecationWarning)
    from benchmarks import sweeps
    from benchmarks.common import BenchData

    axes = sweeps.TINY_AXES if args.axes == "tiny" else sweeps.DEFAULT_AXES
    if args.task == "sweep":
        data = BenchData.load(Path(args.data))
        out = sweeps.measure_sweep(
            data,
            args.n,
            axes=axes,
            repeats=args.repeats,
            chunk_size=args.chunk_size,
            keep_returns=not args.lean,
        )
    elif args.task == "vectorbt":
        from benchmarks.vbt_peer import measure_vectorbt

        data = BenchData.load(Path(args.data))
        out = measure_vectorbt(data, n_variants=args.n, repeats=args.repeats)
    elif args.task == "long":
        out = sweeps.measure_long_history(args.bars, args.n, repeats=args.repeats)
    elif args.task == "history":
        from benchmarks.long_history import measure_long_history_report

        out = measure_long_history_report(args.mirror, tiny=args.tiny)
    elif args.task == "spa":
        from benchmarks.spa_bench import measure_spa

        data = BenchData.load(Path(args.data))
        out = measure_spa(data, args.n, reps=args.reps, axes=axes)
    elif args.task == "kernels":
        data = BenchData.load(Path(args.data))
        out = sweeps.measure_kernels(
            data, args.n, axes=axes, chunk_size=args.chunk_size, repeats=args.repeats
        )
    elif args.task == "compile":
        out = sweeps.measure_compile()
    elif args.task == "peers":
        from benchmarks.peer_bench import measure_peers

        data = BenchData.load(Path(args.data))
        thresholds = [float(x) for x in args.thresholds.split(",") if x.strip()]
        out = measure_peers(data, thresholds=thresholds)
    else:
        from benchmarks.endtoend import measure_pipeline

        out = measure_pipeline(
            Path(args.workdir),
            mirror=Path(args.mirror) if args.mirror else None,
            tiny=args.tiny,
            draws=args.draws,
            reference_draws=args.reference_draws,
        )
    Path(args.json_out).write_text(json.dumps(out, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
