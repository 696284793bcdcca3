"""The tear-sheet figure: underwater curve, rolling volatility and the return distribution.

One matplotlib figure of three panels for the strategy against its benchmark, drawn from the
same pure functions that fill ``metrics.json`` (:mod:`backtests.report.tearsheet`).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from backtests.report.figures import fixed_margins, to_png_base64
from backtests.report.frames import declared_benchmark
from backtests.report.tearsheet import return_histogram, rolling_volatility, underwater
from backtests.study.benchmarks import benchmark_label

SYNTHETIC_MARK = "SYNTHETIC DATA"


def tearsheet_figure(
    strategy: pd.Series,
    benchmark: pd.Series,
    histogram: dict[str, Any],
    *,
    benchmark_label: str = "benchmark",
    window: int = 63,
    synthetic: bool = False,
) -> Figure:
    """Underwater curves, ``window``-day rolling volatility and the daily-return histogram.

    Parameters
    ----------
    strategy, benchmark : Series
        Daily simple returns net of costs.
    histogram : dict
        :func:`backtests.report.tearsheet.return_histogram` of the two series.
    benchmark_label : str
        The benchmark's name in words (legend).
    window : int
        Business days of the rolling volatility.
    synthetic : bool
        Mark the figure as synthetic data.
    """
    fig, (ax1, ax2, ax3) = plt.subplots(3, 1, figsize=(9, 8.4))
    fig.suptitle("Tear sheet: drawdowns, volatility and the distribution of daily returns")
    if synthetic:
        fig.text(0.99, 0.01, SYNTHETIC_MARK, ha="right", va="bottom", color="#b00020", fontsize=9)
    for series, label, lw, color in (
        (strategy, "strategy", 1.3, "#1d3557"),
        (benchmark, benchmark_label, 0.9, "#e76f51"),
    ):
        uw = underwater(series)
        ax1.fill_between(uw.index, uw.values * 100, 0, color=color, alpha=0.25, lw=0)
        ax1.plot(uw.index, uw.values * 100, color=color, lw=lw, label=label)
        rv = rolling_volatility(series, window)
        ax2.plot(rv.index, rv.values * 100, color=color, lw=lw, label=label)
    ax1.set_title("Underwater: drawdown from the running peak", fontsize=10)
    ax1.set_ylabel("drawdown (%)")
    ax1.legend(loc="lower left", fontsize=8)
    ax2.set_title(f"Rolling volatility ({window} business days, annualized)", fontsize=10)
    ax2.set_ylabel("volatility (% a year)")
    ax2.legend(loc="upper left", fontsize=8)
    edges = np.asarray(histogram.get("edges") or [], dtype=float)
    if len(edges) > 1:
        centers, width = (edges[:-1] + edges[1:]) / 2 * 100, np.diff(edges) * 100
        ax3.bar(
            centers,
            histogram["strategy"],
            width=width,
            color="#1d3557",
            alpha=0.6,
            label="strategy",
        )
        ax3.bar(
            centers,
            histogram["benchmark"],
            width=width,
            color="#e76f51",
            alpha=0.45,
            label=benchmark_label,
        )
    ax3.set_title("Daily returns (outer bins hold the tails)", fontsize=10)
    ax3.set_xlabel("daily return (%)")
    ax3.set_ylabel("days")
    ax3.legend(loc="upper left", fontsize=8)
    fixed_margins(fig, left=0.09, bottom=0.07, top=0.92, hspace=0.3)
    return fig


def tearsheet_png(
    result: Any, returns: pd.DataFrame, *, synthetic: bool = False
) -> tuple[str, str, str]:
    """Draw the tear-sheet figure of a run as (base64 PNG, alt text, caption).

    ``returns`` is the run's ``returns.csv`` frame (``strategy`` and one column per
    benchmark); the benchmark is the run's ``inference.benchmark``.
    """
    name = declared_benchmark(result)
    s, b = returns["strategy"], returns[name]
    label = benchmark_label(name).removeprefix("the ")
    fig = tearsheet_figure(s, b, return_histogram(s, b), benchmark_label=label, synthetic=synthetic)
    return (
        to_png_base64(fig),
        "Underwater curves, rolling volatility and histogram of daily returns",
        f"Drawdown from the running peak (top), 63-business-day volatility (middle) and the "
        f"distribution of daily returns (bottom) of the strategy and {label}.",
    )
