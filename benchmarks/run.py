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
   goes, and the inference suite (bootstrap, placebo, PBO) at 1,000 draws;
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
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / ".numba_cache"))

PHASES = (
    "sweeps",
    "kernels",
    "compile",
    "peers",
    "vectorbt",
    "long",
    "history",
    "spa",
    "report",
    "inference",
)
LEAN_FROM = 50_000  # sweeps this large keep only the table and the moments

TARGETS = {
    "sweep_10000_s": (2.5, "<="),
    "sweep_100000_peak_rss_mib": (1536.0, "<="),
    "backtrader_speed_ratio": (1000.0, ">="),
    "bt_speed_ratio": (300.0, ">="),
    "vectorbt_speed_ratio": (5.0, ">="),
    "spa_10000_s": (20.0, "<="),
    "report_warm_s": (15.0, "<="),
    "inference_1000_s": (20.0, "<="),
    # the long-history report (16,000 bars: sweep and inference included) within the
    # budget of a warm report
    "long_history_report_s": (15.0, "<="),
}


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


def _worker(
    task: str, workdir: Path, *extra: str, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``benchmarks/worker.py TASK`` in a fresh process; return its JSON."""
    out = workdir / f"{task}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, str(REPO / "benchmarks" / "worker.py"), task, "--json-out", str(out)]
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [*cmd, *extra], cwd=REPO, env=full_env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {task} {' '.join(extra)} failed:\n{proc.stderr[-4000:]}")
    return json.loads(out.read_text())


def _log(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


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


def _target_rows(results: dict[str, Any]) -> dict[str, Any]:
    measured: dict[str, float | None] = {}
    rows = results.get("sweeps") or []
    ten = [r for r in rows if 10000 <= r["n_variants"] < 11000]
    measured["sweep_10000_s"] = ten[0]["seconds"] if ten else None
    big = [r for r in rows if r["n_variants"] >= 100000]
    measured["sweep_100000_peak_rss_mib"] = big[0]["peak_rss_mib"] if big else None
    for name in ("backtrader", "bt", "vectorbt"):
        measured[f"{name}_speed_ratio"] = results.get("peers", {}).get(name, {}).get("speed_ratio")
    spa = results.get("spa", {})
    measured["spa_10000_s"] = spa.get("seconds") if spa.get("n_variants", 0) >= 10000 else None
    measured["report_warm_s"] = results.get("report_seconds", {}).get("warm")
    measured["inference_1000_s"] = results.get("inference", {}).get("suite_s")
    measured["long_history_report_s"] = (
        results.get("long_history_report", {}).get("seconds", {}).get("total")
    )
    if results.get("mode") == "tiny":
        measured = dict.fromkeys(measured)  # toy sizes: nothing to compare
    rows = {}
    for key, (target, op) in TARGETS.items():
        value = measured.get(key)
        ratio = None if value is None else value / target
        met = None if value is None else (value <= target if op == "<=" else value >= target)
        rows[key] = {"target": target, "op": op, "measured": value, "ratio": ratio, "met": met}
    return rows


def _fmt(x: Any, spec: str = ".3g") -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return format(x, spec)
    return str(x)


def table(results: dict[str, Any]) -> str:
    """Format the results as a plain-text table."""
    d = results["data"]
    lines = [
        f"capital-scarcity benchmarks ({results['mode']}), {results['generated_at']}",
        f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"{results['machine']['memory_gib']} GiB; load {results['load_average']}",
        f"data: {d['source']} {d['start']}..{d['end']}: {d['bars']} bars x {d['assets']} assets",
        "",
        f"{'sweep variants':>15} {'seconds':>9} {'ms/variant':>11} {'Masset-bars/s':>14} "
        f"{'peak RSS MiB':>13} {'returns MiB':>12}",
    ]
    for r in results.get("sweeps", []):
        lines.append(
            f"{r['n_variants']:>15} {r['seconds']:>9.3f} {r['per_variant_s'] * 1e3:>11.3f} "
            f"{r['asset_bars_per_s'] / 1e6:>14.1f} {r['peak_rss_mib']:>13.0f} "
            f"{r['returns_matrix_mib']:>12.0f}"
            + ("" if r.get("returns_kept", True) else "  (keep_returns=False)")
        )
    hw = results.get("hardware_limit", {})
    if "engine_kernel_nb_s" in hw:
        lines += [
            "",
            f"hardware limit at {hw['n_variants']} variants ({hw['cells']:.3g} cells): "
            f"read-only {hw['read_only_s']:.3f} s, "
            f"arithmetic-only {hw['arithmetic_only_s']:.3f} s, "
            f"engine kernel {hw['engine_kernel_nb_s']:.3f} s "
            f"({hw['engine_kernel_nb_s'] / hw['arithmetic_only_s']:.1f}x the arithmetic floor)",
        ]
        if "sweep_kernel_s" in hw:
            lines.append(
                f"compiled sweep, {hw['sweep_trials']} trials: plan {hw['sweep_plan_s']:.3f} s, "
                f"kernel {hw['sweep_kernel_s']:.3f} s without returns, "
                f"{hw['sweep_kernel_returns_s']:.3f} s writing them "
                f"({hw['sweep_kernel_s'] / hw['arithmetic_only_s']:.1f}x the arithmetic floor)"
            )
    nc = results.get("numba_compile", {})
    if nc.get("warm"):
        cold = nc.get("cold") or {}
        lines.append(
            f"numba: cold compile {_fmt(cold.get('total_s'))} s, warm load "
            f"{_fmt(nc['warm'].get('total_s'))} s (warm cache misses: {nc['warm']['cache_misses']})"
        )
    peers = results.get("peers", {})
    if peers:
        lines += [
            "",
            f"{'peer':>12} {'variants':>9} {'s/variant':>10} {'speed ratio':>12} "
            f"{'max |dr|':>10} {'frictionless':>13}",
        ]
        for name, p in peers.items():
            if "skipped" in p:
                lines.append(f"{name:>12}  skipped: {p['skipped']}")
                continue
            lines.append(
                f"{name:>12} {p['n_variants']:>9} {p['per_variant_s']:>10.3f} "
                f"{_fmt(p.get('speed_ratio'), '.0f'):>12} {p['max_abs_diff']:>10.2e} "
                f"{p['max_abs_diff_frictionless']:>13.2e}"
            )
    rep = results.get("report_seconds", {})
    if rep.get("warm") is not None:
        lines += [
            "",
            f"scarcity report: cold {_fmt(rep.get('cold'))} s, warm {_fmt(rep['warm'])} s",
        ]
    inf = results.get("inference", {})
    if "bootstrap_s" in inf:
        lines.append(
            f"inference at {inf['draws']} draws: bootstrap {inf['bootstrap_s']:.2f} s, placebo "
            f"{inf['placebo_s']:.2f} s (numba sweep, as the pipeline; reference engine per "
            f"draw: {inf['placebo_reference_s']:.1f} s), PBO {_fmt(inf['pbo_s'])} s"
        )
        stages = inf.get("pipeline_stages_s", {})
        lines.append("report stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    lh = results.get("long_history", {})
    if "seconds" in lh:
        lines.append(
            f"long history ({lh['source']}, {lh['bars']} bars x {lh['assets']} assets): "
            f"{lh['n_variants']} variants in {lh['seconds']:.2f} s "
            f"({lh['per_variant_s'] * 1e3:.3f} ms/variant, peak RSS {lh['peak_rss_mib']:.0f} MiB)"
        )
    lr = results.get("long_history_report", {})
    if "seconds" in lr:
        t = lr["seconds"]
        lines.append(
            f"long-history report ({lr['source']}, {lr['start']}..{lr['end']}: {lr['bars']} bars, "
            f"{lr['n_trials']} trials): {t['total']:.2f} s = load {t['load']:.2f} + factor "
            f"{t['factor']:.2f} + sweep and inference {t['study']:.2f} + report "
            f"{t['report']:.2f} (from the cache: load {t['load_cached']:.2f} s), peak RSS "
            f"{lr['peak_rss_mib']:.0f} MiB"
        )
    elif "skipped" in lr:
        lines.append(f"long-history report: skipped ({lr['skipped']})")
    spa = results.get("spa", {})
    if spa:
        if "seconds" in spa:
            lines.append(
                f"SPA + StepM: {spa['n_variants']} variants x {spa['reps']} draws in "
                f"{spa['seconds']:.2f} s"
            )
        else:
            lines.append(f"SPA + StepM: skipped ({spa.get('skipped')})")
    lines += ["", f"{'target':>26} {'target':>9} {'measured':>10} {'ratio':>7}  met"]
    for key, row in results["targets"].items():
        lines.append(
            f"{key:>26} {row['op']}{row['target']:>7g} {_fmt(row['measured']):>10} "
            f"{_fmt(row['ratio'], '.2f'):>7}  {_fmt(row['met'])}"
        )
    return "\n".join(lines)


@dataclass
class _Phases:
    """The measurements, one method per phase, each adding its keys to ``results``."""

    args: argparse.Namespace
    s: dict[str, Any]
    workdir: Path
    mirror: Path | None
    data_path: Path

    @property
    def common(self) -> list[str]:
        return ["--data", str(self.data_path), "--axes", self.s["axes"]]

    @property
    def chunk(self) -> str:
        if self.s["chunk_size"] is not None:
            return str(self.s["chunk_size"])
        from data.config import load_config

        return str(int(load_config().sweep.chunk_size))

    def sweeps(self, results: dict[str, Any]) -> None:
        rows = []
        for n in self.s["sizes"]:
            _log(f"sweep {n} variants")
            extra = ["--n", str(n), "--repeats", str(self.s["repeats"]), "--chunk-size", self.chunk]
            extra += ["--lean"] if n >= LEAN_FROM else []
            rows.append(_worker("sweep", self.workdir, *self.common, *extra))
        results["sweeps"] = rows

    def _ours(self, results: dict[str, Any]) -> dict[str, Any] | None:
        """Return the sweep row peers are compared with: 10,000 variants, else the largest kept."""
        kept = [r for r in results.get("sweeps") or [] if r.get("returns_kept", True)]
        ten = [r for r in kept if r["n_variants"] >= 10000]
        return ten[0] if ten else (max(kept, key=lambda r: r["n_variants"]) if kept else None)

    def vectorbt(self, results: dict[str, Any]) -> None:
        _log("vectorbt parameter-as-columns sweep")
        extra = ["--n", str(self.s["vbt_variants"]), "--repeats", str(self.s["repeats"])]
        p = _worker("vectorbt", self.workdir, *self.common, *extra)
        ours = self._ours(results)
        if ours:
            p["speed_ratio"] = p["per_variant_s"] / ours["per_variant_s"]
            p["speed_ratio_vs_n_variants"] = ours["n_variants"]
        p.setdefault("max_abs_diff_frictionless", float("nan"))
        results.setdefault("peers", {})["vectorbt"] = p

    def long(self, results: dict[str, Any]) -> None:
        _log(f"long history: {self.s['long_bars']} synthetic bars")
        extra = ["--bars", str(self.s["long_bars"]), "--n", str(self.s["long_variants"])]
        extra += ["--repeats", str(self.s["repeats"])]
        results["long_history"] = _worker("long", self.workdir, *extra)

    def history(self, results: dict[str, Any]) -> None:
        from benchmarks.long_history import missing_history_files

        if self.mirror is None:
            why = "no mirror: --tiny and --synthetic runs have none"
        else:
            lost = missing_history_files(self.mirror)
            why = f"the mirror {self.mirror} lacks {', '.join(lost)}" if lost else None
        if why is not None:
            _log(f"long-history report skipped: {why}")
            results["long_history_report"] = {"skipped": why}
            return
        _log(f"long-history report on {self.mirror}")
        extra = ["--mirror", str(self.mirror), *(["--tiny"] if self.args.tiny else [])]
        env = {"SCARCITY_CACHE": str(self.workdir / "history_cache")}  # a cache of its own
        results["long_history_report"] = _worker("history", self.workdir, *extra, env=env)

    def spa(self, results: dict[str, Any]) -> None:
        _log("SPA + StepM")
        extra = ["--n", str(self.s["spa_variants"]), "--reps", str(self.s["spa_reps"])]
        results["spa"] = _worker("spa", self.workdir, *self.common, *extra)

    def kernels(self, results: dict[str, Any]) -> None:
        _log("kernels vs the hardware floors")
        extra = ["--n", str(self.s["kernel_n"]), "--repeats", str(max(3, self.s["repeats"]))]
        results["hardware_limit"] = _worker(
            "kernels", self.workdir, *self.common, *extra, "--chunk-size", self.chunk
        )

    def compile(self, results: dict[str, Any]) -> None:
        # Both modes fill a cache directory of their own, then load from it: the warm
        # numbers never depend on what an earlier run left in NUMBA_CACHE_DIR.
        comp: dict[str, Any] = {}
        own = {"NUMBA_CACHE_DIR": str(self.workdir / "numba_compile")}
        _log("numba compile, cold (an empty cache of its own)")
        comp["cold"] = _worker("compile", self.workdir, env=own)
        _log("numba compile, warm (the cache the cold run filled)")
        comp["warm"] = _worker("compile", self.workdir, env=own)
        results["numba_compile"] = comp

    def peers(self, results: dict[str, Any]) -> None:
        _log("peers")
        thresholds = f"--thresholds={self.s['peer_thresholds']}"
        peers = _worker("peers", self.workdir, *self.common, thresholds)
        results["reference_engine"] = peers.pop("reference")
        ours = self._ours(results)
        for p in peers.values():
            if ours and "per_variant_s" in p:
                p["speed_ratio"] = p["per_variant_s"] / ours["per_variant_s"]
                p["speed_ratio_vs_n_variants"] = ours["n_variants"]
        results["peers"] = {**peers, **results.get("peers", {})}

    def report(self, results: dict[str, Any]) -> None:
        from benchmarks.endtoend import measure_report

        _log("scarcity report, cold and warm")
        results["report_seconds"] = measure_report(
            self.workdir / "report",
            mirror=self.mirror,
            warm_repeats=self.s["warm_repeats"],
            tiny=self.args.tiny,
            cold=not self.args.tiny,  # a cold report compiles vectorbt (about a minute)
        )

    def inference(self, results: dict[str, Any]) -> None:
        from benchmarks.endtoend import report_args, report_env, run_cli

        _log("pipeline stages and the inference suite")
        rep_dir = self.workdir / "report"
        rep_dir.mkdir(parents=True, exist_ok=True)
        fetch, _ = report_args(rep_dir, mirror=self.mirror, tiny=self.args.tiny)
        warm = results.get("report_seconds", {}).get("numba_cache_dir")
        if fetch and not warm:  # the report phase did not fill the private cache
            run_cli(fetch, report_env(rep_dir, Path(os.environ["NUMBA_CACHE_DIR"])))
        extra = ["--workdir", str(rep_dir), "--draws", str(self.s["draws"])]
        extra += ["--reference-draws", str(self.s["reference_draws"])]
        extra += ["--mirror", str(self.mirror)] if self.mirror else []
        extra += ["--tiny"] if self.args.tiny else []
        env = {"NUMBA_CACHE_DIR": warm} if warm else None  # warm: nothing to compile
        results["inference"] = _worker("pipeline", self.workdir, *extra, env=env)


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
    _log(f"preparing data ({'mirror ' + str(mirror) if mirror else 'synthetic'})")
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
    ctx = _Phases(args=args, s=s, workdir=workdir, mirror=mirror, data_path=data_path)
    for phase in PHASES:
        if phase not in skip:
            getattr(ctx, phase)(results)
    results.setdefault("sweeps", [])
    if "report" in skip:
        results["report_seconds"] = {"cold": None, "warm": None, "skipped": "--skip report"}
    results["load_average"]["end"] = load_average()
    results["targets"] = _target_rows(results)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=float) + "\n")
    sys.stdout.write(table(results) + "\n")
    sys.stdout.write(f"results written to {out}\n")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
