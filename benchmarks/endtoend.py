"""End to end: ``scarcity report`` cold and warm, its stages, and the inference suite.

- :func:`measure_report` fills a private cache from the mirror (``scarcity fetch``), then
  times ``scarcity report --source cache`` as a user runs it (a fresh process, wall clock):
  first as on a fresh clone (an empty ``NUMBA_CACHE_DIR`` filled by ``make setup``'s
  compile, :mod:`benchmarks.first_use`) and then warm (the same cache, nothing recompiled).
  Without a mirror the synthetic market is used (``--source synthetic``).
- :func:`measure_pipeline` runs :func:`backtests.study.pipeline.run_pipeline` in process with a
  stage callback (where the report's time goes), then times the inference suite for the
  default sweep as the pipeline runs it: the stationary-bootstrap Sharpe interval, the
  placebo test (placebos simulated together by the numba sweep; the reference engine once
  per draw for comparison) and PBO.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, peak_rss_mib, timed

TINY_CONFIG = """\
[inference]
bootstrap_reps = 50
placebo_reps = 10

[sweep]
zscore_window = [0]
change_window = [63]
threshold = [-0.5, 0.5]
rule = ["switch", "tilt"]
rebalance = ["weekly"]
"""


def run_cli(args: list[str], env: dict[str, str]) -> float:
    """Run ``python -m backtests.cli ARGS``; return wall seconds (raise with its output)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "backtests.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(
            f"scarcity {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return seconds


def report_env(workdir: Path, numba_dir: Path) -> dict[str, str]:
    """Environment of a report run: private data cache, the given numba cache, no display."""
    env = dict(os.environ)
    env["SCARCITY_CACHE"] = str(workdir / "cache")
    env["NUMBA_CACHE_DIR"] = str(numba_dir)
    env["MPLBACKEND"] = "Agg"
    env.pop("SCARCITY_SOURCE", None)
    return env


def report_args(workdir: Path, *, mirror: Path | None, tiny: bool) -> tuple[list[str], list[str]]:
    """(fetch args or [], report args) for the data available."""
    config: list[str] = []
    if tiny:
        path = workdir / "tiny.toml"
        path.write_text(TINY_CONFIG)
        config = ["--config", str(path)]
    if mirror is not None:
        fetch = ["fetch", "--source", "mirror", "--mirror", str(mirror), *config]
        report = ["report", "--source", "cache", *config]
    else:
        fetch = []
        report = ["report", "--source", "synthetic", *config]
    return fetch, report


def measure_report(
    workdir: Path, *, mirror: Path | None, warm_repeats: int, tiny: bool, cold: bool = True
) -> dict[str, Any]:
    """Wall seconds of ``scarcity report`` on cached data: cold and warm (median).

    Parameters
    ----------
    workdir : Path
        Scratch directory (data cache, numba cache, report output).
    mirror : Path or None
        The real mirror (fetched into the private cache first); None: synthetic.
    warm_repeats : int
        Warm runs after the cold one (median reported).
    tiny : bool
        Use a small grid and few draws (the test suite's mode).
    cold : bool
        Start from an empty numba cache and do what a new user does: ``make setup``'s
        compile (``setup_compile_s``), the long-history report when the mirror has its files
        (``history_first_s``, ``make report`` writes it first), then the first main report
        (``first``; ``cold`` is the same number, the key kept for older readers). When
        False the warm runs use the project's numba cache (``NUMBA_CACHE_DIR`` or
        ``.numba_cache``) after one untimed run.
    """
    from benchmarks.first_use import compile_at_setup, first_history_report, history_files_present

    workdir.mkdir(parents=True, exist_ok=True)
    numba_dir = (
        workdir / "numba_cache"
        if cold
        else Path(os.environ.get("NUMBA_CACHE_DIR", REPO / ".numba_cache"))
    )
    env = report_env(workdir, numba_dir)
    fetch, report = report_args(workdir, mirror=mirror, tiny=tiny)
    out: dict[str, Any] = {"source": "cache (from the mirror)" if mirror else "synthetic"}
    if fetch:
        out["fetch_s"] = run_cli(fetch, env)
    report = [*report, "--out", str(workdir / "report")]
    if cold:
        out["setup_compile_s"] = compile_at_setup(env)
        if history_files_present(mirror):
            out["history_first_s"] = first_history_report(workdir, mirror, env)
    first = run_cli(report, env)
    out["first"] = out["cold"] = first if cold else None
    warm = [run_cli(report, env) for _ in range(max(1, warm_repeats))]
    out["warm"] = statistics.median(warm)
    out["warm_runs"] = warm
    out["numba_cache_dir"] = str(numba_dir)
    return out


def measure_pipeline(
    workdir: Path, *, mirror: Path | None, tiny: bool, draws: int, reference_draws: int
) -> dict[str, Any]:
    """Stage seconds of one in-process report, then the inference suite at ``draws`` draws.

    The suite is timed as the pipeline runs it: the stationary-bootstrap Sharpe interval,
    the placebo test with every placebo simulated together by the numba sweep
    (``placebo_test_vectorized`` over ``backtests.study.pipeline.factor_variant_sharpes``) and
    the sweep's deflated Sharpe, PBO and walk-forward (``sweep_inference``). For comparison
    ``reference_draws`` placebo draws are also run one reference-engine backtest per draw
    (the pipeline's earlier way) and scaled to ``draws``; both placebo paths must score the
    real factor alike. ``mechanism_s`` is what the mechanism study adds to the report: its
    pipeline stage (panel, local projections, threshold bootstrap) plus its report files.
    """
    import pandas as pd

    from backtests.engines.engine import run_backtest
    from backtests.engines.stats import sharpe as sharpe_ratio
    from backtests.inference import pbo, placebo_test, placebo_test_vectorized, sharpe_ci
    from backtests.report import write_report
    from backtests.rotation.targets import target_weights
    from backtests.study.pipeline import factor_variant_sharpes, run_pipeline
    from backtests.study.sweep import sweep_inference
    from backtests.study.window import backtest_window, cash_rate_series
    from data.config import load_config
    from data.loaders import load_market

    cfg = load_config(workdir / "tiny.toml") if tiny else load_config()
    os.environ["SCARCITY_CACHE"] = str(workdir / "cache")
    t0 = time.perf_counter()
    market = load_market(cfg, source="cache" if mirror is not None else "synthetic")
    stages: dict[str, float] = {"data": time.perf_counter() - t0}
    marks: list[tuple[str, float]] = []
    res = run_pipeline(
        cfg, market=market, stage=lambda name: marks.append((name, time.perf_counter()))
    )
    marks.append(("report", time.perf_counter()))
    write_report(res, workdir / "report_inproc")
    marks.append(("end", time.perf_counter()))
    for (name, start), (_, stop) in zip(marks[1:-1], marks[2:], strict=True):
        stages[name] = stop - start
    mechanism_s = None  # the study's stage plus its report files (figures, mechanism.csv)
    if "mechanism" in stages:
        from backtests.report.mechanism_files import mechanism_files

        t0 = time.perf_counter()
        mechanism_files(res)
        mechanism_s = stages["mechanism"] + time.perf_counter() - t0

    inf = cfg.inference
    prices = backtest_window(market.prices, cfg, res.factor.factor)[list(res.spec.tickers)]
    fac = res.factor.factor.reindex(prices.index)
    cash = cash_rate_series(market, cfg, prices.index)
    rets = res.backtest.returns
    placebo_kw = dict(
        method=inf.placebo_method,
        block=int(inf.get("placebo_block", 21)),
        min_shift=int(inf.get("placebo_min_shift", 63)),
        seed=int(inf.seed),
    )
    t_ci, _, _ = timed(lambda: sharpe_ci(rets, reps=draws, seed=int(inf.seed)), repeats=1, warmup=0)

    def run_many(frames: pd.DataFrame):
        return factor_variant_sharpes(frames, prices, cfg, cash)

    t0 = time.perf_counter()
    vec = placebo_test_vectorized(run_many, fac, reps=draws, **placebo_kw)
    t_vec = time.perf_counter() - t0

    def run_with(f: pd.Series) -> float:
        t = target_weights(f, prices, res.spec)
        r = run_backtest(prices, t, res.spec, engine="reference", cash_rate=cash).returns
        return float(sharpe_ratio(r))

    t0 = time.perf_counter()
    ref = placebo_test(run_with, fac, reps=reference_draws, **placebo_kw)
    placebo_ref_s = (time.perf_counter() - t0) * draws / reference_draws

    pbo_s = sweep_s = None
    if res.sweep is not None and res.sweep.n_trials > 1:
        trial_rets = res.sweep.returns.dropna(how="all").fillna(0.0)
        pbo_s, _, _ = timed(
            lambda: pbo(trial_rets, n_splits=int(inf.pbo_splits)), repeats=1, warmup=0
        )
        is_rets = rets.loc[: pd.Timestamp(cfg.run.oos_start) - pd.Timedelta(days=1)]
        sweep_s, _, _ = timed(
            lambda: sweep_inference(res.sweep, cfg, observed=is_rets), repeats=1, warmup=0
        )
    return {
        "pipeline_stages_s": stages,
        "mechanism_s": mechanism_s,
        "draws": draws,
        "bootstrap_s": t_ci,
        "placebo_s": t_vec,
        "placebo_statistic": vec.statistic,
        "placebo_reference_s": placebo_ref_s,
        "placebo_reference_measured_draws": reference_draws,
        "placebo_statistic_reference": ref.statistic,
        "pbo_s": pbo_s,
        "sweep_inference_s": sweep_s,
        "pbo_trials": int(res.sweep.n_trials) if res.sweep is not None else 0,
        "suite_s": t_ci + t_vec + (pbo_s or 0.0),
        "suite_with_reference_placebo_s": t_ci + placebo_ref_s + (pbo_s or 0.0),
        "peak_rss_mib": peak_rss_mib(),
    }
