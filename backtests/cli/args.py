"""Arguments of the ``scarcity`` command line: every subcommand's flags, help and defaults.

Each flag's help says what it means and shows its default (:class:`HelpFormatter`); an
unknown flag prints its subcommand's usage (:func:`parse_args`).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show each flag's default after its help, except where the help says what None means."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def _config_flag(p: argparse.ArgumentParser) -> None:
    """``--config FILE``, shared by every command."""
    p.add_argument(
        "--config",
        default=None,
        metavar="FILE",
        help="TOML file overriding data/default.toml key by key (default: the defaults)",
    )


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
    _config_flag(p)
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
    from backtests.study.power_defaults import DEFAULT_EFFECTS, DEFAULT_SEEDS

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
    _register_parser(sub)
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
    _no_data_flags(p)


def _no_data_flags(p: argparse.ArgumentParser) -> None:
    """``--config`` and ``-v`` for a command that reads no market data (``cache``, ``register``)."""
    _config_flag(p)
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log details at INFO, third-party libraries included (default: off)",
    )
    p.set_defaults(seed=None, effect_size=None, mirror=None, source="cache")


def _register_parser(sub) -> None:
    """``scarcity register``: record the spec's date and hash in ``registrations/<name>.json``."""
    text = (
        "record the frozen spec (run.registered and its spec hash) in "
        "registrations/<run.name>.json, for you to commit"
    )
    p = sub.add_parser("register", help=text, description=text, formatter_class=HelpFormatter)
    p.add_argument(
        "--dir",
        default=None,
        metavar="DIR",
        help="where records live (default: SCARCITY_REGISTRATIONS, else registrations/)",
    )
    _no_data_flags(p)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv``; an unknown flag is reported with its subcommand's usage."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        sub.choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return args
