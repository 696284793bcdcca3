"""The phases of a benchmark run, each measured by a worker in a fresh process.

:class:`Phases` has one method per phase (:data:`PHASES`, in the order they run): each
starts ``benchmarks/worker.py`` (:func:`worker`) with the run's settings and adds its
measurements to the results. Progress goes to stderr (:func:`log`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

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
    "page",
    "inference",
)
LEAN_FROM = 50_000  # sweeps this large keep only the table and the moments


def worker(
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


def log(msg: str) -> None:
    """Write ``[bench HH:MM:SS] msg`` to stderr."""
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


@dataclass
class Phases:
    """The measurements, one method per phase, each adding its keys to ``results``."""

    args: argparse.Namespace
    s: dict[str, Any]
    workdir: Path
    mirror: Path | None
    data_path: Path

    @property
    def common(self) -> list[str]:
        """The worker arguments every data-based phase passes: the data file and the axes."""
        return ["--data", str(self.data_path), "--axes", self.s["axes"]]

    @property
    def chunk(self) -> str:
        """The sweep chunk size: the settings', else the configuration's."""
        if self.s["chunk_size"] is not None:
            return str(self.s["chunk_size"])
        from data.config import load_config

        return str(int(load_config().sweep.chunk_size))

    def sweeps(self, results: dict[str, Any]) -> None:
        """Time the sweep at each size (``sweeps``), one worker per size."""
        rows = []
        for n in self.s["sizes"]:
            log(f"sweep {n} variants")
            extra = ["--n", str(n), "--repeats", str(self.s["repeats"]), "--chunk-size", self.chunk]
            extra += ["--lean"] if n >= LEAN_FROM else []
            rows.append(worker("sweep", self.workdir, *self.common, *extra))
        results["sweeps"] = rows

    def _ours(self, results: dict[str, Any]) -> dict[str, Any] | None:
        """Return the sweep row peers are compared with: 10,000 variants, else the largest kept."""
        kept = [r for r in results.get("sweeps") or [] if r.get("returns_kept", True)]
        ten = [r for r in kept if r["n_variants"] >= 10000]
        return ten[0] if ten else (max(kept, key=lambda r: r["n_variants"]) if kept else None)

    def vectorbt(self, results: dict[str, Any]) -> None:
        """Time vectorbt's parameter-as-columns sweep (``peers.vectorbt``)."""
        log("vectorbt parameter-as-columns sweep")
        extra = ["--n", str(self.s["vbt_variants"]), "--repeats", str(self.s["repeats"])]
        p = worker("vectorbt", self.workdir, *self.common, *extra)
        ours = self._ours(results)
        if ours:
            p["speed_ratio"] = p["per_variant_s"] / ours["per_variant_s"]
            p["speed_ratio_vs_n_variants"] = ours["n_variants"]
        p.setdefault("max_abs_diff_frictionless", float("nan"))
        results.setdefault("peers", {})["vectorbt"] = p

    def long(self, results: dict[str, Any]) -> None:
        """Time the sweep on a long synthetic history (``long_history``)."""
        log(f"long history: {self.s['long_bars']} synthetic bars")
        extra = ["--bars", str(self.s["long_bars"]), "--n", str(self.s["long_variants"])]
        extra += ["--repeats", str(self.s["repeats"])]
        results["long_history"] = worker("long", self.workdir, *extra)

    def history(self, results: dict[str, Any]) -> None:
        """Time the long-history report (``long_history_report``), or note why not."""
        from benchmarks.long_history import missing_history_files

        if self.mirror is None:
            why = "no mirror: --tiny and --synthetic runs have none"
        else:
            lost = missing_history_files(self.mirror)
            why = f"the mirror {self.mirror} lacks {', '.join(lost)}" if lost else None
        if why is not None:
            log(f"long-history report skipped: {why}")
            results["long_history_report"] = {"skipped": why}
            return
        log(f"long-history report on {self.mirror}")
        extra = ["--mirror", str(self.mirror), *(["--tiny"] if self.args.tiny else [])]
        env = {"SCARCITY_CACHE": str(self.workdir / "history_cache")}  # a cache of its own
        results["long_history_report"] = worker("history", self.workdir, *extra, env=env)

    def spa(self, results: dict[str, Any]) -> None:
        """Time SPA + StepM over the sweep's returns (``spa``)."""
        log("SPA + StepM")
        extra = ["--n", str(self.s["spa_variants"]), "--reps", str(self.s["spa_reps"])]
        results["spa"] = worker("spa", self.workdir, *self.common, *extra)

    def kernels(self, results: dict[str, Any]) -> None:
        """Time the engine kernel against the hardware floors (``hardware_limit``)."""
        log("kernels vs the hardware floors")
        extra = ["--n", str(self.s["kernel_n"]), "--repeats", str(max(3, self.s["repeats"]))]
        results["hardware_limit"] = worker(
            "kernels", self.workdir, *self.common, *extra, "--chunk-size", self.chunk
        )

    def compile(self, results: dict[str, Any]) -> None:
        """Time numba's compilation, cold then warm (``numba_compile``)."""
        # Both modes fill a cache directory of their own, then load from it: the warm
        # numbers never depend on what an earlier run left in NUMBA_CACHE_DIR.
        comp: dict[str, Any] = {}
        own = {"NUMBA_CACHE_DIR": str(self.workdir / "numba_compile")}
        log("numba compile, cold (an empty cache of its own)")
        comp["cold"] = worker("compile", self.workdir, env=own)
        log("numba compile, warm (the cache the cold run filled)")
        comp["warm"] = worker("compile", self.workdir, env=own)
        results["numba_compile"] = comp

    def peers(self, results: dict[str, Any]) -> None:
        """Time backtrader and bt on the same rotation, with speed ratios (``peers``)."""
        log("peers")
        thresholds = f"--thresholds={self.s['peer_thresholds']}"
        peers = worker("peers", self.workdir, *self.common, thresholds)
        results["reference_engine"] = peers.pop("reference")
        ours = self._ours(results)
        for p in peers.values():
            if ours and "per_variant_s" in p:
                p["speed_ratio"] = p["per_variant_s"] / ours["per_variant_s"]
                p["speed_ratio_vs_n_variants"] = ours["n_variants"]
        results["peers"] = {**peers, **results.get("peers", {})}

    def report(self, results: dict[str, Any]) -> None:
        """Time ``scarcity report``, cold and warm (``report_seconds``)."""
        from benchmarks.endtoend import measure_report

        log("scarcity report, cold and warm")
        results["report_seconds"] = measure_report(
            self.workdir / "report",
            mirror=self.mirror,
            warm_repeats=self.s["warm_repeats"],
            tiny=self.args.tiny,
            cold=not self.args.tiny,  # a cold report compiles vectorbt (about a minute)
        )
        self._first_use(results)

    def _first_use(self, results: dict[str, Any]) -> None:
        """``first_report_s``, ``warm_report_s``, ``first_output_s`` (issue 25's targets)."""
        from benchmarks.endtoend import report_env
        from benchmarks.first_use import first_output

        rep = results["report_seconds"]
        first = rep.get("first")
        results["first_report_s"] = (
            None if first is None else first + (rep.get("history_first_s") or 0.0)
        )
        results["warm_report_s"] = rep.get("warm")
        log("first output of each command")
        env = report_env(self.workdir / "report", Path(os.environ["NUMBA_CACHE_DIR"]))
        results["first_output"] = first_output(env, self.workdir / "first_output")
        results["first_output_s"] = results["first_output"]["max_s"]

    def page(self, results: dict[str, Any]) -> None:
        """Weigh the report page and time its load in headless Chromium (``page``)."""
        from benchmarks.page_weight import measure_page

        index = self.workdir / "report" / "report" / "index.html"
        if not index.is_file():
            results["page"] = {"skipped": "no report page (the report phase was skipped)"}
            return
        log("report page: size and headless load time")
        results["page"] = measure_page(index)

    def inference(self, results: dict[str, Any]) -> None:
        """Time the pipeline stages and the inference suite (``inference``)."""
        from benchmarks.endtoend import report_args, report_env, run_cli

        log("pipeline stages and the inference suite")
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
        results["inference"] = worker("pipeline", self.workdir, *extra, env=env)
