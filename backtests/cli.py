"""The ``scarcity`` command line: fetch, signal, backtest, sweep, report, power.

Each subcommand is a thin shell over the Python API (``data.loaders``, ``signals``,
``backtests.pipeline``, ``backtests.report``); it adds argument parsing, progress bars and a
short terminal summary. Failures end with a one-line message and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from data.config import Config, load_config
from data.errors import ScarcityError

log = logging.getLogger("scarcity")

SYNTHETIC_LINE = "*** SYNTHETIC DATA: simulated market, not real history ***"
STAGES = ("data", "signal", "backtest", "sweep", "ablation", "inference", "report")


def _out(msg: str = "") -> None:
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        choices=("auto", "live", "mirror", "synthetic", "cache"),
        default=os.environ.get("SCARCITY_SOURCE", "auto"),
        help="where data comes from (auto: cache, else mirror, else live, else synthetic)",
    )
    p.add_argument(
        "--mirror",
        default=os.environ.get("SCARCITY_MIRROR"),
        help="offline mirror directory (prices/, fred/, edgar/, capex/)",
    )
    p.add_argument("--config", default=None, help="TOML file overriding data/default.toml")
    p.add_argument("--seed", type=int, default=None, help="synthetic market seed")
    p.add_argument("--effect-size", type=float, default=None, help="synthetic planted effect")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of ``scarcity``."""
    parser = argparse.ArgumentParser(
        prog="scarcity",
        description="Test whether a capital-scarcity factor predicts the rotation from "
        "long-duration speculative assets to near-term cash-flow names.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fetch", help="fill the cache from the mirror, live sources or synthetic")
    _common(p)
    p = sub.add_parser("signal", help="write factor.csv, components.csv and events.csv")
    _common(p)
    p.add_argument("--out", default="reports/signal", help="output directory")
    p = sub.add_parser("backtest", help="run the default rotation and print its summary")
    _common(p)
    p.add_argument("--engine", choices=("vectorbt", "reference"), default="vectorbt")
    p = sub.add_parser("sweep", help="run a parameter grid (TOML) and write its trial table")
    _common(p)
    p.add_argument("--grid", default=None, help="TOML grid file (default: [sweep] of the config)")
    p.add_argument("--out", default="reports/sweep.csv", help="trial table CSV")
    p.add_argument("--chunk-size", type=int, default=None)
    p.add_argument(
        "--scheduler", default=None, help="Dask scheduler address, or 'local' for a LocalCluster"
    )
    p.add_argument(
        "--returns-out",
        default=None,
        help="write the trials x dates returns to this .npy file by chunk (flat memory)",
    )
    p = sub.add_parser("report", help="the main job: data -> signal -> backtest -> report")
    _common(p)
    p.add_argument("--out", default="reports/default", help="report directory")
    p.add_argument("--no-sweep", action="store_true", help="skip the sweep (no DSR/PBO)")
    p = sub.add_parser("power", help="size and power of the headline test (synthetic market)")
    _common(p)
    p.add_argument("--out", default="reports/power")
    p.add_argument("--seeds", type=int, default=40)
    p.add_argument("--effects", default="0,0.0004,0.0008,0.0016")
    _cache_parser(sub)
    return parser


def _cache_parser(sub) -> None:
    """``scarcity cache verify [--repair]``: check the cache, clean up after a crash."""
    p = sub.add_parser("cache", help="check (and repair) the data cache")
    p.add_argument("action", choices=("verify",), help="verify: hashes, manifest, stray files")
    p.add_argument("--repair", action="store_true", help="remove stray files, fix the manifest")
    p.add_argument("--cache", default=None, help="cache directory (default: SCARCITY_CACHE)")
    p.add_argument("--config", default=None, help="TOML file overriding data/default.toml")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
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


def cmd_fetch(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity fetch``: fill the cache and print one line per source."""
    from data.loaders import fetch

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
    from backtests.pipeline import run_pipeline

    market = _market(args, cfg)
    res = run_pipeline(cfg, market=market, with_sweep=False)
    _out(res.backtest.summary())
    _out(f"data: {market.source}")
    return 0


def cmd_sweep(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity sweep``: run a grid and write one row per trial."""
    from backtests.inference import tstat_hurdle
    from backtests.pipeline import run_sweep_for, sweep_inference

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
    _out(f"{sweep.n_trials} trials written to {out} (data: {market.source})")
    return 0


def cmd_report(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity report``: the main job, with a progress bar over its stages."""
    from backtests.pipeline import run_pipeline
    from backtests.report import write_report

    if cfg.targets.get("kind", "baskets") == "spreads":  # the long history (Ken French spreads)
        return _report_history(args, cfg)
    bar = tqdm(total=len(STAGES), desc="report", unit="stage", disable=None)

    def stage(name: str) -> None:
        bar.set_postfix_str(name)
        bar.update(0 if name == "data" else 1)

    res = run_pipeline(
        cfg,
        source=args.source,
        mirror=args.mirror,
        with_sweep=not args.no_sweep,
        stage=stage,
    )
    stage("report")
    paths = write_report(res, args.out)
    bar.update(bar.total - bar.n)
    bar.close()
    _out(res.summary())
    _out(
        f"report: {paths.html}  (data: {res.market.source}{', SYNTHETIC' if res.synthetic else ''})"
    )
    return 0


def _report_history(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity report`` for ``targets.kind = "spreads"`` (``configs/long_history.toml``)."""
    from backtests.history import run_history
    from backtests.history_report import write_history_report

    source = args.source if args.source in ("auto", "mirror", "live") else "auto"
    res = run_history(cfg, source=source, mirror=args.mirror)
    paths = write_history_report(res, args.out)
    _out(res.summary())
    _out(f"report: {paths.html}  (data: {res.market.source}; one vintage of revised history)")
    return 0


def cmd_power(args: argparse.Namespace, cfg: Config) -> int:
    """``scarcity power``: rejection rates of the headline test on the synthetic market."""
    from backtests.power_study import run_power_study

    _out(SYNTHETIC_LINE)
    effects = [float(x) for x in args.effects.split(",") if x.strip()]
    res = run_power_study(cfg, effects=effects, n_seeds=args.seeds, out_dir=args.out, progress=True)
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
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if getattr(args, "mirror", None) and not Path(args.mirror).is_dir():
        sys.stderr.write(
            f"scarcity {args.command}: error: mirror directory not found: {args.mirror} "
            "(from --mirror or SCARCITY_MIRROR); fix the path or drop it\n"
        )
        return 2
    try:
        cfg = _config(args)
        return COMMANDS[args.command](args, cfg)
    except ScarcityError as exc:
        sys.stderr.write(f"scarcity {args.command}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("scarcity: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
