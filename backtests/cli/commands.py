"""The ``scarcity`` command line: fetch, signal, backtest, sweep, report, power.

Each subcommand is a thin shell over the Python API (``data.loaders``, ``signals``,
``backtests.study.pipeline``, ``backtests.report``); it adds progress bars and a
short terminal summary (the flags are in :mod:`backtests.cli.args`). Failures end with a
one-line message and a non-zero exit code.

Progress (:mod:`data.progress`): on a terminal, bars for fetch, sweep, bootstrap and placebo
draws, power and the report's stages; off a terminal, one ``scarcity: ...`` line per stage with
its duration on stderr (with ``-v`` also one per bootstrap and placebo run). ``-v`` adds INFO
logging, third-party libraries' included.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from backtests.cli.announce import first_line
from backtests.cli.args import parse_args
from backtests.cli.outputs import check_output, check_report_output
from data.errors import ConfigError, ScarcityError
from data.progress import Stages, showing_progress

if TYPE_CHECKING:
    from data.config import Config

log = logging.getLogger("scarcity")

SYNTHETIC_LINE = "*** SYNTHETIC DATA: simulated market, not real history ***"
STAGES = ("data", "signal", "backtest", "sweep", "forecasts", "ablation", "universes")
STAGES += ("competing", "inference", "mechanism", "report")


def _out(msg: str = "") -> None:
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def cmd_cache(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity cache verify [--repair]``: print the report; exit 1 when not consistent."""
    from data.cache_verify import verify_cache
    from data.loaders import resolve_cache

    store = resolve_cache(cfg, args.cache)
    rep = verify_cache(store, repair=args.repair)
    _out(rep.summary())
    ns = store.namespace("synthetic")
    if ns.root.is_dir():
        sub = verify_cache(ns, repair=args.repair)
        _out(sub.summary())
        return 0 if rep.ok and sub.ok else 1
    return 0 if rep.ok else 1


def setup_logging(verbose: bool) -> None:
    """Stage lines on stderr always; other INFO (third-party included) only when verbose."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    chatter = logging.INFO if verbose else logging.WARNING
    for name in ("distributed", "numba", "bokeh", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(chatter)
    if not verbose:
        # Dask reads its logging levels when first imported (also in worker processes)
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    logging.getLogger("scarcity.progress.detail").setLevel(chatter)
    progress = logging.getLogger("scarcity.progress")
    for h in list(progress.handlers):
        if getattr(h, "scarcity_cli", False):
            progress.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler.scarcity_cli = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("scarcity: %(message)s"))
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False


def _config(args: argparse.Namespace) -> Config:
    from data.config import load_config  # imports pandas: after the first line

    overrides = {}
    syn = {}
    if args.seed is not None:
        syn["seed"] = args.seed
    if args.effect_size is not None:
        syn["effect_size"] = args.effect_size
    if syn:
        overrides["synthetic"] = syn
    return load_config(args.config, **overrides)


def _market(args: argparse.Namespace, cfg: Config):
    from data.loaders import load_market

    market = load_market(cfg, source=args.source, mirror=args.mirror)
    if market.synthetic:
        _out(SYNTHETIC_LINE)
    return market


def _is_history(cfg: Config) -> bool:
    return cfg.targets.get("kind", "baskets") == "spreads"


def _history_source(args: argparse.Namespace) -> str:
    """Return the long history's source; never synthetic (there is no synthetic long history)."""
    if args.source == "synthetic":
        raise ConfigError(
            "the long history (targets.kind = 'spreads') has no synthetic market; use "
            "--source auto, mirror, live or cache (`make demo` runs the synthetic main report)"
        )
    return args.source


def _not_for_history(args: argparse.Namespace, cfg: Config) -> None:
    if _is_history(cfg):
        raise ConfigError(
            f"`scarcity {args.command}` runs the basket rotation; for the long history "
            f"({cfg.path}) use `scarcity report --config {cfg.path}` (or `make history`)"
        )


def _fetch_history(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity fetch`` for the long history: fill the cache with its files."""
    from data.history import load_history

    market = load_history(cfg, source=_history_source(args), mirror=args.mirror)
    first = market.spreads.index[0].date()
    last = market.spreads.index[-1].date()
    _out(
        f"long history ({market.source}): {market.spreads.shape[1]} spreads {first} .. {last}, "
        f"{market.macro.shape[1]} FRED-MD/QD series; cached"
    )
    for note in market.gaps:
        _out(f"  note: {note}")
    return 0


def cmd_fetch(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity fetch``: fill the cache and print one line per source."""
    from data.loaders import fetch

    if _is_history(cfg):
        return _fetch_history(args, cfg)
    report = fetch(cfg, source=args.source, mirror=args.mirror, progress=True)
    text = report.summary()
    if report.market.synthetic:
        _out(SYNTHETIC_LINE)
    _out(text)
    return 0


def cmd_signal(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity signal``: write the factor, its components and the event table."""
    from backtests.report.writer import atomic_write_text
    from signals import build_factor

    check_output(args.out)
    _not_for_history(args, cfg)
    market = _market(args, cfg)
    result = build_factor(market, cfg)
    out = Path(args.out)
    for name, frame in result.to_frames().items():
        atomic_write_text(out / f"{name}.csv", frame.to_csv(index=False, float_format="%.10g"))
    _out(result.summary())
    _out(f"signal files written to {out} (data: {market.source})")
    return 0


def cmd_backtest(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity backtest``: run the default rotation and print its summary."""
    from backtests.study.pipeline import run_rotation

    _not_for_history(args, cfg)
    market = _market(args, cfg)
    result = run_rotation(cfg, market, engine=args.engine)
    _out(result.summary())
    _out(f"engine: {args.engine}  data: {market.source}")
    return 0


def cmd_sweep(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity sweep``: run a grid and write one row per trial."""
    from backtests.inference import tstat_hurdle
    from backtests.study.sweep import run_sweep_for, sweep_inference

    check_output(args.out, kind="file")
    if args.returns_out:
        check_output(args.returns_out, kind="file", flag="--returns-out")
    _not_for_history(args, cfg)
    market = _market(args, cfg)
    sweep = run_sweep_for(
        cfg,
        market,
        grid_path=args.grid,
        chunk_size=args.chunk_size,
        scheduler=args.scheduler,
        progress=True,
        returns_path=args.returns_out,
    )
    out = Path(args.out)
    from backtests.report.writer import atomic_write_text

    atomic_write_text(out, sweep.table.to_csv(index=False))
    _out(sweep.summary())
    deflated, pbo_res, wf, n = sweep_inference(sweep, cfg)
    if deflated is not None:
        _out(f"best trial, deflated for {n} trials: {deflated.summary()}")
        _out(pbo_res.summary())
        _out(wf.summary())
        _out(f"t-statistic hurdle for {n} trials: {tstat_hurdle(n):.2f}")
    chunks = sweep.info.get("chunks")
    where = "Dask" if args.scheduler else "this process"
    _out(
        f"{sweep.n_trials} trials in {chunks} chunk(s) ({where}) written to {out} "
        f"(data: {market.source})"
    )
    return 0


def cmd_report(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity report``: the main job, with progress over its stages."""
    from data.background import Background

    check_report_output(args.out)
    if _is_history(cfg):  # the long history (Ken French spreads)
        return _report_history(args, cfg)
    # the data are read in a forked child while this process imports the study's libraries
    # (statsmodels, arch, scipy, numba: about 1.4 s); the tables come back pickled
    market = Background(_load_market, cfg, args.source, args.mirror, name="report data")
    from backtests.report import write_report
    from backtests.report.figure_jobs import FigureJob
    from backtests.study.pipeline import run_pipeline

    stages = Stages("report", STAGES if not args.no_sweep else [s for s in STAGES if s != "sweep"])
    figures = FigureJob()  # drawn in the background from the partial run (figure_jobs)
    res = run_pipeline(
        cfg,
        source=args.source,
        mirror=args.mirror,
        market=market.result,
        with_sweep=not args.no_sweep,
        stage=stages,
        progress=True,
        on_partial=figures.start,
    )
    stages("report")
    paths = write_report(res, args.out, figures=figures)
    stages.finish()
    _out(res.summary())
    _out(
        f"report: {paths.html}  (data: {res.market.source}{', SYNTHETIC' if res.synthetic else ''})"
    )
    return 0


def _load_market(cfg: Config, source: str, mirror: str | None) -> Any:
    """Load the report's tables (run in a background child by :func:`cmd_report`)."""
    from data.loaders import load_market

    return load_market(cfg, source=source, mirror=mirror)


def _report_history(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity report`` for ``targets.kind = "spreads"`` (``configs/long_history.toml``)."""
    from backtests.history.report import write_history_report
    from backtests.history.run import run_history

    res = run_history(cfg, source=_history_source(args), mirror=args.mirror)
    paths = write_history_report(res, args.out)
    _out(res.summary())
    _out(f"report: {paths.html}  (data: {res.market.source}; one vintage of revised history)")
    return 0


def cmd_power(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity power``: rejection rates of the headline test on the synthetic market."""
    from backtests.study.power import run_power_study

    check_output(args.out)
    _out(SYNTHETIC_LINE)
    res = run_power_study(
        cfg,
        effects=list(args.effects),
        n_seeds=args.seeds,
        out_dir=args.out,
        progress=True,
        first_seed=args.first_seed,
    )
    _out(res.summary())
    _out(f"power table written to {args.out}")
    return 0


def cmd_register(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity register``: write ``registrations/<run.name>.json`` (date, spec hash, config)."""
    from data.registration import write_registration

    path, rec = write_registration(cfg, Path(args.dir) if args.dir else None)
    _out(
        f"registered spec `{rec['name']}` on {rec['registered']} (spec hash {rec['spec_hash']}) "
        f"in {path}: commit it; reports count post-registration data only while their spec "
        "hash matches"
    )
    return 0


COMMANDS = {
    "fetch": cmd_fetch,
    "signal": cmd_signal,
    "backtest": cmd_backtest,
    "sweep": cmd_sweep,
    "report": cmd_report,
    "power": cmd_power,
    "cache": cmd_cache,
    "register": cmd_register,
}


def run() -> NoReturn:
    """Console-script entry: :func:`main` on ``sys.argv``, then a quick exit.

    The process ends through :func:`backtests.cli.exit.exit_now` (``atexit`` handlers and
    flushed streams, no interpreter teardown); call :func:`main` to get the code back.
    """
    from backtests.cli.exit import exit_now

    exit_now(main())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``scarcity`` console script."""
    args = parse_args(argv)
    setup_logging(args.verbose)
    if getattr(args, "mirror", None) and not Path(args.mirror).is_dir():
        sys.stderr.write(
            f"scarcity {args.command}: error: mirror directory not found: {args.mirror} "
            "(from --mirror or SCARCITY_MIRROR); fix the path or drop it\n"
        )
        return 2
    sys.stderr.write(first_line(args) + "\n")
    sys.stderr.flush()
    try:
        cfg = _config(args)
        with showing_progress():
            return COMMANDS[args.command](args, cfg)
    except ScarcityError as exc:
        sys.stderr.write(f"scarcity {args.command}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("scarcity: interrupted\n")
        return 130
