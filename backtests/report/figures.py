"""Figures of the report: each a function of plain pandas inputs returning a matplotlib Figure.

Every figure has a title, labeled axes and, where it applies, a legend; the HTML writer
embeds them as PNG so the report opens offline.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from backtests.study.benchmarks import benchmark_label

SYNTHETIC_MARK = "SYNTHETIC DATA"


def _new(title: str, *, rows: int = 1, height: float = 3.2, synthetic: bool = False) -> tuple:
    fig, axes = plt.subplots(rows, 1, figsize=(9, height * rows), sharex=True, squeeze=False)
    fig.suptitle(title, fontsize=11)
    if synthetic:
        fig.text(0.99, 0.01, SYNTHETIC_MARK, ha="right", va="bottom", color="#b00020", fontsize=9)
    return fig, axes[:, 0]


def fixed_margins(fig: Figure, left: float, bottom: float, top: float, **space: float) -> None:
    """Set fixed margins (fractions of the figure) instead of calling ``tight_layout``.

    ``tight_layout`` lays every label out once more before the figure is drawn: about a
    third of the time of these figures. Their labels are short numbers and fixed titles,
    so the margins it found on the real and the synthetic market (within 0.01 of each
    other), widened a little, are used as they are.
    """
    fig.subplots_adjust(left=left, right=0.983, bottom=bottom, top=top, **space)


def _shade(ax: plt.Axes, regime: pd.Series | None) -> None:
    """Shade the dates where the boolean ``regime`` is True."""
    if regime is None or regime.empty:
        return
    r = regime.fillna(False).astype(bool)
    if not r.any():
        return
    change = r.ne(r.shift(fill_value=False))
    starts = r.index[change & r]
    ends_mask = change & ~r
    ends = list(r.index[ends_mask])
    for s in starts:
        later = [e for e in ends if e > s]
        e = later[0] if later else r.index[-1]
        ax.axvspan(s, e, color="#f4a261", alpha=0.25, lw=0)


def factor_figure(
    factor: pd.Series,
    zscores: pd.DataFrame,
    regime: pd.Series | None,
    *,
    synthetic: bool = False,
    levels: dict[str, float] | None = None,
) -> Figure:
    """Plot the factor and its component z-scores, shading the idle-money-exhausted regime.

    ``levels`` (a switch rule's ``{"near": up-level, "long": down-level}``) are drawn as
    dotted lines instead of the zero line.
    """
    fig, (ax1, ax2) = _new(
        "Capital-scarcity factor (shaded: idle money exhausted)", rows=2, synthetic=synthetic
    )
    ax1.plot(factor.index, factor.values, color="#1d3557", lw=1.2, label="factor")
    for side, level in (levels or {"zero": 0.0}).items():
        colour = {"near": "#2a9d8f", "long": "#e63946"}.get(side, "grey")
        label = {"near": f"to near above {level:+.2f}", "long": f"to long below {level:+.2f}"}
        ax1.axhline(level, color=colour, lw=0.8, ls=":" if levels else "-", label=label.get(side))
    _shade(ax1, regime)
    ax1.set_ylabel("composite (z units)")
    ax1.legend(loc="upper left", fontsize=8)
    for col in zscores.columns:
        ax2.plot(zscores.index, zscores[col].values, lw=0.7, label=str(col).replace("_", " "))
    _shade(ax2, regime)
    ax2.set_ylabel("component z-score (signed)")
    ax2.set_xlabel("date")
    ax2.legend(loc="upper left", fontsize=6, ncol=4)
    fixed_margins(fig, left=0.095, bottom=0.09, top=0.925, hspace=0.1)
    return fig


def events_figure(
    events: pd.DataFrame,
    car: pd.DataFrame | None,
    *,
    synthetic: bool = False,
) -> Figure:
    """Plot capex announcements (surprise by date) and the spread's return around them."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    fig.suptitle("Capex announcements", fontsize=11)
    if synthetic:
        fig.text(0.99, 0.01, SYNTHETIC_MARK, ha="right", va="bottom", color="#b00020", fontsize=9)
    ax = axes[0]
    if events is not None and not events.empty:
        for ticker, grp in events.groupby("ticker"):
            ax.scatter(grp["available_at"], grp["surprise"], s=10, label=str(ticker))
        ax.legend(fontsize=7)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_title("surprise at each filing", fontsize=9)
    ax.set_xlabel("available at")
    ax.set_ylabel("capex surprise (log)")
    ax = axes[1]
    if car is not None and not car.empty:
        x = car.index.to_numpy()
        ax.plot(x, car["car"].to_numpy(), color="#1d3557", label="mean")
        if {"lo", "hi"} <= set(car.columns):
            ax.fill_between(x, car["lo"].to_numpy(), car["hi"].to_numpy(), alpha=0.25, label="95%")
        ax.axvline(0, color="grey", lw=0.6)
        ax.legend(fontsize=7)
    ax.set_title("near-minus-long cumulative return", fontsize=9)
    ax.set_xlabel("business days from filing")
    ax.set_ylabel("cumulative return")
    fixed_margins(fig, left=0.085, bottom=0.17, top=0.805, wspace=0.24)
    return fig


def readable_log_axis(ax: Any) -> None:
    """Label a log y axis at 1, 2 and 5 times powers of ten, without minor labels."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def equity_figure(returns: pd.DataFrame, *, synthetic: bool = False) -> Figure:
    """Growth of one dollar for the strategy and each benchmark (log scale)."""
    fig, (ax,) = _new("Equity curves (net of costs)", height=3.8, synthetic=synthetic)
    eq = (1.0 + returns.fillna(0.0)).cumprod()
    for col in eq.columns:
        label = col if col == "strategy" else benchmark_label(col).removeprefix("the ")
        ax.plot(eq.index, eq[col].values, lw=1.6 if col == "strategy" else 0.9, label=label)
    ax.set_yscale("log")
    readable_log_axis(ax)
    ax.set_ylabel("growth of $1 (log)")
    ax.set_xlabel("date")
    ax.legend(fontsize=8)
    fixed_margins(fig, left=0.095, bottom=0.15, top=0.87)
    return fig


def drawdown_figure(returns: pd.DataFrame, *, synthetic: bool = False) -> Figure:
    """Drawdown from the running peak for the strategy and each benchmark."""
    fig, (ax,) = _new("Drawdowns", synthetic=synthetic)
    eq = (1.0 + returns.fillna(0.0)).cumprod()
    dd = eq / eq.cummax() - 1.0
    for col in dd.columns:
        ax.plot(dd.index, dd[col].values, lw=1.4 if col == "strategy" else 0.8, label=col)
    ax.set_ylabel("drawdown")
    ax.set_xlabel("date")
    ax.legend(fontsize=8)
    fixed_margins(fig, left=0.095, bottom=0.18, top=0.845)
    return fig


def rolling_sharpe_figure(
    returns: pd.DataFrame, *, window: int = 252, synthetic: bool = False
) -> Figure:
    """Trailing annualized Sharpe ratio over ``window`` business days."""
    fig, (ax,) = _new(f"Rolling Sharpe ratio ({window} business days)", synthetic=synthetic)
    mu = returns.rolling(window).mean()
    sd = returns.rolling(window).std(ddof=1)
    rs = (mu / sd.replace(0.0, np.nan)) * np.sqrt(252.0)
    for col in rs.columns:
        ax.plot(rs.index, rs[col].values, lw=1.4 if col == "strategy" else 0.8, label=col)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_ylabel("annualized Sharpe")
    ax.set_xlabel("date")
    ax.legend(fontsize=8)
    fixed_margins(fig, left=0.085, bottom=0.18, top=0.845)
    return fig


def sweep_heatmap(pivot: pd.DataFrame, *, title: str, synthetic: bool = False) -> Figure:
    """Heatmap of a pivoted sweep table (rows and columns are parameter values)."""
    fig, ax = plt.subplots(figsize=(max(5.0, 1.0 + 0.9 * pivot.shape[1]), 1.2 + 0.45 * len(pivot)))
    fig.suptitle(title, fontsize=11)
    if synthetic:
        fig.text(0.99, 0.01, SYNTHETIC_MARK, ha="right", va="bottom", color="#b00020", fontsize=9)
    vals = pivot.to_numpy(dtype=float)
    lim = np.nanmax(np.abs(vals)) if np.isfinite(vals).any() else 1.0
    im = ax.imshow(vals, cmap="RdBu", vmin=-lim, vmax=lim, aspect="auto")
    ax.set_xticks(range(pivot.shape[1]), [str(c) for c in pivot.columns], fontsize=8)
    ax.set_yticks(range(pivot.shape[0]), [str(i) for i in pivot.index], fontsize=8)
    ax.set_xlabel(str(pivot.columns.name or "parameter"))
    ax.set_ylabel(str(pivot.index.name or "parameter"))
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if np.isfinite(vals[i, j]):
                ax.text(j, i, f"{vals[i, j]:.2f}", ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, label="in-sample Sharpe")
    fig.tight_layout()
    return fig


def to_png_base64(fig: Figure, *, dpi: int = 96) -> str:
    """Render a figure to a base64 PNG string and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")
