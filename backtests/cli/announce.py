"""The first line of every ``scarcity`` command: what it is about to do, before the slow part.

Importing pandas, numba and vectorbt and loading (or compiling) the kernels takes seconds;
a person who typed a command should see at once that it started and what it does. The
command line writes :func:`first_line` on stderr right after parsing its flags, before it
imports anything but the standard library (this module imports only ``argparse``), and
``scarcity: <command>: ...`` keeps the shape of the stage lines that follow.
"""

from __future__ import annotations

import argparse

WHAT = {
    "fetch": "filling the data cache",
    "signal": "building the capital-scarcity factor",
    "backtest": "backtesting the default rotation",
    "sweep": "sweeping the parameter grid",
    "report": "writing the report",
    "power": "measuring the headline test's size and power on synthetic markets",
    "cache": "checking the data cache",
    "register": "registering the spec",
}


def first_line(args: argparse.Namespace) -> str:
    """Return the command's first stderr line: its task, data source, config and output.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags (:func:`backtests.cli.args.parse_args`); ``command`` names the task.

    Returns
    -------
    str
        E.g. ``scarcity: report: writing the report (source mirror ../m, config: defaults,
        out reports/default); loading libraries``, without a newline.

    Examples
    --------
    >>> ns = argparse.Namespace(command="backtest", source="synthetic", mirror=None, config=None)
    >>> first_line(ns).endswith("rotation (source synthetic, config: defaults); loading libraries")
    True
    """
    parts = []
    source = getattr(args, "source", None)
    if source is not None:
        mirror = getattr(args, "mirror", None)
        parts.append(f"source {source}" + (f" {mirror}" if mirror else ""))
    if hasattr(args, "config"):
        parts.append(f"config: {args.config or 'defaults'}")
    out = getattr(args, "out", None)
    if out:
        parts.append(f"out {out}")
    where = f" ({', '.join(parts)})" if parts else ""
    what = WHAT.get(args.command, args.command)
    return f"scarcity: {args.command}: {what}{where}; loading libraries"
