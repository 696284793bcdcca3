"""The ``scarcity`` command line: fetch, signal, backtest, sweep, report, power.

Each subcommand is a thin shell over the Python API (``data.loaders``, ``signals``,
``backtests.pipeline``, ``backtests.report``); it adds argument parsing, progress bars and a
short terminal summary. Failures end with a one-line message and a non-zero exit code.

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

from data.config import Config, load_config
from data.errors import ConfigError, ScarcityError
from data.progress import Stages, showing_progress

log = logging.getLogger("scarcity")

SYNTHETIC_LINE = "*** SYNTHETIC DATA: simulated market, not real history ***"
STAGES = ("data", "signal", "backtest", "sweep", "ablation", "universes", "inference", "report")


def _out(msg: str = "") -> None:
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show each flag's default after its help, except where the help says what None means."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        choices=("auto", "live", "mirror", "synthetic", "cache"),
        default=os.environ.get("SCARCITY_SOURCE", "auto"),
        help="where data comes from (auto: cache, else mirror, else live, else synthetic; "
        "env SCARCITY_SOURCE)",
    )
    p.add_argument(
        "--mirror",
        default=os.environ.get("SCARCITY_MIRROR"),
        metavar="DIR",
        help="offline mirror directory (prices/, fred/, edgar/, capex/; env SCARCITY_MIRROR; "
        "default: none, or ../shared/market-data through make)",
    )
    p.add_argument(
        "--config",
        default=None,
        metavar="FILE",
        help="TOML file overriding data/default.toml key by key (default: the defaults)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        help="synthetic market seed (default: synthetic.seed of the config)",
    )
    p.add_argument(
        "--effect-size",
        type=float,
        default=None,
        help="planted effect of the synthetic market, daily spread return per unit of "
        "scarcity; 0 = null world (default: synthetic.effect_size of the config)",
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log details at INFO, third-party libraries (Dask, numba) included "
        "(default: off; stage lines only)",
    )


def _subparser(sub: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=text, description=text, formatter_class=HelpFormatter)
    _common(p)
    return p


def _float_list(text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas: {text!r}") from exc
    if not values:
        raise argparse.ArgumentTypeError("expected at least one number")
    return values


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of ``scarcity``."""
    from backtests.power_study import DEFAULT_EFFECTS, DEFAULT_SEEDS

    parser = argparse.ArgumentParser(
        prog="scarcity",
        description="Test whether a capital-scarcity factor predicts the rotation from "
        "long-duration speculative assets to near-term cash-flow names.",
        formatter_class=HelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _subparser(sub, "fetch", "fill the cache from the mirror, live sources or synthetic")
    p = _subparser(sub, "signal", "write factor.csv, components.csv and events.csv")
    p.add_argument("--out", default="reports/signal", metavar="DIR", help="output directory")
    p = _subparser(sub, "backtest", "run the default rotation and print its summary")
    p.add_argument(
        "--engine",
        choices=("vectorbt", "reference"),
        default="vectorbt",
        help="simulation engine: vectorbt portfolios, or the independent numpy/pandas "
        "reference (the two agree to 1e-10)",
    )
    p = _subparser(sub, "sweep", "run a parameter grid (TOML) and write its trial table")
    p.add_argument(
        "--grid",
        default=None,
        metavar="FILE",
        help="TOML grid file with a [sweep] table (default: [sweep] of the config)",
    )
    p.add_argument("--out", default="reports/sweep.csv", metavar="CSV", help="trial table CSV")
    p.add_argument(
        "--chunk-size",
        type=int,
        default=None,
        metavar="N",
        help="trials simulated together; memory ~ N x days x tickers x 8 bytes "
        "(default: sweep.chunk_size of the config)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run chunks on Dask: a scheduler address, or 'local' for a LocalCluster "
        "(default: in this process, no Dask)",
    )
    p.add_argument(
        "--returns-out",
        default=None,
        metavar="NPY",
        help="write the trials x dates returns to this .npy file chunk by chunk, so memory "
        "stays flat (default: returns kept in memory only)",
    )
    p = _subparser(sub, "report", "the main job: data -> signal -> backtest -> report")
    p.add_argument("--out", default="reports/default", metavar="DIR", help="report directory")
    p.add_argument(
        "--no-sweep",
        action="store_true",
        help="skip the parameter sweep: faster, but no deflated Sharpe, PBO or walk-forward "
        "(default: the sweep runs)",
    )
    p = _subparser(sub, "power", "size and power of the headline test (synthetic market)")
    p.add_argument(
        "--out",
        default="reports/power",
        metavar="DIR",
        help="directory for power.csv, power.png and SYNTHETIC.txt",
    )
    p.add_argument(
        "--seeds",
        type=int,
        default=DEFAULT_SEEDS,
        metavar="N",
        help="simulated markets per effect size (seeds 1000, 1001, ...)",
    )
    p.add_argument(
        "--effects",
        type=_float_list,
        default=",".join(f"{e:g}" for e in DEFAULT_EFFECTS),
        metavar="LIST",
        help="comma-separated planted effect sizes (0 = null world: the size of the test)",
    )
    p.add_argument(
        "--first-seed",
        type=int,
        default=1000,
        metavar="N",
        help="first synthetic seed (runs of disjoint seed ranges can be combined)",
    )
    _cache_parser(sub)
    return parser


def _cache_parser(sub) -> None:
    """``scarcity cache verify [--repair]``: check the cache, clean up after a crash."""
    text = "check (and repair) the data cache"
    p = sub.add_parser("cache", help=text, description=text, formatter_class=HelpFormatter)
    p.add_argument(
        "action",
        choices=("verify",),
        help="verify: content hashes, manifest and stray files (the only action)",
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="remove stray files and fix the manifest (default: only report)",
    )
    p.add_argument(
        "--cache",
        default=None,
        metavar="DIR",
        help="cache directory (default: SCARCITY_CACHE, else data.cache_dir of the config)",
    )
    p.add_argument(
        "--config",
        default=None,
        metavar="FILE",
        help="TOML file overriding data/default.toml key by key (default: the defaults)",
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log details at INFO, third-party libraries included (default: off)",
    )
    p.set_defaults(seed=None, effect_size=None, mirror=None, source="cache")


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


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv``; an unknown flag is reported with its subcommand's usage."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        sub.choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return args


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
    from backtests.pipeline import run_rotation

    _not_for_history(args, cfg)
    market = _market(args, cfg)
    result = run_rotation(cfg, market, engine=args.engine)
    _out(result.summary())
    _out(f"engine: {args.engine}  data: {market.source}")
    return 0


def cmd_sweep(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity sweep``: run a grid and write one row per trial."""
    from backtests.inference import tstat_hurdle
    from backtests.pipeline import run_sweep_for, sweep_inference

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
    from backtests.pipeline import run_pipeline
    from backtests.report import write_report

    if cfg.targets.get("kind", "baskets") == "spreads":  # the long history (Ken French spreads)
        return _report_history(args, cfg)
    stages = Stages("report", STAGES if not args.no_sweep else [s for s in STAGES if s != "sweep"])
    res = run_pipeline(
        cfg,
        source=args.source,
        mirror=args.mirror,
        with_sweep=not args.no_sweep,
        stage=stages,
        progress=True,
    )
    stages("report")
    paths = write_report(res, args.out)
    stages.finish()
    _out(res.summary())
    _out(
        f"report: {paths.html}  (data: {res.market.source}{', SYNTHETIC' if res.synthetic else ''})"
    )
    return 0


def _report_history(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity report`` for ``targets.kind = "spreads"`` (``configs/long_history.toml``)."""
    from backtests.history import run_history
    from backtests.history_report import write_history_report

    res = run_history(cfg, source=_history_source(args), mirror=args.mirror)
    paths = write_history_report(res, args.out)
    _out(res.summary())
    _out(f"report: {paths.html}  (data: {res.market.source}; one vintage of revised history)")
    return 0


def cmd_power(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity power``: rejection rates of the headline test on the synthetic market."""
    from backtests.power_study import run_power_study

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


COMMANDS = {
    "fetch": cmd_fetch,
    "signal": cmd_signal,
    "backtest": cmd_backtest,
    "sweep": cmd_sweep,
    "report": cmd_report,
    "power": cmd_power,
    "cache": cmd_cache,
}


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


if __name__ == "__main__":
    raise SystemExit(main())
